"""The indicator catalogue, the trustworthy-AI self-assessment and the stored portfolio scores."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.solutions.models import replace_solution_triggers, statement_triggers
from ai_register.users.models import User, utcnow


class Indicator(db.Model):
    """One of the region's common indicators (kvalitet, tillgänglighet, arbetsmiljö, robusthet,
    ekonomi); every new goal links to one so the portfolio can add goals up across solutions."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable key for API clients and the default set; names may be reworded.
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    name_sv: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str] = mapped_column(String(120), nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False)
    unit: Mapped[str | None] = mapped_column(String(50))
    higher_is_better: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and moves it on; it is the ETag (preconditions.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def name(self, lang: str = "en") -> str:
        return self.name_sv if lang == "sv" else self.name_en


class TrustworthyAssessment(db.Model):
    """A self-assessment against the seven requirements of the EU High-Level Expert Group on AI.

    Never changed: a refresh (at each periodic review) is a new version; the latest one counts.
    `answers` maps each requirement key to {"answer", "evidence", "open_actions"}.
    """

    __tablename__ = "trustworthy_assessments"
    __table_args__ = (Index("ix_trustworthy_assessments_solution", "solution_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False)
    assessed_on: Mapped[date] = mapped_column(Date, nullable=False)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    summary: Mapped[str | None] = mapped_column(Text)
    # The periodic review the refresh belongs to, when it was made for one.
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    assessed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    assessed_by: Mapped[User] = relationship(foreign_keys=[assessed_by_id])


class PortfolioScore(db.Model):
    """One solution's portfolio score inputs and its score against the stored basis: derived from the
    benefit estimate, the goals and the classification, kept in step by `portfolio.stored` in the
    transaction that changes them, so a portfolio view sorts and pages by an index instead of scoring
    the whole register. Never edited by anyone; `scoring.score_all` stays the definition."""

    __tablename__ = "portfolio_scores"
    # The default order (score descending, then id) from an index; PostgreSQL's (SQLite's reflection
    # does not tell a descending column, and no SQLite register is large).
    __table_args__ = (Index("ix_portfolio_scores_rank", text("tenths DESC"), "solution_id")
                      .ddl_if(dialect="postgresql"),
                      Index("ix_portfolio_scores_benefit", "benefit"), Index("ix_portfolio_scores_cost", "cost"))

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True, autoincrement=False)
    category: Mapped[str | None] = mapped_column(String(32))
    # Yearly net benefit and three-year cost in exact cents; None without a benefit estimate.
    benefit: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))
    perspectives: Mapped[int] = mapped_column(Integer, nullable=False)
    # The score × 10 against the basis (the register's largest benefit and cost, the weights).
    tenths: Mapped[int] = mapped_column(Integer, nullable=False)


class PortfolioScoreBasis(db.Model):
    """What the stored scores are relative to (one row): the register's largest positive yearly net
    benefit and three-year cost (cents) and the weights (JSON)."""

    __tablename__ = "portfolio_score_basis"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    weights: Mapped[str] = mapped_column(Text, nullable=False)
    max_benefit: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))
    max_cost: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))
    # How many stored rows there are (kept by portfolio.stored as it writes them) and, on PostgreSQL, how many
    # solutions the register holds (kept by REGISTER_SIZE_TRIGGERS on every INSERT and DELETE of solutions, COPY
    # included): a read compares the two instead of counting both tables (issue 22).
    stored_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    register_size: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")


class PortfolioContribution(db.Model):
    """One solution's part in one line of the portfolio's aggregates (kind `perspective`, `indicator` or
    `care_unit`; key the perspective, the indicator's id, the care unit), derived from its goals with their
    latest measurements, its care units, its criticality and its stored score, kept in step with them by
    `portfolio.contributions` in the writing transaction: an aggregate over some solutions is a sum of
    these narrow rows instead of unpacking every solution's care units and measurements. A care unit's line
    carries the solution's figures times `listed`, how often the solution names the unit (as the aggregate
    counted them)."""

    __tablename__ = "portfolio_contributions"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    listed: Mapped[int] = mapped_column(Integer, nullable=False)
    goals: Mapped[int] = mapped_column(Integer, nullable=False)
    goals_measured: Mapped[int] = mapped_column(Integer, nullable=False)
    goals_on_target: Mapped[int] = mapped_column(Integer, nullable=False)
    critical: Mapped[int] = mapped_column(Integer, nullable=False)
    tenths: Mapped[int] = mapped_column(Integer, nullable=False)
    benefit: Mapped[Decimal] = mapped_column(Numeric(30, 0), nullable=False)


