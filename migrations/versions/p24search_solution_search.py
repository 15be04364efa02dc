"""p24search: each solution's name and purpose in lower case, for the lists' search (issue 22)

solution_search holds one narrow row per solution (lower(name); lower(name), a line break, lower(purpose))
with a trigram index of the words (PostgreSQL). A search of the whole register reads its matches there
(solutions.services.list_solutions) instead of rechecking 10,179 wide solution rows for a word that one
in ten names holds. On PostgreSQL a trigger on solutions keeps the rows in step in the writing transaction
(ai_register/solutions/models.py, SEARCH_FUNCTION); filled here from the solutions (PostgreSQL; on SQLite
the table stays empty, unread).

Revision ID: 24c5ea4c0002
Revises: 24c5ea4c0001
Create Date: 2026-12-07 09:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "24c5ea4c0002"
down_revision = "24c5ea4c0001"
branch_labels = None
depends_on = None

# As ai_register/solutions/models.py has them (SEARCH_FUNCTION, SEARCH_TRIGGERS), frozen here.
FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_solution_search() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO solution_search (solution_id, name_key, words)
        SELECT id, lower(name), lower(name) || E'\\n' || lower(purpose) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM solution_search WHERE solution_id IN (SELECT id FROM old_rows);
    ELSE
        UPDATE solution_search AS kept
        SET name_key = lower(added.name), words = lower(added.name) || E'\\n' || lower(added.purpose)
        FROM new_rows AS added JOIN old_rows AS removed ON removed.id = added.id
        WHERE kept.solution_id = added.id
          AND (added.name, added.purpose) IS DISTINCT FROM (removed.name, removed.purpose);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER solutions_search_insert AFTER INSERT ON solutions REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_search()",
    "CREATE TRIGGER solutions_search_update AFTER UPDATE ON solutions "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_search()",
    "CREATE TRIGGER solutions_search_delete AFTER DELETE ON solutions REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_solution_search()",
)


def upgrade():
    op.create_table(
        "solution_search",
        sa.Column("solution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("solution_id", name=op.f("pk_solution_search")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # Writers of solutions wait until the rows are filled and the trigger is in place, so none is missed.
    op.execute("LOCK TABLE solutions IN SHARE ROW EXCLUSIVE MODE")
    op.execute(FUNCTION)
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO solution_search (solution_id, name_key, words) "
               "SELECT id, lower(name), lower(name) || E'\\n' || lower(purpose) FROM solutions ORDER BY id")
    op.create_index("ix_solution_search_words_trgm", "solution_search", [sa.text("words public.gin_trgm_ops")],
                    unique=False, postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]} ON solutions")
        op.execute("DROP FUNCTION IF EXISTS ai_register_solution_search()")
        op.drop_index("ix_solution_search_words_trgm", table_name="solution_search")
    op.drop_table("solution_search")
