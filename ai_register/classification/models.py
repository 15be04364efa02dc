"""Classification records: answers, the engine's result, the rule set that produced it, and the review.

Nothing is overwritten (DOMAIN.md, "Classification"): a new answer set is a new version, and every
rule set that produced a stored result is kept as a snapshot, so an old result stays reproducible
after the files in `risk_rules/` change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.rules import contract
from ai_register.users.models import User, utcnow

DRAFT, SUBMITTED, APPROVED, REJECTED, OVERRIDDEN = "draft", "submitted", "approved", "rejected", "overridden"
STATUSES = (DRAFT, SUBMITTED, APPROVED, REJECTED, OVERRIDDEN)
# The review outcomes that make a classification count (DOMAIN.md, "valid classification").
DECIDED = (APPROVED, OVERRIDDEN)
# What an officer may set in an override: a decided category (never `needs_review`) and a class
# from the contract's lists.
OVERRIDE_CATEGORIES = tuple(contract.STRICTNESS)
DEVICE_CLASSES = tuple(c for classes in contract.DEVICE_CLASSES.values() for c in classes)


class RuleSetSnapshot(db.Model):
    """The exact rule files that produced at least one stored result, identified by their SHA-256."""

    __tablename__ = "ruleset_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    version: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    files: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class RulesetClassificationCount(db.Model):
    """How many stored classifications each rule set snapshot produced (a snapshot with none has no row): the
    rule sets' list (`rulesets.list_rulesets`) reads these few rows instead of counting the classifications
    per snapshot, which grows with the register and, right after a bulk update of the classifications (whose
    visibility map is then stale until vacuum), read the table itself (issue 22). Kept by triggers on
    `classifications` in the writing transaction, on PostgreSQL and SQLite alike (RULESET_COUNT_TRIGGERS)."""

    __tablename__ = "ruleset_classification_counts"

    ruleset_sha256: Mapped[str] = mapped_column(ForeignKey("ruleset_snapshots.sha256"), primary_key=True)
    classifications: Mapped[int] = mapped_column(Integer, nullable=False)


class Classification(db.Model):
    """One answer set of a solution with the engine's result and its review.

    `status`: draft → submitted → approved | rejected | overridden. An override keeps the engine's
    `result` and stores the officer's category and device class beside it.
    """

    __tablename__ = "classifications"
    __table_args__ = (UniqueConstraint("solution_id", "version", name="uq_classifications_solution_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False)
    result: Mapped[dict] = mapped_column(JSON, nullable=False)
    ruleset_sha256: Mapped[str] = mapped_column(ForeignKey("ruleset_snapshots.sha256"), nullable=False,
                                                index=True)
    ruleset_version: Mapped[str] = mapped_column(String(64), nullable=False)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DRAFT, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The reviewer's justification: required to reject or override, optional to approve.
    review_justification: Mapped[str | None] = mapped_column(Text)
    override_category: Mapped[str | None] = mapped_column(String(32))
    override_device_class: Mapped[str | None] = mapped_column(String(16))

    answered_by: Mapped[User] = relationship(foreign_keys=[answered_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    snapshot: Mapped[RuleSetSnapshot] = relationship(foreign_keys=[ruleset_sha256])

    @property
    def overridden(self) -> bool:
        return self.status == OVERRIDDEN

    @property
    def override_justification(self) -> str | None:
        return self.review_justification if self.overridden else None

    @property
    def engine_category(self) -> str:
        return self.result["ai_act"]["category"]

    @property
    def engine_device_class(self) -> str | None:
        return (self.result.get("medical_device") or {}).get("class")

    @property
    def effective_category(self) -> str:
        """What counts: the officer's category for an override, else the engine's."""
        if self.overridden and self.override_category:
            return self.override_category
        return self.engine_category

    @property
    def effective_device_class(self) -> str | None:
        if self.overridden and self.override_device_class:
            return self.override_device_class
        return self.engine_device_class

    @property
    def effective_needs_review(self) -> bool:
        # An override decides the parts it sets; what it leaves open stays open.
        if not self.overridden:
            return bool(self.result.get("needs_review"))
        return contract.still_needs_review(self.result, override_category=self.override_category,
                                           override_device_class=self.override_device_class)

    @property
    def ruleset_ref(self) -> dict:
        return {"version": self.ruleset_version, "sha256": self.ruleset_sha256}

    @property
    def override(self) -> dict | None:
        if not self.overridden:
            return None
        return {"category": self.override_category, "device_class": self.override_device_class,
                "justification": self.override_justification}

    @property
    def effective(self) -> dict:
        return {"category": self.effective_category, "device_class": self.effective_device_class,
                "needs_review": self.effective_needs_review}

    def __repr__(self) -> str:
        return f"<Classification {self.id} solution={self.solution_id} v{self.version} {self.status}>"


class ClassificationSummary(db.Model):
    """What a solution's detail shows of its classifications, kept per solution (one row for each solution
    with at least one version), so reading a solution is one statement (classification/summaries.py).

    Written in the transaction of every classification change from the versions themselves; what a read
    adds is the part that depends on the moment: whether the solution is flagged (its own column), whether
    the active rule set still decides the result alike (`checked_sha256`/`result_changed` hold the answer
    for one rule set; another one is asked at read) and which obligations are in force today.
    """

    __tablename__ = "classification_summaries"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True, autoincrement=False)
    # The version shown: the latest approved or overridden one, else the latest of all.
    shown_id: Mapped[int] = mapped_column(ForeignKey("classifications.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    engine_category: Mapped[str] = mapped_column(String(32), nullable=False)
    device_class: Mapped[str | None] = mapped_column(String(16))
    needs_review: Mapped[bool] = mapped_column(Boolean, nullable=False)
    ruleset_version: Mapped[str] = mapped_column(String(64), nullable=False)
    ruleset_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # The latest approved or overridden version (None: none decided) and what its answers and result say.
    decided_id: Mapped[int | None] = mapped_column(ForeignKey("classifications.id"), index=True)
    ai_act_role: Mapped[Any] = mapped_column(JSON, nullable=True)  # the answer as given (a choice's value)
    public_authority: Mapped[bool | None] = mapped_column(Boolean)
    obligations: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    prohibited_block: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # Whether the rule set `checked_sha256` decides the decided version's answers differently.
    checked_sha256: Mapped[str | None] = mapped_column(String(64))
    result_changed: Mapped[bool | None] = mapped_column(Boolean)


class RulesetImpactRun(db.Model):
    """An applied rule-set impact: which results changed and which solutions were flagged."""

    __tablename__ = "ruleset_impact_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    ruleset_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    ruleset_version: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_classification_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    flagged_solution_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)


class AnswerDraft(db.Model):
    """The questionnaire as far as it is answered: saved at every step of the wizard, so leaving half-way
    loses nothing. Not a classification version (those are never overwritten): a working copy, one per
    solution, that the owners share. Storing a version from it closes it (`closed_at`, `stored_version`);
    the next visit starts a new working copy from the latest version's answers."""

    __tablename__ = "classification_answer_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, unique=True)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # The questions the wizard has shown and had posted back: a question left open on purpose ("unsure")
    # is seen but not answered, so resuming does not stop at it again.
    seen: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # The rule set the answers were given under (version); a newer one re-reads them on resume.
    ruleset_version: Mapped[str] = mapped_column(String(64), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stored_version: Mapped[int | None] = mapped_column(Integer)

    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    @property
    def open(self) -> bool:
        return self.closed_at is None


# The triggers that keep `ruleset_classification_counts` (the migration p24rules_ruleset_counts installs the same
# statements). PostgreSQL: an INSERT or DELETE is counted once per statement from its transition table (a COPY of
# 100,000 classifications is one upsert per rule set); a change of a version's rule set (none in the product, a
# maintenance step could) row by row, and only for rows whose rule set changes: a trigger on UPDATE with a
# transition table cannot name its columns, so it would copy every updated row (answers, result) of every update,
# such as the reviews' status changes and the bench's bulk updates. Rows are locked in the order of their rule set,
# and a count that reaches 0 is removed. SQLite: the same, row by row.
RULESET_COUNTS_FUNCTIONS = (
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
RULESET_COUNT_TRIGGERS = {
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
    # Not an upsert: the conflict clause of the statement that fires a trigger would override the trigger's own.
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


@event.listens_for(db.metadata, "after_create")
def _install_ruleset_count_triggers(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migration p24rules_ruleset_counts. The metadata's after_create fires on every
    create_all, also over a schema that has the triggers already: each trigger is replaced, not created twice."""
    name = connection.dialect.name
    if name == "postgresql":
        for function in RULESET_COUNTS_FUNCTIONS:
            connection.exec_driver_sql(function)
    for trigger, statement in RULESET_COUNT_TRIGGERS.get(name, ()):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}" + (" ON classifications"
                                                                          if name == "postgresql" else ""))
        connection.exec_driver_sql(statement)
