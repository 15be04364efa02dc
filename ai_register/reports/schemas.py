"""Request and response shapes of the reports API. Report sections hold the stored records as they
are (their fields grow with the areas), so records are documented as objects; the structure around
them is exact."""

from __future__ import annotations

from datetime import date, datetime

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema
from ai_register.solutions.schemas import SolutionListArgsSchema

FORMATS = ("json", "pdf")
LANGS = ("sv", "en")
Record = ma.fields.Dict  # a stored record, JSON-ready (see records.py)


class DateOrDateTime(ma.fields.Field):
    """`YYYY-MM-DD` (the end of that day in the region's time zone) or an ISO 8601 date-time."""

    default_error_messages = {"invalid": "Give a date (YYYY-MM-DD) or an ISO 8601 date-time."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not 10 <= len(value) <= 40:
            raise self.make_error("invalid")
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise self.make_error("invalid") from exc

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class ReportArgsSchema(StrictSchema):
    as_of = DateOrDateTime(metadata={
        "type": "string", "example": "2026-06-30",
        "description": "Rebuild the state on a past date from the audit trail: a date means the end of that "
                       "day (Europe/Stockholm), a date-time without zone is UTC; not in the future"})
    format = ma.fields.String(validate=validate.OneOf(FORMATS), metadata={
        "description": "json (default) or pdf; `Accept: application/pdf` does the same"})
    lang = ma.fields.String(validate=validate.OneOf(LANGS), metadata={"description": "Language of the PDF"})
    verify = ma.fields.String(
        load_default="solution", validate=validate.OneOf(("solution", "full")),
        metadata={"description": "solution: the solution's events and their links (default); full: the whole "
                                 "chain too"})


class BundleArgsSchema(StrictSchema):
    lang = ma.fields.String(validate=validate.OneOf(LANGS), metadata={"description": "Language of the PDF"})


class EuDatabaseArgsSchema(StrictSchema):
    pass


class PortfolioArgsSchema(SolutionListArgsSchema):
    """The solutions list's filters (without paging: the report holds every matching solution)."""

    class Meta:
        exclude = ("page", "per_page", "sort")
        unknown = ma.RAISE

    format = ma.fields.String(validate=validate.OneOf(("json", "csv", "pdf")), metadata={
        "description": "json (default), csv or pdf; `Accept: text/csv` or `application/pdf` does the same"})
    lang = ma.fields.String(validate=validate.OneOf(LANGS), metadata={"description": "Language of the PDF"})


class PersonSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String()


class RulesetRefSchema(ma.Schema):
    version = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
    source = ma.fields.String()


class ReportMetaSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    format_version = ma.fields.Integer(required=True)
    generated_at = ma.fields.String(required=True)
    generated_by = ma.fields.Nested(PersonSchema, required=True)
    as_of = ma.fields.String(allow_none=True, required=True)
    state_source = ma.fields.String(required=True,
                                    metadata={"enum": ["current_records", "audit_trail_replay"]})
    report_date = ma.fields.String(required=True)
    ruleset = ma.fields.Nested(RulesetRefSchema, allow_none=True, required=True)


class LifecycleSchema(ma.Schema):
    phase = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(allow_none=True, required=True)
    phase_history = ma.fields.List(Record(), required=True)
    transitions = ma.fields.List(Record(), required=True)
    decisions = ma.fields.List(Record(), required=True)
    rollout_plan = ma.fields.List(Record(), required=True)
    decommissioning_checklist = ma.fields.List(Record(), required=True)


class ClassificationsSchema(ma.Schema):
    current = Record(allow_none=True, required=True)
    versions = ma.fields.List(Record(), required=True)


class ObligationsSchema(ma.Schema):
    role = ma.fields.String(allow_none=True, required=True)
    public_authority = ma.fields.String(allow_none=True)
    items = ma.fields.List(Record(), required=True)
    required_evidence = ma.fields.List(Record(), required=True)


class OversightSchema(ma.Schema):
    current = Record(allow_none=True, required=True)
    assignments = ma.fields.List(Record(), required=True)
    history = ma.fields.List(Record(), required=True)


class GoalsSchema(ma.Schema):
    items = ma.fields.List(Record(), required=True)
    benefit_estimate = Record(allow_none=True, required=True)


class VerificationSchema(ma.Schema):
    scope = ma.fields.String(required=True)
    intact = ma.fields.Boolean(required=True)
    events_checked = ma.fields.Integer()
    events = ma.fields.Integer()
    head = ma.fields.String()
    first_broken = Record(allow_none=True)
    problems = ma.fields.List(Record())
    problem_count = ma.fields.Integer()
    checked_at = ma.fields.String(required=True)
    checkpoints = Record(metadata={"description": "Whole-chain check only: the signed checkpoints it was held against"})


class ChainHeadSchema(ma.Schema):
    position = ma.fields.Integer(required=True)
    hash = ma.fields.String(required=True)


class ChainSchema(ma.Schema):
    head = ma.fields.Nested(ChainHeadSchema, required=True)
    head_as_of = ma.fields.Nested(ChainHeadSchema)
    events_of_solution = ma.fields.Integer(required=True)
    verification = ma.fields.Nested(VerificationSchema, required=True)
    full_verification = ma.fields.Nested(VerificationSchema)
    checkpoint = ma.fields.Dict(allow_none=True, metadata={
        "description": "The latest signed checkpoint of the chain (ai-register-checkpoint/1), or null"})
    checkpoint_contradictions = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "Stored checkpoints the chain contradicts now (shorter, or another hash at the position)"})


