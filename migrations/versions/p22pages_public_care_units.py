"""the public register's care units counted as solutions are written, and its list's partial index

public_care_units holds each care unit of the public solutions with how many name it; on PostgreSQL a
trigger on solutions keeps it in step (ai_register/public/models.py, CARE_UNIT_FUNCTION). Filled here from
the solutions. ix_solutions_public_name serves the public list's order and count (PostgreSQL).

Revision ID: 9a22ba9e5002
Revises: 2a9e0da00002
Create Date: 2026-12-07 00:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22ba9e5002"
down_revision = "2a9e0da00002"
branch_labels = None
depends_on = None

# As ai_register/public/models.py has them (CARE_UNIT_FUNCTION, CARE_UNIT_TRIGGERS), frozen here.
FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_public_care_units() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.public IS TRUE AND json_typeof(OLD.care_units) = 'array' THEN
        UPDATE public_care_units AS counted SET solutions = counted.solutions - 1
        FROM (SELECT DISTINCT value FROM json_array_elements_text(OLD.care_units)) AS listed
        WHERE counted.unit = listed.value;
        DELETE FROM public_care_units
        WHERE solutions <= 0 AND unit IN (SELECT value FROM json_array_elements_text(OLD.care_units));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.public IS TRUE AND json_typeof(NEW.care_units) = 'array' THEN
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT DISTINCT value, 1 FROM json_array_elements_text(NEW.care_units) WHERE value <> ''
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER solutions_public_care_units AFTER INSERT OR DELETE ON solutions "
    "FOR EACH ROW EXECUTE FUNCTION ai_register_public_care_units()",
    "CREATE TRIGGER solutions_public_care_units_changed AFTER UPDATE OF public, care_units ON solutions "
    "FOR EACH ROW WHEN (OLD.public IS DISTINCT FROM NEW.public OR OLD.care_units::text IS DISTINCT FROM "
    "NEW.care_units::text) EXECUTE FUNCTION ai_register_public_care_units()",
)


def upgrade():
    op.create_table("public_care_units",
                    sa.Column("unit", sa.Text(), nullable=False),
                    sa.Column("solutions", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("unit", name=op.f("pk_public_care_units")))
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_solutions_public_name", "solutions", [sa.text("lower(name)"), "id"], unique=False,
                        postgresql_where=sa.text("public IS TRUE"))
        op.execute(FUNCTION)
        for statement in TRIGGERS:
            op.execute(statement)
        op.execute("""
            INSERT INTO public_care_units (unit, solutions)
            SELECT listed.value, count(DISTINCT solutions.id) FROM solutions
            CROSS JOIN LATERAL json_array_elements_text(
                CASE WHEN json_typeof(solutions.care_units) = 'array' THEN solutions.care_units
                     ELSE '[]'::json END) AS listed
            WHERE solutions.public IS TRUE AND listed.value <> ''
            GROUP BY listed.value
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("solutions_public_care_units_changed", "solutions_public_care_units"):
            op.execute(f"DROP TRIGGER {name} ON solutions")
        op.execute("DROP FUNCTION ai_register_public_care_units()")
        op.drop_index("ix_solutions_public_name", table_name="solutions")
    op.drop_table("public_care_units")
