"""AI-literacy measures: per solution, or region-wide (no solution). Kept; a correction is a new record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.users.models import User, utcnow


class LiteracyMeasure(db.Model):
    __tablename__ = "literacy_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: a region-wide measure (every AI solution's staff).
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    user_groups: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    care_units: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    reached: Mapped[int | None] = mapped_column(Integer)
    material_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    material_link: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
