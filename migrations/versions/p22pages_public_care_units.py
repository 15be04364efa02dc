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
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT listed.value, count(DISTINCT added.id) FROM new_rows AS added
        CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(added.care_units) = 'array'
                                                         THEN added.care_units ELSE '[]'::json END) AS listed
        WHERE added.public IS TRUE AND listed.value <> '' GROUP BY listed.value
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE public_care_units AS counted SET solutions = counted.solutions - gone.n
        FROM (SELECT listed.value AS unit, count(DISTINCT removed.id) AS n FROM old_rows AS removed
              CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(removed.care_units) = 'array'
                                                               THEN removed.care_units ELSE '[]'::json END) AS listed
              WHERE removed.public IS TRUE GROUP BY listed.value) AS gone
        WHERE counted.unit = gone.unit;
        DELETE FROM public_care_units WHERE solutions <= 0;
    ELSE
        -- only the rows whose public flag or care units changed
        WITH changed AS (
            SELECT o.id, o.public AS old_public, o.care_units AS old_units, n.public AS new_public,
                   n.care_units AS new_units
            FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
            WHERE o.public IS DISTINCT FROM n.public OR o.care_units::text IS DISTINCT FROM n.care_units::text),
        delta AS (
            SELECT listed.value AS unit, -count(DISTINCT changed.id) AS n FROM changed
            CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(changed.old_units) = 'array'
                                                             THEN changed.old_units ELSE '[]'::json END) AS listed
            WHERE changed.old_public IS TRUE AND listed.value <> '' GROUP BY listed.value
            UNION ALL
            SELECT listed.value, count(DISTINCT changed.id) FROM changed
            CROSS JOIN LATERAL json_array_elements_text(CASE WHEN json_typeof(changed.new_units) = 'array'
                                                             THEN changed.new_units ELSE '[]'::json END) AS listed
            WHERE changed.new_public IS TRUE AND listed.value <> '' GROUP BY listed.value)
        INSERT INTO public_care_units AS counted (unit, solutions)
        SELECT unit, sum(n) FROM delta GROUP BY unit HAVING sum(n) <> 0
        ON CONFLICT (unit) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
        DELETE FROM public_care_units WHERE solutions <= 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER solutions_public_care_units_insert AFTER INSERT ON solutions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_public_care_units()",
    "CREATE TRIGGER solutions_public_care_units_update AFTER UPDATE ON solutions "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_public_care_units()",
    "CREATE TRIGGER solutions_public_care_units_delete AFTER DELETE ON solutions REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_public_care_units()",
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
        for name in ("solutions_public_care_units_insert", "solutions_public_care_units_update",
                     "solutions_public_care_units_delete"):
            op.execute(f"DROP TRIGGER {name} ON solutions")
        op.execute("DROP FUNCTION ai_register_public_care_units()")
        op.drop_index("ix_solutions_public_name", table_name="solutions")
    op.drop_table("public_care_units")
