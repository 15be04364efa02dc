"""One record per obligation of a solution, keyed on the rule set's obligation id (so it survives a
rule-set change: an id that is no longer listed is kept with `current` false, a new id opens a record)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.obligations.rules import OPEN
from ai_register.users.models import User, utcnow


class SolutionObligation(db.Model):
    __tablename__ = "solution_obligations"
    __table_args__ = (
        UniqueConstraint("solution_id", "obligation_id"),
        Index("ix_solution_obligations_open_due", "current", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    obligation_id: Mapped[str] = mapped_column(String(80), nullable=False)
    # As the latest decided classification lists it.
    role: Mapped[str | None] = mapped_column(String(32))
    citation: Mapped[str | None] = mapped_column(String(300))
    applies_from: Mapped[date | None] = mapped_column(Date)
    condition: Mapped[str | None] = mapped_column(String(64))
    listed_by_classification_id: Mapped[int | None] = mapped_column(ForeignKey("classifications.id"))
    current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OPEN)
    # What meets it: an evidence record, or a record of another area (e.g. the approved FRIA).
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    status_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Met: whoever recorded it. Not applicable: the compliance officer who confirmed the reason.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    status_set_by: Mapped[User | None] = relationship(foreign_keys=[status_set_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by_id is not None

    @property
    def etag(self) -> str:
        return f'"{self.version or 0}"'
