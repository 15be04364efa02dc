"""p23start: the start page's counts of the whole register kept with the solutions, and an owner's index

solution_class_counts holds how many solutions are in each (phase, AI Act category, device class), and
solution_review_counts how many have their next review on each day; on PostgreSQL a trigger on solutions
keeps both in step in the writing transaction (ai_register/solutions/models.py, COUNTS_FUNCTION). Filled
here from the solutions (PostgreSQL; on SQLite they stay empty, unread). ix_solutions_owner_name (owner,
name, id, with the start page's columns beside them on PostgreSQL) serves an owner's counts and first
solutions by name (solutions/access.owned_rows).

Revision ID: 9a23c0a70001
Revises: 9a23c0de0001
Create Date: 2026-12-07 06:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a23c0a70001"
down_revision = "9a23c0de0001"
branch_labels = None
depends_on = None

# As ai_register/solutions/models.py has them (COUNTS_FUNCTION, COUNTS_TRIGGERS), frozen here.
FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_solution_counts() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT phase, coalesce(current_ai_act_category, '') AS category,
                   coalesce(current_device_class, '') AS device, next_review_on AS review, 1 AS n
            FROM new_rows),
        classes AS (
            INSERT INTO solution_class_counts AS counted (phase, ai_act_category, device_class, solutions)
            SELECT phase, category, device, sum(n) FROM delta GROUP BY phase, category, device
            HAVING sum(n) <> 0 ORDER BY phase, category, device
            ON CONFLICT (phase, ai_act_category, device_class)
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
        SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0 ORDER BY review
        ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    ELSIF TG_OP = 'DELETE' THEN
        WITH delta AS (
            SELECT phase, coalesce(current_ai_act_category, '') AS category,
                   coalesce(current_device_class, '') AS device, next_review_on AS review, -1 AS n
            FROM old_rows),
        classes AS (
            INSERT INTO solution_class_counts AS counted (phase, ai_act_category, device_class, solutions)
            SELECT phase, category, device, sum(n) FROM delta GROUP BY phase, category, device
            HAVING sum(n) <> 0 ORDER BY phase, category, device
            ON CONFLICT (phase, ai_act_category, device_class)
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
        SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0 ORDER BY review
        ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    ELSE
        WITH changed AS (
            SELECT added.phase AS new_phase, coalesce(added.current_ai_act_category, '') AS new_category,
                   coalesce(added.current_device_class, '') AS new_device, added.next_review_on AS new_review,
                   removed.phase AS old_phase, coalesce(removed.current_ai_act_category, '') AS old_category,
                   coalesce(removed.current_device_class, '') AS old_device, removed.next_review_on AS old_review
            FROM new_rows AS added JOIN old_rows AS removed ON removed.id = added.id
            WHERE (added.phase, added.current_ai_act_category, added.current_device_class, added.next_review_on)
                  IS DISTINCT FROM (removed.phase, removed.current_ai_act_category, removed.current_device_class,
                                    removed.next_review_on)),
        delta AS (
            SELECT new_phase AS phase, new_category AS category, new_device AS device, new_review AS review, 1 AS n
            FROM changed
            UNION ALL
            SELECT old_phase, old_category, old_device, old_review, -1 FROM changed),
        classes AS (
            INSERT INTO solution_class_counts AS counted (phase, ai_act_category, device_class, solutions)
            SELECT phase, category, device, sum(n) FROM delta GROUP BY phase, category, device
            HAVING sum(n) <> 0 ORDER BY phase, category, device
            ON CONFLICT (phase, ai_act_category, device_class)
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
        SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0 ORDER BY review
        ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    END IF;
    DELETE FROM solution_class_counts WHERE solutions = 0;
    DELETE FROM solution_review_counts WHERE solutions = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER solutions_counts_insert AFTER INSERT ON solutions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_counts()",
    "CREATE TRIGGER solutions_counts_update AFTER UPDATE ON solutions "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_counts()",
    "CREATE TRIGGER solutions_counts_delete AFTER DELETE ON solutions REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_counts()",
)
OWNER_COLUMNS = ["phase", "status", "current_ai_act_category", "current_device_class", "next_review_on",
                 "needs_rereview"]


def upgrade():
    op.create_table(
        "solution_class_counts",
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("ai_act_category", sa.String(length=32), nullable=False),
        sa.Column("device_class", sa.String(length=16), nullable=False),
        sa.Column("solutions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("phase", "ai_act_category", "device_class", name=op.f("pk_solution_class_counts")),
    )
    op.create_table(
        "solution_review_counts",
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("solutions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("next_review_on", name=op.f("pk_solution_review_counts")),
    )
    op.create_index("ix_solutions_owner_name", "solutions", ["owner_id", "name", "id"], unique=False,
                    postgresql_include=OWNER_COLUMNS)
    if op.get_bind().dialect.name != "postgresql":
        return  # nothing keeps the counts on SQLite: the start page counts the solutions there
    # No write may commit between the counting below and the trigger that keeps the counts from then on: hold
    # writers off explicitly (the index above takes a SHARE lock too, but only as long as it is built that way).
    op.execute("LOCK TABLE solutions IN SHARE ROW EXCLUSIVE MODE")
    op.execute("INSERT INTO solution_class_counts (phase, ai_act_category, device_class, solutions) "
               "SELECT phase, coalesce(current_ai_act_category, ''), coalesce(current_device_class, ''), count(*) "
               "FROM solutions GROUP BY 1, 2, 3")
    op.execute("INSERT INTO solution_review_counts (next_review_on, solutions) "
               "SELECT next_review_on, count(*) FROM solutions WHERE next_review_on IS NOT NULL GROUP BY 1")
    op.execute(FUNCTION)
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]} ON solutions")
        op.execute("DROP FUNCTION IF EXISTS ai_register_solution_counts()")
    op.drop_index("ix_solutions_owner_name", table_name="solutions")
    op.drop_table("solution_review_counts")
    op.drop_table("solution_class_counts")
