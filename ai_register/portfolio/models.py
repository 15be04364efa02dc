"""The indicator catalogue and the trustworthy-AI self-assessment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
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