class ReportSchema(ma.Schema):
    report = ma.fields.Nested(ReportMetaSchema, required=True)
    solution = Record(required=True, metadata={"description": "Identity: the solution's record with names"})
    lifecycle = ma.fields.Nested(LifecycleSchema, required=True)
    classifications = ma.fields.Nested(ClassificationsSchema)
    obligations = ma.fields.Nested(ObligationsSchema)
    oversight = ma.fields.Nested(OversightSchema)
    goals = ma.fields.Nested(GoalsSchema)
    evidence = ma.fields.List(Record())
    incidents = ma.fields.List(Record())
    reviews = ma.fields.List(Record())
    trustworthy_assessment = Record(metadata={
        "description": "The latest trustworthy-AI self-assessment (`latest`, or null) and the number of versions"})
    continuity = Record(metadata={
        "description": "Criticality for patient care, longest tolerable outage, fallback routine and recovery plan"})
    obligation_records = ma.fields.List(Record(), metadata={
        "description": "Each obligation's record: status, what meets it, who confirmed it and when, due date"})
    fria = ma.fields.List(Record(), metadata={"description": "FRIA versions (AI Act Art 27)"})
    literacy = ma.fields.List(Record(), metadata={
        "description": "The solution's AI-literacy measures (Art 4), then the region-wide ones (solution_id null)"})
    suppliers = Record(allow_none=True, metadata={
        "description": "The supplier's product version the solution uses: supplier (contacts, where data are "
                       "processed, transfer basis), product version, agreements and documents with their state on "
                       "the report date; null when none is linked"})
    monitoring = Record(metadata={
        "description": "Monitoring in operation (Art 26(5), (6)) and informing (Art 26(7), (11), Art 86): metrics, "
                       "values, breaches, assessments, log retention, informing records, explanation requests"})
    omitted_sections = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Sections of areas this build of the register does not hold"})
    chain = ma.fields.Nested(ChainSchema, required=True)
    audit_events = ma.fields.List(Record(), required=True, metadata={
        "description": "The solution's audit events with every chain field, in per-solution sequence order"})


class EuFieldSchema(ma.Schema):
    point = ma.fields.String(required=True)
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    value = ma.fields.Raw(allow_none=True, required=True)
    source = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True)
    hint = ma.fields.String()


class EuRegistrationSchema(ma.Schema):
    register = ma.fields.String(required=True, metadata={"enum": ["eu_database", "eudamed"]})
    section = ma.fields.String(allow_none=True, required=True, metadata={"description": "Annex VIII section"})
    legal_basis = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    applies = ma.fields.Boolean()
    fields = ma.fields.List(ma.fields.Nested(EuFieldSchema), required=True)
    missing = ma.fields.List(ma.fields.String(), required=True)


class EuDatabaseSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    generated_at = ma.fields.String(required=True)
    classification = Record(allow_none=True, required=True)
    registrations = ma.fields.List(ma.fields.Nested(EuRegistrationSchema), required=True)
    missing = ma.fields.List(ma.fields.String(), required=True,
                             metadata={"description": "Required fields the register does not hold, as "
                                                      "SECTION.key"})
    notes = ma.fields.List(ma.fields.String(), required=True)


class PortfolioRowSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    phase = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    ai_act_category = ma.fields.String(allow_none=True, required=True)
    device_class = ma.fields.String(allow_none=True, required=True)
    owner = ma.fields.String(allow_none=True, required=True)
    oversight_owner = ma.fields.String(allow_none=True, required=True)
    next_review_on = ma.fields.String(allow_none=True, required=True)
    review_overdue = ma.fields.Boolean(required=True)
    open_obligations = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "The obligation records listed now and not closed (met, or confirmed not applicable), "
                       "by obligation id, soonest due first"})
    care_units = ma.fields.List(ma.fields.String(), required=True)
    needs_rereview = ma.fields.Boolean(required=True)


class PortfolioSchema(ma.Schema):
    generated_at = ma.fields.String(required=True)
    generated_by = ma.fields.Nested(PersonSchema, required=True)
    filters = ma.fields.Dict(required=True)
    chain_head = ma.fields.Nested(ChainHeadSchema, required=True)
    items = ma.fields.List(ma.fields.Nested(PortfolioRowSchema), required=True)
    total = ma.fields.Integer(required=True)


class PublicKeySchema(ma.Schema):
    """Documented as text: the response is the PEM itself (application/x-pem-file)."""
