"""The region's own words for a solution's public page: plain Swedish, and English beside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ai_register.extensions import db
from ai_register.users.models import utcnow

# The texts, each in Swedish and English: (field stem, what the page uses when the region wrote nothing).
TEXT_FIELDS = ("what", "why", "data", "legal_basis")


class PublicDescription(db.Model):
    """What the public page says in the region's own plain words, beside the register's records (which
    are written for colleagues). One per solution; every change is audited (entity `public_description`).
    `contact` is a function's address or telephone, never a person's."""

    __tablename__ = "public_descriptions"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True)
    what_sv: Mapped[str | None] = mapped_column(Text)
    what_en: Mapped[str | None] = mapped_column(Text)
    why_sv: Mapped[str | None] = mapped_column(Text)
    why_en: Mapped[str | None] = mapped_column(Text)
    data_sv: Mapped[str | None] = mapped_column(Text)
    data_en: Mapped[str | None] = mapped_column(Text)
    legal_basis_sv: Mapped[str | None] = mapped_column(Text)
    legal_basis_en: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
