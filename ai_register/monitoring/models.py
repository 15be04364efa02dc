"""Monitoring in operation (AI Act Art 26(5), (6)) and informing the people concerned (Art 26(7), 26(11),
Art 86). Nothing is deleted: a metric is retired, a value corrected by a new value, a retention record
superseded by a newer one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.monitoring.rules import OPEN
from ai_register.suppliers.models import SupplierDocument
from ai_register.users.models import User, utcnow

MetricNumber = Numeric(20, 6)


class MonitoringMetric(db.Model):
    """What the region watches in a solution's operation, with the thresholds that make a value a breach."""

    __tablename__ = "monitoring_metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(50))
    direction: Mapped[str] = mapped_column(String(20), nullable=False)
    lower_threshold: Mapped[Decimal | None] = mapped_column(MetricNumber)
    upper_threshold: Mapped[Decimal | None] = mapped_column(MetricNumber)
    frequency: Mapped[str] = mapped_column(String(16), nullable=False)
    # What the provider states for the same measure in its instructions for use (AI Act Art 13(3)(b)(ii):
    # the level of accuracy and its metrics), beside the region's thresholds: the IFU of the product version
    # the solution uses, and where in it.
    stated_value: Mapped[Decimal | None] = mapped_column(MetricNumber)
    stated_document_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_documents.id"))
    stated_reference: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    stated_document: Mapped[SupplierDocument | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version or 0}"'


class MonitoringValue(db.Model):
    """A reported value of a metric for a period, with who reported it and when, and whether it breached
    the thresholds in force at the time (kept as they were)."""

    __tablename__ = "monitoring_values"
    __table_args__ = (Index("ix_monitoring_values_metric_period", "metric_id", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("monitoring_metrics.id"), nullable=False)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[Decimal] = mapped_column(MetricNumber, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    lower_threshold: Mapped[Decimal | None] = mapped_column(MetricNumber)
    upper_threshold: Mapped[Decimal | None] = mapped_column(MetricNumber)
    breach: Mapped[str | None] = mapped_column(String(8))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    metric: Mapped[MonitoringMetric] = relationship(foreign_keys=[metric_id])


class MonitoringAssessment(db.Model):
    """The oversight owner's task opened by a breach: is it an incident (a deviation is created, its
    deadlines run from the decision) or not (with the reason)?"""

    __tablename__ = "monitoring_assessments"
    __table_args__ = (Index("ix_monitoring_assessments_open_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("monitoring_metrics.id"), nullable=False)
    value_id: Mapped[int] = mapped_column(ForeignKey("monitoring_values.id"), nullable=False, unique=True)
    # The oversight owner's account when the task opened (None: a person without an account; compliance
    # records their decision).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    deviation_id: Mapped[int | None] = mapped_column(ForeignKey("deviations.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    metric: Mapped[MonitoringMetric] = relationship(foreign_keys=[metric_id])
    value: Mapped[MonitoringValue] = relationship(foreign_keys=[value_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version or 0}"'


class LogRetention(db.Model):
    """Where a solution's automatically generated logs live and how long they are kept (Art 26(6)). The
    latest record is the one in force; earlier ones stay as history."""

    __tablename__ = "log_retention_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    system: Mapped[str] = mapped_column(String(200), nullable=False)
    location: Mapped[str] = mapped_column(String(300), nullable=False)
    retention_months: Mapped[int] = mapped_column(Integer, nullable=False)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])


class InformingRecord(db.Model):
    """How and when the people concerned were informed: workers' representatives and workers before a
    high-risk system is put into service at a workplace (Art 26(7), with the MBL negotiation), persons
    subject to decisions (Art 26(11)), and how a person asks for an explanation (Art 86)."""

    __tablename__ = "informing_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    informed_on: Mapped[date] = mapped_column(Date, nullable=False)
    audience: Mapped[str] = mapped_column(Text, nullable=False)
    how: Mapped[str] = mapped_column(Text, nullable=False)
    care_units: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # The co-determination negotiation (MBL 11 §), for workers.
    negotiated_on: Mapped[date | None] = mapped_column(Date)
    negotiation_parties: Mapped[str | None] = mapped_column(Text)
    negotiation_outcome: Mapped[str | None] = mapped_column(String(20))
    negotiation_note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    link: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])


class ExplanationRequest(db.Model):
    """A person's request for an explanation of an individual decision (Art 86), and its answer. No patient
    identifiers: the case is referred to by the region's own case number."""

    __tablename__ = "explanation_requests"
    __table_args__ = (Index("ix_explanation_requests_open_due", "answered_on", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    case_number: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    answer_summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def etag(self) -> str:
        return f'"{self.version or 0}"'
