"""p24rules: how many classifications each rule set snapshot produced, kept with the classifications

ruleset_classification_counts holds one row per snapshot with at least one classification; triggers on
classifications keep it in step in the writing transaction, on PostgreSQL and SQLite alike (the statements of
ai_register/classification/models.py, RULESET_COUNTS_FUNCTIONS and RULESET_COUNT_TRIGGERS, frozen here). Filled
here from the classifications with writers held off, so no classification committed between the count and the
triggers is lost.

Revision ID: 24a0c0de0001
Revises: 9a24b0c70001
Create Date: 2026-12-07 08:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "24a0c0de0001"
down_revision = "9a24b0c70001"
branch_labels = None
depends_on = None

FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION ai_register_ruleset_counts() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ruleset_classification_counts AS counted (ruleset_sha256, classifications)
        SELECT ruleset_sha256, count(*) FROM new_rows GROUP BY ruleset_sha256 ORDER BY ruleset_sha256
        ON CONFLICT (ruleset_sha256) DO UPDATE SET classifications = counted.classifications + EXCLUDED.classifications;
    ELSE
        WITH removed AS (
            SELECT ruleset_sha256, count(*) AS n FROM old_rows GROUP BY ruleset_sha256 ORDER BY ruleset_sha256)
        UPDATE ruleset_classification_counts AS counted SET classifications = counted.classifications - removed.n
        FROM removed WHERE counted.ruleset_sha256 = removed.ruleset_sha256;
        DELETE FROM ruleset_classification_counts
        WHERE classifications = 0 AND ruleset_sha256 IN (SELECT ruleset_sha256 FROM old_rows);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE OR REPLACE FUNCTION ai_register_ruleset_count_moved() RETURNS trigger AS $$
BEGIN
    IF NEW.ruleset_sha256 < OLD.ruleset_sha256 THEN
        INSERT INTO ruleset_classification_counts AS counted (ruleset_sha256, classifications)
        VALUES (NEW.ruleset_sha256, 1)
        ON CONFLICT (ruleset_sha256) DO UPDATE SET classifications = counted.classifications + 1;
        UPDATE ruleset_classification_counts SET classifications = classifications - 1
        WHERE ruleset_sha256 = OLD.ruleset_sha256;
    ELSE
        UPDATE ruleset_classification_counts SET classifications = classifications - 1
        WHERE ruleset_sha256 = OLD.ruleset_sha256;
        INSERT INTO ruleset_classification_counts AS counted (ruleset_sha256, classifications)
        VALUES (NEW.ruleset_sha256, 1)
        ON CONFLICT (ruleset_sha256) DO UPDATE SET classifications = counted.classifications + 1;
    END IF;
    DELETE FROM ruleset_classification_counts WHERE ruleset_sha256 = OLD.ruleset_sha256 AND classifications = 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""",
)
TRIGGERS = {
    "postgresql": (
        ("classifications_ruleset_counts_insert",
         "CREATE TRIGGER classifications_ruleset_counts_insert AFTER INSERT ON classifications "
         "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_register_ruleset_counts()"),
        ("classifications_ruleset_counts_delete",
         "CREATE TRIGGER classifications_ruleset_counts_delete AFTER DELETE ON classifications "
         "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_register_ruleset_counts()"),
        ("classifications_ruleset_counts_move",
         "CREATE TRIGGER classifications_ruleset_counts_move AFTER UPDATE OF ruleset_sha256 ON classifications "
         "FOR EACH ROW WHEN (OLD.ruleset_sha256 IS DISTINCT FROM NEW.ruleset_sha256) "
         "EXECUTE FUNCTION ai_register_ruleset_count_moved()"),
    ),
    "sqlite": (
        ("classifications_ruleset_counts_insert",
         "CREATE TRIGGER classifications_ruleset_counts_insert AFTER INSERT ON classifications BEGIN "
         "INSERT INTO ruleset_classification_counts (ruleset_sha256, classifications) "
         "SELECT NEW.ruleset_sha256, 0 WHERE NOT EXISTS (SELECT 1 FROM ruleset_classification_counts "
         "WHERE ruleset_sha256 = NEW.ruleset_sha256); "
         "UPDATE ruleset_classification_counts SET classifications = classifications + 1 "
         "WHERE ruleset_sha256 = NEW.ruleset_sha256; END"),
        ("classifications_ruleset_counts_delete",
         "CREATE TRIGGER classifications_ruleset_counts_delete AFTER DELETE ON classifications BEGIN "
         "UPDATE ruleset_classification_counts SET classifications = classifications - 1 "
         "WHERE ruleset_sha256 = OLD.ruleset_sha256; "
         "DELETE FROM ruleset_classification_counts "
         "WHERE ruleset_sha256 = OLD.ruleset_sha256 AND classifications = 0; END"),
        ("classifications_ruleset_counts_move",
         "CREATE TRIGGER classifications_ruleset_counts_move AFTER UPDATE OF ruleset_sha256 ON classifications "
         "WHEN OLD.ruleset_sha256 IS NOT NEW.ruleset_sha256 BEGIN "
         "INSERT INTO ruleset_classification_counts (ruleset_sha256, classifications) "
         "SELECT NEW.ruleset_sha256, 0 WHERE NOT EXISTS (SELECT 1 FROM ruleset_classification_counts "
         "WHERE ruleset_sha256 = NEW.ruleset_sha256); "
         "UPDATE ruleset_classification_counts SET classifications = classifications + 1 "
         "WHERE ruleset_sha256 = NEW.ruleset_sha256; "
         "UPDATE ruleset_classification_counts SET classifications = classifications - 1 "
         "WHERE ruleset_sha256 = OLD.ruleset_sha256; "
         "DELETE FROM ruleset_classification_counts "
         "WHERE ruleset_sha256 = OLD.ruleset_sha256 AND classifications = 0; END"),
    ),
}


def upgrade():
    op.create_table(
        "ruleset_classification_counts",
        sa.Column("ruleset_sha256", sa.String(length=64), nullable=False),
        sa.Column("classifications", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ruleset_sha256"], ["ruleset_snapshots.sha256"],
                                name=op.f("fk_ruleset_classification_counts_ruleset_sha256_ruleset_snapshots")),
        sa.PrimaryKeyConstraint("ruleset_sha256", name=op.f("pk_ruleset_classification_counts")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # No classification may commit between the counting below and the triggers that count from then on.
        op.execute("LOCK TABLE classifications IN SHARE ROW EXCLUSIVE MODE")
        for function in FUNCTIONS:
            op.execute(function)
    # (SQLite: the INSERT takes the database's write lock, held until the triggers below are in place at commit.)
    op.execute("INSERT INTO ruleset_classification_counts (ruleset_sha256, classifications) "
               "SELECT ruleset_sha256, count(*) FROM classifications GROUP BY ruleset_sha256")
    for _name, statement in TRIGGERS.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _statement in TRIGGERS.get(dialect, ()):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON classifications" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ai_register_ruleset_count_moved()")
        op.execute("DROP FUNCTION IF EXISTS ai_register_ruleset_counts()")
    op.drop_table("ruleset_classification_counts")
