"""The AI solution: the register's central record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.classification.models import ClassificationSummary
from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from ai_register.users.models import User, utcnow

solution_co_owners = Table(
    "solution_co_owners",
    db.metadata,
    Column("solution_id", ForeignKey("solutions.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)

KINDS = ("machine_learning", "generative", "rule_based", "other")
# The phases in which a solution is in use (pilot, rollout, management: DOMAIN.md), as the predicate of the
# deviation form's search indexes (incidents.deviations.search_solutions writes them as literals to match;
# tests/incidents/test_deviation_search.py checks that the two name the same phases).
IN_USE_PHASES = ("pilot", "rollout", "management")
IN_USE_PREDICATE = "phase IN ({})".format(", ".join(f"'{phase}'" for phase in IN_USE_PHASES))
SOURCINGS = ("in_house", "procured")


def search_words(name, purpose):
    """A solution's name and purpose in lower case with a line break between them, as the lists' search reads
    them: `search_words(name, purpose) LIKE '%' || lower(q) || '%'` is `name ILIKE … OR purpose ILIKE …`
    for a `q` without a line break (PostgreSQL's ILIKE lowers both sides). The same expression as the kept
    `SolutionSearch.words`, and as the filtered search's index (ix_solutions_filtered_search) has it."""
    return func.lower(name).op("||")(literal_column("'\n'")).op("||")(func.lower(purpose))


class Solution(db.Model):
    __tablename__ = "solutions"
    __table_args__ = (
        Index("ix_solutions_phase_status", "phase", "status"),
        # The lists' default order (solutions.services.SORT_COLUMNS: name, case-insensitive). On PostgreSQL
        # it carries the name too, so a late page's ids come from the index alone (an index-only scan).
        Index("ix_solutions_lower_name", func.lower(text("name")), "id", postgresql_include=["name"]),
        # The lists sorted by next review, latest first and undated last (`sort=-next_review_on`); the
        # other direction reads ix_solutions_next_review_on.
        Index("ix_solutions_next_review_desc", text("next_review_on DESC NULLS LAST"), "id")
        .ddl_if(dialect="postgresql"),
        # The start page's counts by phase, AI Act category and device class, from the index alone.
        Index("ix_solutions_phase_category_device", "phase", "current_ai_act_category", "current_device_class"),
        # The public register's list and its count: the public solutions in name order (PostgreSQL).
        Index("ix_solutions_public_name", func.lower(text("name")), "id", postgresql_where=text("public IS TRUE"))
        .ddl_if(dialect="postgresql"),
        # The start page's "rule set changed" list and its count: the few flagged solutions, by name.
        Index("ix_solutions_flagged", "name", "id", postgresql_where=text("needs_rereview IS TRUE"),
              sqlite_where=text("needs_rereview IS TRUE")),
        # Free-text search (`q`, ILIKE '%…%' on name and purpose) on PostgreSQL: trigram indexes.
        # The opclass is schema-qualified because pg_trgm lives in `public` (see _install_pg_trgm).
        Index("ix_solutions_name_trgm", "name", postgresql_using="gin",
              postgresql_ops={"name": "public.gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_solutions_purpose_trgm", "purpose", postgresql_using="gin",
              postgresql_ops={"purpose": "public.gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        # The follow-up agenda's reviews (reviews.agenda._reviews, the review schedule): due by a date, in
        # date order, counted and filtered by phase from the index alone (an index-only scan).
        Index("ix_solutions_review_agenda", "next_review_on", "id", "phase"),
        # Their count: one range of the index per reviewed phase, no filter on each entry (33,784 due
        # reviews of 100,000 solutions counted in ~3 ms against ~17 ms from the index above).
        Index("ix_solutions_phase_review", "phase", "next_review_on"),
        # The agenda's continuity gaps (portfolio.followup.continuity_part): critical solutions in service.
        Index("ix_solutions_critical_phase", "critical_for_patient_care", "phase"),
        # An owner's solutions, and their ids from the index alone (access.owned_ids: the owner's portfolio
        # reads its rows of other tables by these ids).
        Index("ix_solutions_owner_id", "owner_id", "id"),
        # An owner's own solutions by name, with what the start page counts and shows beside each entry
        # (access.owned_rows): their counts from the index alone, their first by name a walk of it.
        Index("ix_solutions_owner_name", "owner_id", "name", "id",
              postgresql_include=["phase", "status", "current_ai_act_category", "current_device_class",
                                  "next_review_on", "needs_rereview"]),
        # The solution fields' search as you type (solutions.views.lookup, name_order.first_matches): the
        # first solutions of the whole register in name order, a walk of this index; with the phase the
        # answer shows, from the index alone on PostgreSQL (an index-only scan: 1.7 → 0.5 ms at 100k).
        Index("ix_solutions_name_id", "name", "id", postgresql_include=["phase"]),
        # The deviation form's search (incidents.deviations.search_solutions): the solutions in use in name
        # order, and (PostgreSQL) the words of their names and care units, in lower case, as trigrams.
        Index("ix_solutions_in_use_name", "name", "id", postgresql_where=text(IN_USE_PREDICATE),
              sqlite_where=text(IN_USE_PREDICATE)),
        Index("ix_solutions_in_use_name_trgm", func.lower(text("name")).label("lower_name"),
              postgresql_using="gin", postgresql_ops={"lower_name": "public.gin_trgm_ops"},
              postgresql_where=text(IN_USE_PREDICATE)).ddl_if(dialect="postgresql"),
        Index("ix_solutions_in_use_units_trgm", func.lower(cast(text("care_units"), String)).label("lower_units"),
              postgresql_using="gin", postgresql_ops={"lower_units": "public.gin_trgm_ops"},
              postgresql_where=text(IN_USE_PREDICATE)).ddl_if(dialect="postgresql"),
        # The lists' care-unit filter (services.json_list_contains: `care_units::jsonb @> '["unit"]'`) as a
        # bitmap of its own (PostgreSQL), so a filtered, searched list reads only the rows every filter keeps.
        Index("ix_solutions_care_units_gin", cast(text("care_units"), JSONB).label("units"),
              postgresql_using="gin", postgresql_ops={"units": "jsonb_path_ops"}).ddl_if(dialect="postgresql"),
        # A search of the whole register with a phase or care-unit filter (the API list's phase, status, care
        # unit and text) in one GIN scan (PostgreSQL; btree_gin for the phase): the rows matching all three,
        # instead of a bitmap each of the phase (16,700 entries at 100,000 solutions), the care unit (20,000)
        # and the name's and the purpose's trigrams (10,000 each) ANDed (services.list_solutions).
        Index("ix_solutions_filtered_search", "phase", cast(text("care_units"), JSONB).label("units"),
              search_words(text("name"), text("purpose")).label("words"), postgresql_using="gin",
              postgresql_ops={"units": "jsonb_path_ops", "words": "public.gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Optimistic concurrency: every UPDATE checks and bumps it; it is the ETag.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    intended_use: Mapped[str | None] = mapped_column(Text)
    need_statement: Mapped[str | None] = mapped_column(Text)
    alternatives: Mapped[str | None] = mapped_column(Text)
    care_units: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    user_groups: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    supplier: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    product_version: Mapped[str | None] = mapped_column(String(100))
    sourcing: Mapped[str] = mapped_column(String(16), nullable=False, default="procured")
    in_service_since: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, default="machine_learning")
    # None means not yet assessed; the pilot gate then asks for a DPIA as if they were (GDPR Art 35).
    processes_personal_data: Mapped[bool | None] = mapped_column(Boolean)
    processes_health_data: Mapped[bool | None] = mapped_column(Boolean)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    confidentiality: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=2)
    integrity: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=2)
    availability: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=2)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    phase: Mapped[str] = mapped_column(String(32), nullable=False, default="needs_analysis", index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    phase_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                       default=utcnow)
    # Periodic review schedule (the management gate needs one).
    review_interval_months: Mapped[int | None] = mapped_column(SmallInteger)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    decommission_rationale: Mapped[str | None] = mapped_column(Text)
    # Criticality and continuity: critical ones need a fallback routine and a tested recovery plan
    # before rollout (lifecycle.continuity_if_critical). None means not yet assessed.
    critical_for_patient_care: Mapped[bool | None] = mapped_column(Boolean)
    max_tolerable_outage_hours: Mapped[int | None] = mapped_column(Integer)
    recovery_plan_tested_on: Mapped[date | None] = mapped_column(Date)
    # Set when a rule-set change alters the result of its valid classification.
    needs_rereview: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Copies of the valid classification's effective result, kept by the classification module so
    # that lists filter on them without a join; None while no classification is valid.
    current_ai_act_category: Mapped[str | None] = mapped_column(String(32), index=True)
    current_device_class: Mapped[str | None] = mapped_column(String(16), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    co_owners: Mapped[list[User]] = relationship(secondary=solution_co_owners, order_by=User.id)
    # The pending phase-change request, if any (at most one: uq_transition_requests_one_pending), and the
    # current human-oversight assignment, if any (oversight/models.py; at most one:
    # uq_oversight_assignments_current). Read-only, so the solution's detail loads them in its own statement.
    pending_transition: Mapped[TransitionRequest | None] = relationship(
        viewonly=True,
        primaryjoin="and_(TransitionRequest.solution_id == Solution.id, TransitionRequest.status == 'pending')",
    )
    current_oversight: Mapped[OversightAssignment | None] = relationship(
        viewonly=True,
        primaryjoin="and_(OversightAssignment.solution_id == Solution.id, OversightAssignment.ended_at.is_(None))",
    )
    # What its detail shows of its classifications, kept by classification/summaries.py (none before the
    # first version). Read-only here: only that module writes it.
    classification_summary: Mapped[ClassificationSummary | None] = relationship(viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    def owner_ids(self) -> set[int]:
        return {self.owner_id, *(u.id for u in self.co_owners)}

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@event.listens_for(Solution.__table__, "before_create")
def _install_pg_trgm(target, connection, **kw):  # noqa: ARG001
    """The trigram indexes need pg_trgm (a trusted extension since PostgreSQL 13); the migration does the same."""
    if connection.dialect.name == "postgresql":
        # IF NOT EXISTS is not safe against a concurrent twin (two schemas built at once in one database):
        # serialise on a transaction-level advisory lock.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('ai_register:pg_trgm'))")
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        # btree_gin (trusted too): ix_solutions_filtered_search's phase.
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public")


def replace_solution_triggers(connection, function: str, triggers: tuple[str, ...]) -> None:
    """Another area's trigger function and its triggers on `solutions` (PostgreSQL only): create_all's twin of
    the migration that installs them. The metadata's after_create fires on every create_all, also over a schema
    that has the triggers already (the bench's PDF section calls it again): each trigger is replaced, not
    created twice."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(function)
    for statement in triggers:
        name = statement.split()[2]
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON solutions")
        connection.exec_driver_sql(statement)


def statement_triggers(prefix: str, function: str, events=("insert", "update", "delete")) -> tuple[str, ...]:
    """The statement-level triggers on `solutions` that run `function` with their transition tables (the new rows
    of an insert, the old ones of a delete, both of an update), named `<prefix>_<event>`."""
    tables = {"insert": "NEW TABLE AS new_rows", "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
              "delete": "OLD TABLE AS old_rows"}
    return tuple(f"CREATE TRIGGER {prefix}_{event} AFTER {event.upper()} ON solutions REFERENCING {tables[event]} "
                 f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()" for event in events)


TRANSITION_STATUSES = ("pending", "approved", "rejected", "withdrawn", "applied")


class TransitionRequest(db.Model):
    """One phase change of a solution: a request awaiting approval (into pilot and rollout) and its
    outcome, or a change that took effect at once (`applied`). Together they are the phase history."""

    __tablename__ = "transition_requests"
    __table_args__ = (
        # At most one pending request per solution, whatever races the service check loses.
        Index("uq_transition_requests_one_pending", "solution_id", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    from_phase: Mapped[str] = mapped_column(String(32), nullable=False)
    to_phase: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    approval_required: Mapped[bool] = mapped_column(Boolean, nullable=False)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    solution: Mapped[Solution] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Decision(db.Model):
    """A follow-up decision ("effekt före insats"): who decided what, when, why, on which data."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    # What the decision rests on: a JSON object of figures or a text summary of the follow-up.
    follow_up_data: Mapped[dict | str | None] = mapped_column(JSON)
    meeting_reference: Mapped[str | None] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(32), nullable=False)
    status_before: Mapped[str] = mapped_column(String(16), nullable=False)
    status_after: Mapped[str] = mapped_column(String(16), nullable=False)
    transition_request_id: Mapped[int | None] = mapped_column(ForeignKey("transition_requests.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    transition_request: Mapped[TransitionRequest | None] = relationship()


class RolloutUnit(db.Model):
    """A care unit of the rollout plan; it has started when `actual_start` is set."""

    __tablename__ = "rollout_units"
    __table_args__ = (UniqueConstraint("solution_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    planned_start: Mapped[date | None] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)


class DecommissioningItem(db.Model):
    """One ticked (or unticked) item of the decommissioning checklist, with who and when."""

    __tablename__ = "decommissioning_items"
    __table_args__ = (UniqueConstraint("solution_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)

    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])


class SolutionClassCount(db.Model):
    """How many solutions are in each phase, AI Act category and device class (none is ''): the start page's
    charts of the whole register read these few rows instead of counting 100,000 solutions on every request
    (issue 22). On PostgreSQL the trigger of COUNTS_FUNCTION keeps them in step with every write to
    `solutions` in the writing transaction; on SQLite nothing keeps them and the start page counts the
    solutions themselves."""

    __tablename__ = "solution_class_counts"

    phase: Mapped[str] = mapped_column(String(32), primary_key=True)
    ai_act_category: Mapped[str] = mapped_column(String(32), primary_key=True)
    device_class: Mapped[str] = mapped_column(String(16), primary_key=True)
    solutions: Mapped[int] = mapped_column(Integer, nullable=False)


class SolutionReviewCount(db.Model):
    """How many solutions have their next periodic review on each day (kept as `SolutionClassCount`): the
    start page's "reviews overdue" of the whole register is the sum of the days before today."""

    __tablename__ = "solution_review_counts"

    next_review_on: Mapped[date] = mapped_column(Date, primary_key=True)
    solutions: Mapped[int] = mapped_column(Integer, nullable=False)


class SolutionPhaseReviewCount(db.Model):
    """How many solutions in each phase have their next periodic review on each day (kept as
    `SolutionClassCount`): the follow-up agenda's reviews due of the whole register (reviews.agenda._reviews)
    are the sum over the phases with periodic reviews of the days up to its horizon, a sum over days, so it
    stays right as days pass with nothing written. (`SolutionReviewCount` keeps one row per day for the readers
    of every phase, so they sum a third as many rows.)"""

    __tablename__ = "solution_phase_review_counts"

    next_review_on: Mapped[date] = mapped_column(Date, primary_key=True)
    phase: Mapped[str] = mapped_column(String(32), primary_key=True)
    solutions: Mapped[int] = mapped_column(Integer, nullable=False)


# Statement-level (transition tables): a COPY of 100,000 solutions is one upsert per key, and an update that
# changes none of the counted columns (most do not: a child record touches `updated_at`) adds nothing. Keys are
# upserted in their order; a key whose count reaches 0 is removed.
COUNTS_FUNCTION = """
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
COUNTS_TRIGGERS = statement_triggers("solutions_counts", "ai_register_solution_counts")


@event.listens_for(db.metadata, "after_create")
def _install_counts_trigger(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migrations p23start_start_page_counts and p24rules_agenda_review_counts."""
    replace_solution_triggers(connection, COUNTS_FUNCTION, COUNTS_TRIGGERS)


class SolutionSearch(db.Model):
    """Each solution's name and purpose in lower case, as the lists' search reads them (issue 22): a narrow row
    per solution with a trigram index of its words (PostgreSQL). A search of the whole register reads its
    matches here, `words LIKE '%' || lower(q) || '%'` (the same as `name ILIKE … OR purpose ILIKE …`, which
    lowers both sides), instead of rechecking each candidate's wide solution row and lowering its name and
    purpose on every read (solutions.services.list_solutions). On PostgreSQL the trigger of SEARCH_FUNCTION
    keeps the rows in step with every write of a name or purpose, in the writing transaction; on SQLite
    nothing keeps them and nothing reads them."""

    __tablename__ = "solution_search"
    __table_args__ = (
        Index("ix_solution_search_words_trgm", "words", postgresql_using="gin",
              postgresql_ops={"words": "public.gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    # No foreign key: the trigger writes a row per solution, and a bulk insert of 66,000 solutions right after a
    # TRUNCATE checked each against a table the planner believed empty (a scan per row, a minute).
    solution_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The lists' sort by name (services.SORT_COLUMNS): lower(name).
    name_key: Mapped[str] = mapped_column(Text, nullable=False)
    # lower(name), a line break, lower(purpose): a match of a search without a line break lies in one of them.
    words: Mapped[str] = mapped_column(Text, nullable=False)


# Its trigram index needs pg_trgm too, and create_all may make this table before `solutions`.
event.listen(SolutionSearch.__table__, "before_create", _install_pg_trgm)


# Statement-level, as the counts above: a COPY of 100,000 solutions is one insert; an update that changes
# neither name nor purpose (most do not) writes nothing; a deleted solution's row goes with it.
SEARCH_FUNCTION = """
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
SEARCH_TRIGGERS = statement_triggers("solutions_search", "ai_register_solution_search")


@event.listens_for(db.metadata, "after_create")
def _install_search_trigger(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migration p24search_solution_search."""
    replace_solution_triggers(connection, SEARCH_FUNCTION, SEARCH_TRIGGERS)