class PortfolioAggregate(db.Model):
    """The sum of every solution's contributions to one line of the aggregates (the whole register's view
    reads these few rows), kept in step with `portfolio_contributions` by `portfolio.contributions`;
    `solutions` is how many contribute."""

    __tablename__ = "portfolio_aggregates"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    solutions: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals_measured: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals_on_target: Mapped[int] = mapped_column(BigInteger, nullable=False)
    critical: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tenths: Mapped[int] = mapped_column(BigInteger, nullable=False)
    benefit: Mapped[Decimal] = mapped_column(Numeric(30, 0), nullable=False)


class PortfolioReaderScore(db.Model):
    """One solution's score as a reader who sees a part of the register reads it (an owner: the solutions they
    own or co-own), against the largest benefit and cost among the solutions that reader sees (`scoring`'s
    "largest in the portfolio"), so their portfolio pages by an index instead of scoring every solution of
    theirs per request. Kept in step by `portfolio.readers` with the stored scores, in the writing
    transaction, for every reader who has read their portfolio once (a `PortfolioReaderBasis`)."""

    __tablename__ = "portfolio_reader_scores"
    # The owner's default order (score descending, then id) from an index (PostgreSQL, as ix_portfolio_scores_rank).
    __table_args__ = (Index("ix_portfolio_reader_scores_rank", "reader_id", text("tenths DESC"), "solution_id")
                      .ddl_if(dialect="postgresql"),)

    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True, autoincrement=False)
    tenths: Mapped[int] = mapped_column(Integer, nullable=False)


class PortfolioReaderBasis(db.Model):
    """What one reader's kept scores are relative to: the largest positive benefit and cost (cents) among the
    solutions they see and the weights. A read sets the solutions of their kept rows against the solutions they
    see now (`portfolio.readers.check`), so a change of owners made around the ORM is caught, whatever it is."""

    __tablename__ = "portfolio_reader_basis"

    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    weights: Mapped[str] = mapped_column(Text, nullable=False)
    max_benefit: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))
    max_cost: Mapped[Decimal | None] = mapped_column(Numeric(30, 0))


class PortfolioReaderAggregate(db.Model):
    """One reader's aggregate lines (`PortfolioAggregate` over the solutions they see, a care unit's score sum of
    their own scores), kept in step with their kept scores and the solutions' contributions by
    `portfolio.readers`: an owner's unfiltered view reads these few rows."""

    __tablename__ = "portfolio_reader_aggregates"

    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    solutions: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals_measured: Mapped[int] = mapped_column(BigInteger, nullable=False)
    goals_on_target: Mapped[int] = mapped_column(BigInteger, nullable=False)
    critical: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tenths: Mapped[int] = mapped_column(BigInteger, nullable=False)
    benefit: Mapped[Decimal] = mapped_column(Numeric(30, 0), nullable=False)


# The register's size on the basis row, kept in the writing transaction (statement-level: a COPY of 100,000
# solutions is one UPDATE). Before the first portfolio read there is no basis row, and nothing is kept.
REGISTER_SIZE_FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_portfolio_register_size() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE portfolio_score_basis SET register_size = register_size + (SELECT count(*) FROM new_rows);
    ELSE
        UPDATE portfolio_score_basis SET register_size = register_size - (SELECT count(*) FROM old_rows);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
REGISTER_SIZE_TRIGGERS = statement_triggers("solutions_portfolio_register_size", "ai_register_portfolio_register_size",
                                            events=("insert", "delete"))


@event.listens_for(db.metadata, "after_create")
def _install_register_size_trigger(target, connection, **kw):  # noqa: ARG001
    """create_all's twin of the migration p22units_register_size."""
    replace_solution_triggers(connection, REGISTER_SIZE_FUNCTION, REGISTER_SIZE_TRIGGERS)
