"""p24rules: the reviews kept per day and phase, for the follow-up agenda's count of the reviews due

solution_phase_review_counts holds how many solutions in each phase have their next review on each day: the
follow-up agenda counts the reviews due of the phases with periodic reviews only (reviews.agenda._reviews), which
p23start's solution_review_counts (one row per day, for the readers of every phase) cannot answer. Filled from
the solutions with writers held off; the trigger function on solutions that keeps the start page's counts
(ai_register/solutions/models.py, COUNTS_FUNCTION, frozen here) is replaced by one that keeps this table too.
SQLite: the table stays empty, as nothing keeps it there (the agenda counts the solutions).

Revision ID: 24a0c0de0002
Revises: 24a0c0de0001
Create Date: 2026-12-07 09:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "24a0c0de0002"
down_revision = "24a0c0de0001"
branch_labels = None
depends_on = None

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
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions),
        reviews AS (
            INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
            SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0
            ORDER BY review
            ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_phase_review_counts AS counted (next_review_on, phase, solutions)
        SELECT review, phase, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review, phase HAVING sum(n) <> 0
        ORDER BY review, phase
        ON CONFLICT (next_review_on, phase) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
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
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions),
        reviews AS (
            INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
            SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0
            ORDER BY review
            ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_phase_review_counts AS counted (next_review_on, phase, solutions)
        SELECT review, phase, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review, phase HAVING sum(n) <> 0
        ORDER BY review, phase
        ON CONFLICT (next_review_on, phase) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
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
            DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions),
        reviews AS (
            INSERT INTO solution_review_counts AS counted (next_review_on, solutions)
            SELECT review, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review HAVING sum(n) <> 0
            ORDER BY review
            ON CONFLICT (next_review_on) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions)
        INSERT INTO solution_phase_review_counts AS counted (next_review_on, phase, solutions)
        SELECT review, phase, sum(n) FROM delta WHERE review IS NOT NULL GROUP BY review, phase HAVING sum(n) <> 0
        ORDER BY review, phase
        ON CONFLICT (next_review_on, phase) DO UPDATE SET solutions = counted.solutions + EXCLUDED.solutions;
    END IF;
    DELETE FROM solution_class_counts WHERE solutions = 0;
    DELETE FROM solution_review_counts WHERE solutions = 0;
    IF TG_OP <> 'INSERT' THEN  -- only the keys rows left can reach 0 (by their primary key: no scan of every day)
        DELETE FROM solution_phase_review_counts
        WHERE (next_review_on, phase) IN (SELECT next_review_on, phase FROM old_rows) AND solutions = 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
# p23start's, for the downgrade.
PREVIOUS_FUNCTION = """
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


def upgrade():
    op.create_table(
        "solution_phase_review_counts",
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("solutions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("next_review_on", "phase", name=op.f("pk_solution_phase_review_counts")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # No write to solutions may commit between the counting below and the trigger function that counts from
    # then on (replaced in this transaction).
    op.execute("LOCK TABLE solutions IN SHARE ROW EXCLUSIVE MODE")
    op.execute("INSERT INTO solution_phase_review_counts (next_review_on, phase, solutions) "
               "SELECT next_review_on, phase, count(*) FROM solutions WHERE next_review_on IS NOT NULL "
               "GROUP BY next_review_on, phase")
    op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS_FUNCTION)
    op.drop_table("solution_phase_review_counts")
