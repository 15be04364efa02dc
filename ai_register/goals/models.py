"""Goals per perspective with measured values, and the one current benefit estimate of a solution."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.goals.benefit import BenefitResult, calculate_benefit
from ai_register.users.models import utcnow


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message

# Indicator values: large enough for counts and money, precise enough for ratios.
IndicatorValue = Numeric(20, 6)
Money = Numeric(14, 2)


class Perspective(StrEnum):
    """The five goal perspectives of the region's strategy."""

    SOCIETY_CITIZENS = "society_citizens"
    OPERATIONS = "operations"
    STAFF_MANAGERS = "staff_managers"
    KNOWLEDGE_RENEWAL = "knowledge_renewal"
    ECONOMY = "economy"

    def label(self) -> str:
        """The perspective's catalog message (English); pages and reports translate it."""
        return PERSPECTIVE_LABELS[self]


PERSPECTIVE_LABELS: dict[Perspective, str] = {
    Perspective.SOCIETY_CITIZENS: N_("Society and citizens"),
    Perspective.OPERATIONS: N_("Operations"),
    Perspective.STAFF_MANAGERS: N_("Staff and managers"),
    Perspective.KNOWLEDGE_RENEWAL: N_("Knowledge and renewal"),
    Perspective.ECONOMY: N_("Economy"),
}


def indicator_given(indicator: str | None) -> bool:
    """Whether a goal's indicator is given (not blank)."""
    return bool(indicator and indicator.strip())


class Goal(db.Model):
    """A goal in one perspective. Indicator, baseline and target may be filled in later; the pilot
    gate needs at least one goal that has all three."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    perspective: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    indicator: Mapped[str | None] = mapped_column(Text)
    # The common indicator the goal counts towards (portfolio steering); required on new goals,
    # None on goals recorded before the catalogue existed.
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(50))
    baseline: Mapped[Decimal | None] = mapped_column(IndicatorValue)
    target: Mapped[Decimal | None] = mapped_column(IndicatorValue)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and moves it on; it is the ETag (preconditions.py).
    # Withdrawn, never erased (issue 20): the goal stays in the record and the trail, but no longer
    # counts for a gate, a checklist or a measured value.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="goal", order_by=lambda: [Measurement.measured_on, Measurement.id],
    )

    @property
    def missing_parts(self) -> list[str]:
        present = {"indicator": indicator_given(self.indicator),
                   "baseline": self.baseline is not None, "target": self.target is not None}
        return [name for name, ok in present.items() if not ok]

    @property
    def complete(self) -> bool:
        return not self.missing_parts

    @property
    def latest_measurement(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def target_met(self) -> bool | None:
        """Whether the latest measured value reaches the target; None while either is unknown."""
        latest = self.latest_measurement
        if latest is None or self.target is None:
            return None
        return latest.value >= self.target if self.higher_is_better else latest.value <= self.target


class Measurement(db.Model):
    """A measured value of a goal's indicator. Never changed: a correction is a new measurement."""

    __tablename__ = "goal_measurements"
    __table_args__ = (Index("ix_goal_measurements_goal_measured", "goal_id", "measured_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id"), nullable=False)
    measured_on: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[Decimal] = mapped_column(IndicatorValue, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="measurements")


class BenefitEstimate(db.Model):
    """The current benefit estimate of a solution; earlier versions live in the audit trail."""

    __tablename__ = "benefit_estimates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, unique=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="SEK")
    one_off_cost: Mapped[Decimal] = mapped_column(Money, nullable=False)
    yearly_cost: Mapped[Decimal] = mapped_column(Money, nullable=False)
    yearly_savings: Mapped[Decimal] = mapped_column(Money, nullable=False, default=0)
    hours_freed_per_year: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=0)
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money)
    assumptions: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and moves it on; it is the ETag (preconditions.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def result(self) -> BenefitResult:
        return calculate_benefit(one_off_cost=self.one_off_cost, yearly_cost=self.yearly_cost,
                                 yearly_savings=self.yearly_savings,
                                 hours_freed_per_year=self.hours_freed_per_year, hourly_cost=self.hourly_cost)
