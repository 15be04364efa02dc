"""Periodic reviews of a solution in operation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.users.models import User, utcnow

SATISFACTORY, ACTIONS_REQUIRED, UNSATISFACTORY = "satisfactory", "actions_required", "unsatisfactory"
OUTCOMES = (SATISFACTORY, ACTIONS_REQUIRED, UNSATISFACTORY)
# What a review typically looks at; free text is accepted beside these.
CHECK_AREAS = ("classification", "oversight", "goals", "incidents", "evidence", "data_protection",
               "security", "supplier", "instructions_for_use")


class Review(db.Model):
    """One periodic review: what was checked, the outcome, and when the next one is due."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_solution_reviewed", "solution_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False)
    reviewed_on: Mapped[date] = mapped_column(Date, nullable=False)
    checked: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    outcome: Mapped[str] = mapped_column(String(24), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    interval_months: Mapped[int] = mapped_column(Integer, nullable=False)
    next_review_on: Mapped[date] = mapped_column(Date, nullable=False)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    reviewed_by: Mapped[User] = relationship(foreign_keys=[reviewed_by_id])
