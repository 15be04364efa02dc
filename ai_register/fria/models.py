"""FRIA versions. Nothing is overwritten once submitted: an update (Art 27(2)) is a new version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.fria.rules import DRAFT
from ai_register.users.models import User, utcnow


class FriaAssessment(db.Model):
    __tablename__ = "fria_assessments"
    __table_args__ = (UniqueConstraint("solution_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DRAFT, index=True)
    # Art 27(1) (a)-(f)
    processes: Mapped[str | None] = mapped_column(Text)
    period_and_frequency: Mapped[str | None] = mapped_column(Text)
    affected_persons: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    provider_information: Mapped[str | None] = mapped_column(Text)
    instructions_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    oversight_measures: Mapped[str | None] = mapped_column(Text)
    # The oversight owner's record the measures rest on, taken when the version is written.
    oversight_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_assignments.id"))
    materialisation_measures: Mapped[str | None] = mapped_column(Text)
    internal_governance: Mapped[str | None] = mapped_column(Text)
    complaint_mechanisms: Mapped[str | None] = mapped_column(Text)
    # Art 27(4): the DPIA it complements, and how.
    dpia_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    dpia_complement: Mapped[str | None] = mapped_column(Text)
    # An uploaded document can still be attached.
    attachment_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)
    # Art 27(3): when the market surveillance authority was notified, and its reference.
    notified_on: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notification_reference: Mapped[str | None] = mapped_column(String(200))
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def etag(self) -> str:
        return f'"{self.lock_version}"'
