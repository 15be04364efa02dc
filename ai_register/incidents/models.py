"""Incidents (avvikelser) and the reporting duties computed for each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.users.models import User, utcnow

REPORTED, ASSESSED, REPORTED_TO_AUTHORITY, CLOSED = "reported", "assessed", "reported_to_authority", "closed"
INCIDENT_STATUSES = (REPORTED, ASSESSED, REPORTED_TO_AUTHORITY, CLOSED)

DUTY_OPEN, DUTY_DONE, DUTY_NOT_APPLICABLE = "open", "done", "not_applicable"
DUTY_STATUSES = (DUTY_OPEN, DUTY_DONE, DUTY_NOT_APPLICABLE)


class Incident(db.Model):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_solution_status", "solution_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    what_happened: Mapped[str] = mapped_column(Text, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Legal deadlines run from awareness (AI Act Art 73(2), MDR Art 87(3)), not from the event.
    became_aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    care_unit: Mapped[str | None] = mapped_column(String(200))
    patient_harm: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    device_malfunction: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    fundamental_rights_concern: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    widespread_or_critical_infrastructure: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                                        default=False)
    public_health_threat: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    property_or_environment_harm: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default=REPORTED, index=True)
    # The assessment of the pure module at the last (re)computation, kept for lists and reports.
    serious: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    assessment: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # The role / device / category the duties were computed for, and where they came from.
    regulatory_context: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    assessment_notes: Mapped[str | None] = mapped_column(Text)
    actions_taken: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                        default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and moves it on; it is the ETag (preconditions.py).
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    duties: Mapped[list[IncidentDuty]] = relationship(back_populates="incident", order_by="IncidentDuty.id",
                                                      cascade="all, delete-orphan")


class IncidentDuty(db.Model):
    """One report the region owes someone for an incident, with its deadline and whether it is done."""

    __tablename__ = "incident_duties"
    __table_args__ = (
        UniqueConstraint("incident_id", "key"),
        Index("ix_incident_duties_status_overdue_after", "status", "overdue_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), nullable=False, index=True)
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    recipient: Mapped[str] = mapped_column(String(64), nullable=False)
    citation: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    deadline_kind: Mapped[str] = mapped_column(String(24), nullable=False)
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    ground: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    overdue_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    condition: Mapped[str | None] = mapped_column(Text)
    fallback: Mapped[str | None] = mapped_column(Text)
    # False once a re-assessment no longer triggers the duty; the row is kept for the record.
    applies: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DUTY_OPEN)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    incident: Mapped[Incident] = relationship(back_populates="duties")
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])


# --------------------------------------------------------------------------- deviation reports

DEVIATION_HARMS = ("yes", "no", "unknown")
DEVIATION_IN_TRIAGE, DEVIATION_REGISTERED, DEVIATION_NOT_IN_REGISTER = "in_triage", "registered", "not_in_register"
DEVIATION_STATUSES = (DEVIATION_IN_TRIAGE, DEVIATION_REGISTERED, DEVIATION_NOT_IN_REGISTER)


class Deviation(db.Model):
    """A colleague's report (avvikelse) as they gave it: about a solution they named, which becomes an
    incident at once, or about one they could not name, which compliance triages. The incident's legal
    deadlines run from `reported_at` either way."""

    __tablename__ = "deviations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    what_happened: Mapped[str] = mapped_column(Text, nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id"), index=True)
    patient_harm: Mapped[str] = mapped_column(String(8), nullable=False)
    # The case number of the region's own deviation system, when the care deviation is kept there too.
    case_number: Mapped[str | None] = mapped_column(String(64))
    care_unit: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    triaged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    triage_note: Mapped[str | None] = mapped_column(Text)

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    incident: Mapped[Incident | None] = relationship(foreign_keys=[incident_id])
