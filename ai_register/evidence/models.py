"""Evidence records. Never deleted: a newer record supersedes an older one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ai_register.evidence.validity import is_valid_on
from ai_register.extensions import db
from ai_register.solutions.lifecycle.facts import EvidenceType
from ai_register.users.models import utcnow


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


# The API's wording (it names the field); a page shows the catalog's.
EXPIRES_BEFORE_ISSUE = N_("Must not be before issued_on.")


# Internal storage details; the audit trail keeps the file's name, size and SHA-256 instead.
STORAGE_COLUMNS = frozenset({"stored_name"})


class Evidence(db.Model):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_solution_type", "solution_id", "type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    # Certificate number, EUDAMED / EU-database id, UDI-DI, document number, ...
    reference: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_content_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    stored_name: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), unique=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def evidence_type(self) -> EvidenceType:
        return EvidenceType(self.type)

    @property
    def has_file(self) -> bool:
        return self.stored_name is not None

    @property
    def file_info(self) -> dict | None:
        if not self.has_file:
            return None
        return {"name": self.file_name, "content_type": self.file_content_type, "size": self.file_size,
                "sha256": self.file_sha256, "download_url": f"/api/v1/evidence/{self.id}/file"}

    @property
    def superseded(self) -> bool:
        return self.superseded_by_id is not None

    def valid_on(self, on: date) -> bool:
        return is_valid_on(self, on)
