"""Monitoring in operation and informing the people concerned: metrics, reported values, the assessment a
breach opens for the oversight owner (incident → a deviation through the deviations service, or not, with
the reason), log retention (Art 26(6)), informing records (Art 26(7), 26(11), Art 86) and requests for an
explanation (Art 86). Services take the acting user (`by`), raise domain exceptions, audit; the request
commits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import Date, Integer, Select, bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ai_register import preconditions, statements
from ai_register.addresses import web_address_errors
from ai_register.apikit import N_, Message
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.evidence.models import Evidence
from ai_register.exceptions import Conflict, InvalidInput, NotAllowed, NotFound, Stale
from ai_register.extensions import db
from ai_register.incidents import deviations
from ai_register.incidents import services as incidents
from ai_register.monitoring import rules
from ai_register.monitoring.models import (
    ExplanationRequest,
    InformingRecord,
    LogRetention,
    MonitoringAssessment,
    MonitoringMetric,
    MonitoringValue,
)
from ai_register.notifications import services as notifications
from ai_register.obligations import rules as obligation_rules
from ai_register.obligations.models import SolutionObligation
from ai_register.obligations.services import ENTITY as OBLIGATION
from ai_register.obligations.services import NOT_AUDITED as OBLIGATION_NOT_AUDITED
from ai_register.oversight.services import current_oversight
from ai_register.security import COMPLIANCE, OWNER
from ai_register.solutions.access import (
    can_read,
    get_child,
    require_id,
    visible_solution_ids,
    visible_solutions_query,
)
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import services as suppliers
from ai_register.users.models import User, utcnow

METRIC, VALUE, ASSESSMENT = "monitoring_metric", "monitoring_value", "monitoring_assessment"
RETENTION, INFORMING, EXPLANATION = "log_retention", "informing_record", "explanation_request"
NOT_AUDITED = frozenset({"updated_at", "version"})


def assessment_days() -> int:
    return int(current_app.config.get("MONITORING_ASSESSMENT_DAYS", rules.DEFAULT_ASSESSMENT_DAYS))


def explanation_days() -> int:
    return int(current_app.config.get("EXPLANATION_ANSWER_DAYS", rules.DEFAULT_EXPLANATION_DAYS))


def _text(value) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else value


def _refuse(what: str, errors: dict) -> None:
    if errors:
        raise InvalidInput(f"The {what} cannot be saved.", errors=errors)


def _require_text(errors: dict, data: dict, *names: str) -> None:
    for name in names:
        if name in data and not (data.get(name) or "").strip():
            errors.setdefault(name, []).append("Required.")


def _no_personal_number(errors: dict, **texts) -> None:
    for name, text in texts.items():
        if rules.has_personal_number(text):
            errors.setdefault(name, []).append(
                "Looks like a personal identity number: write nothing that identifies a patient or a person "
                "(refer to the case number instead).")


def _stale(what: str):
    return Stale(f"The {what} was changed by someone else meanwhile.", title="Precondition Failed")


# --------------------------------------------------------------------------- metrics and values


def metrics_for(solution_id: int) -> list[MonitoringMetric]:
    return list(db.session.scalars(select(MonitoringMetric).where(MonitoringMetric.solution_id == solution_id)
                                   .order_by(MonitoringMetric.active.desc(), MonitoringMetric.id)))


def get_metric(metric_id: int, user: User, *, write: bool = False) -> tuple[Solution, MonitoringMetric]:
    """The metric and its solution, as `get_child` finds them (the solution comes from the session)."""
    metric = get_child(MonitoringMetric, metric_id, user, for_write=write, what="metric")
    return db.session.get(Solution, metric.solution_id), metric


# Said as the API has always said it (marshmallow's range wording, in the catalog for the pages).
OUTSIDE = N_("Must be between {low} and {high}.")
MONTHS_OUTSIDE = N_("Must be greater than or equal to {min} and less than or equal to {max}.")


def _decimal(data: dict, name: str, errors: dict):
    """A measured number (a Decimal: the API's body and the page's decimal input read it) within the register's
    bounds, rounded to the places it keeps."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        errors[name] = ["Not a valid number."]
        return None
    if not -rules.MEASURE_LIMIT <= value <= rules.MEASURE_LIMIT:
        errors[name] = [Message(OUTSIDE, low=-rules.MEASURE_LIMIT, high=rules.MEASURE_LIMIT)]
        return None
    return value.quantize(Decimal(1).scaleb(-rules.MEASURE_PLACES))


def instructions_for_use(solution: Solution) -> list:
    """The instructions for use of the product version the solution uses (not withdrawn): where a metric's
    stated value comes from."""
    return suppliers.instructions_for_use(solution.id)


def _stated_errors(solution: Solution, value, document_id: int | None) -> dict[str, list[str]]:
    """The provider's stated value comes with the instructions for use that state it (of the product version
    the solution uses), and the other way round."""
    errors: dict[str, list[str]] = {}
    if document_id is not None and document_id not in {d.id for d in instructions_for_use(solution)}:
        errors["stated_document_id"] = ["Name the instructions for use of the product version the solution uses "
                                        "(link the product version on the solution's supplier page)."]
    elif value is not None and document_id is None:
        errors["stated_document_id"] = ["Name the instructions for use that state the value."]
    elif document_id is not None and value is None:
        errors["stated_value"] = ["Give the value the instructions for use state."]
    return errors


def define_metric(solution: Solution, data: dict, by: User) -> MonitoringMetric:
    """A metric with its thresholds, for a solution before or in use (not once it is being decommissioned)."""
    if solution.phase not in rules.METRIC_PHASES:
        raise Conflict("Metrics are defined for a solution in needs analysis, pilot, rollout or management.")
    errors: dict[str, list[str]] = {}
    _require_text(errors, data, "name")
    lower, upper = _decimal(data, "lower_threshold", errors), _decimal(data, "upper_threshold", errors)
    stated = _decimal(data, "stated_value", errors)
    if not errors:
        errors.update(rules.threshold_errors(data["direction"], lower, upper))
        errors.update(_stated_errors(solution, stated, data.get("stated_document_id")))
    _refuse("metric", errors)
    metric = MonitoringMetric(
        solution_id=solution.id, name=data["name"].strip(), kind=data["kind"],
        description=_text(data.get("description")), unit=_text(data.get("unit")), direction=data["direction"],
        lower_threshold=lower, upper_threshold=upper,
        stated_value=stated, stated_document_id=data.get("stated_document_id"),
        stated_reference=_text(data.get("stated_reference")),
        frequency=data["frequency"], active=True, created_by_id=by.id)
    db.session.add(metric)
    audit.record_create(metric, METRIC, solution_id=solution.id, reason=data.get("reason"), exclude=NOT_AUDITED)
    return metric


METRIC_FIELDS = ("name", "kind", "description", "unit", "direction", "lower_threshold", "upper_threshold",
                 "frequency", "stated_value", "stated_document_id", "stated_reference", "active")
DECIMALS = ("lower_threshold", "upper_threshold", "stated_value")


def update_metric(solution: Solution, metric: MonitoringMetric, data: dict, by: User) -> MonitoringMetric:
    """Rename, re-threshold (values already reported keep the thresholds they were judged by) or retire."""
    if solution.phase not in rules.METRIC_PHASES and data.get("active", metric.active):
        raise Conflict("Metrics change only while the solution is in needs analysis, pilot, rollout or "
                       "management (a metric may still be retired).")
    errors: dict[str, list[str]] = {}
    _require_text(errors, data, "name")
    merged = {name: getattr(metric, name) for name in METRIC_FIELDS}
    for name in METRIC_FIELDS:
        if name in data:
            merged[name] = _decimal(data, name, errors) if name in DECIMALS else data[name]
    if not errors:
        errors.update(rules.threshold_errors(merged["direction"], merged["lower_threshold"],
                                             merged["upper_threshold"]))
        if {"stated_value", "stated_document_id"} & set(data):
            errors.update(_stated_errors(solution, merged["stated_value"], merged["stated_document_id"]))
    _refuse("metric", errors)
    before = audit.snapshot(metric, exclude=NOT_AUDITED)
    for name, value in merged.items():
        setattr(metric, name, value.strip() or None if isinstance(value, str) and name != "name" else value)
    metric.name = (metric.name or "").strip()
    try:
        audit.record_update(metric, METRIC, before, solution_id=solution.id, reason=data.get("reason"),
                            exclude=NOT_AUDITED)
    except StaleDataError as exc:
        raise _stale("metric") from exc
    return metric


def values_of(metric_id: int) -> list[MonitoringValue]:
    """Oldest first (the chart's order)."""
    return list(db.session.scalars(select(MonitoringValue).where(MonitoringValue.metric_id == metric_id)
                                   .order_by(MonitoringValue.period_end, MonitoringValue.id)))


def values_for(solution_id: int) -> list[MonitoringValue]:
    return list(db.session.scalars(select(MonitoringValue).where(MonitoringValue.solution_id == solution_id)
                                   .order_by(MonitoringValue.period_end.desc(), MonitoringValue.id.desc())))


def report_value(solution: Solution, metric: MonitoringMetric, data: dict, by: User) -> MonitoringValue:
    """A value for a period of a solution in use; one outside the metric's thresholds opens an assessment."""
    if solution.phase not in rules.IN_USE:
        raise Conflict("Values are reported while the solution is in pilot, rollout or management.")
    if not metric.active:
        raise Conflict("The metric is retired; no more values are reported for it.")
    errors: dict[str, list[str]] = {}
    value = _decimal(data, "value", errors)
    if value is None and "value" not in errors:
        errors["value"] = ["Give the value."]
    if data["period_end"] > region_today():
        errors["period_end"] = ["Must not be in the future."]
    _no_personal_number(errors, note=data.get("note"))
    _refuse("value", errors)
    row = MonitoringValue(
        metric_id=metric.id, solution_id=solution.id, period_end=data["period_end"], value=value,
        note=_text(data.get("note")), lower_threshold=metric.lower_threshold,
        upper_threshold=metric.upper_threshold,
        breach=rules.breach(value, metric.lower_threshold, metric.upper_threshold),
        reported_by_id=by.id, reported_at=utcnow())
    db.session.add(row)
    audit.record_create(row, VALUE, solution_id=solution.id)
    if row.breach:
        _open_assessment(solution, metric, row)
    return row


def _open_assessment(solution: Solution, metric: MonitoringMetric, value: MonitoringValue) -> MonitoringAssessment:
    oversight = current_oversight(solution.id)
    assessment = MonitoringAssessment(
        solution_id=solution.id, metric_id=metric.id, value_id=value.id,
        assignee_id=oversight.user_id if oversight is not None else None, opened_at=utcnow(),
        due_on=rules.assessment_due(region_today(), assessment_days()), status=rules.OPEN, version=1)
    db.session.add(assessment)
    audit.record_create(assessment, ASSESSMENT, solution_id=solution.id,
                        reason=coded("monitoring_breach", metric=metric.name, value=_num(value.value)),
                        exclude=NOT_AUDITED)
    people = set(solution.owner_ids())
    if oversight is not None:
        people |= {oversight.user_id, oversight.deputy_user_id} - {None}
    if oversight is None or oversight.user_id is None:
        # Nobody with an account to decide: compliance records the oversight owner's decision.
        people |= set(notifications.compliance_user_ids())
    notifications.notify_many(notifications.active_users(people), "monitoring_breach",
                              subject_type=ASSESSMENT, subject_id=assessment.id, due_on=assessment.due_on,
                              solution_id=solution.id,
                              params={"solution": solution.name, "metric": metric.name},
                              link=f"/monitoring/assessments/{assessment.id}")
    return assessment


# --------------------------------------------------------------------------- assessments


def _oversight_user_ids(solution_id: int) -> set[int]:
    oversight = current_oversight(solution_id)
    return set() if oversight is None else {oversight.user_id, oversight.deputy_user_id} - {None}


def may_decide(assessment: MonitoringAssessment, user: User) -> bool:
    """The oversight owner (or deputy) with an account, whatever its role, or compliance recording the
    decision."""
    return user.role == COMPLIANCE or user.id in _oversight_user_ids(assessment.solution_id) \
        or user.id == assessment.assignee_id


def get_assessment(assessment_id: int, by: User) -> MonitoringAssessment:
    """An assessment its solution's readers see, and so does the oversight owner (or deputy) it waits for,
    whatever their account's role: a clinician named oversight owner may sign in as staff. Anyone else:
    no such assessment."""
    assessment = db.session.get(MonitoringAssessment, require_id(assessment_id, "assessment"))
    if assessment is None:
        raise NotFound("No such assessment.")
    solution = db.session.get(Solution, assessment.solution_id)
    if not (can_read(solution, by) or may_decide(assessment, by)):
        raise NotFound("No such assessment.")
    return assessment


def assessments_for(solution_id: int) -> list[MonitoringAssessment]:
    return list(db.session.scalars(select(MonitoringAssessment).where(MonitoringAssessment.solution_id == solution_id)
                                   .order_by(MonitoringAssessment.opened_at.desc(), MonitoringAssessment.id.desc())))


def assessments_query(by: User, *, today: date, status: str | None = None, overdue: bool | None = None) -> Select:
    """Assessments of the solutions `by` may read, and those waiting for `by` as oversight owner."""
    visible = visible_solution_ids(by)
    query = select(MonitoringAssessment)
    if visible is not None:  # a reader of the whole register reads every assessment (no test of 100k ids)
        query = query.where(or_(MonitoringAssessment.solution_id.in_(visible),
                                MonitoringAssessment.assignee_id == by.id))
    if status is not None:
        query = query.where(MonitoringAssessment.status == status)
    if overdue is not None:
        late = (MonitoringAssessment.status == rules.OPEN) & (MonitoringAssessment.due_on < today)
        query = query.where(late if overdue else ~late)
    return query.order_by(MonitoringAssessment.due_on, MonitoringAssessment.id)


def is_overdue(assessment: MonitoringAssessment, today: date) -> bool:
    return rules.is_assessment_overdue(assessment.status, assessment.due_on, today)


def decide_assessment(assessment: MonitoringAssessment, data: dict, by: User) -> MonitoringAssessment:
    """The oversight owner's decision. An incident becomes a deviation reported by them now, so its legal
    clocks start at this decision; not an incident needs the reason."""
    if assessment.status != rules.OPEN:
        raise Conflict("The assessment is already decided.")
    if not may_decide(assessment, by):
        raise NotAllowed("The oversight owner (or their deputy) decides; compliance may record their decision.",
                         code="not_oversight_owner")
    decision = data["decision"]
    reason = _text(data.get("reason"))
    errors: dict[str, list[str]] = {}
    if decision == rules.NOT_INCIDENT and (reason is None or len(reason) < 3):
        errors["reason"] = ["Say why the breach is not an incident."]
    if decision == rules.INCIDENT:
        if len(_text(data.get("what_happened")) or "") < 3:
            errors["what_happened"] = ["Describe what happened."]
        if data.get("patient_harm") not in ("yes", "no", "unknown"):
            errors["patient_harm"] = ["Answer yes, no or don't know."]
    _no_personal_number(errors, reason=reason, what_happened=data.get("what_happened"))
    _refuse("decision", errors)
    solution = db.session.get(Solution, assessment.solution_id)
    if decision == rules.INCIDENT and solution.phase not in deviations.IN_USE:
        raise Conflict("The solution is no longer in use; report the incident on the solution's incident page.")
    before = audit.snapshot(assessment, exclude=NOT_AUDITED)
    assessment.status, assessment.reason = decision, reason
    assessment.decided_by_id, assessment.decided_at = by.id, utcnow()
    if decision == rules.INCIDENT:
        value = assessment.value
        deviation = deviations.report_deviation(by, {
            "solution_id": solution.id, "what_happened": data["what_happened"].strip(),
            "occurred_at": incidents.as_utc(value.reported_at), "patient_harm": data["patient_harm"],
            "care_unit": _text(data.get("care_unit")), "case_number": _text(data.get("case_number"))})
        assessment.deviation_id, assessment.incident_id = deviation.id, deviation.incident_id
    try:
        audit.record_update(assessment, ASSESSMENT, before, solution_id=solution.id, action="decide",
                            exclude=NOT_AUDITED)
    except StaleDataError as exc:
        raise _stale("assessment") from exc
    return assessment


def _overdue_query(user: User, today, user_id) -> Select:
    """Open assessments past due: the ones waiting for the user as oversight owner, an owner's own solutions,
    every one for compliance (soonest due first). `today` and `user_id` may be parameters given at execution."""
    query = (select(MonitoringAssessment).join(Solution, Solution.id == MonitoringAssessment.solution_id)
             .where(MonitoringAssessment.status == rules.OPEN, MonitoringAssessment.due_on < today))
    if user.role != COMPLIANCE:
        mine = visible_solutions_query(user).with_only_columns(Solution.id) if user.role == OWNER else None
        query = query.where(or_(MonitoringAssessment.assignee_id == user_id,
                                MonitoringAssessment.solution_id.in_(mine) if mine is not None else db.false()))
    return query


def _waiting_query(user_id) -> Select:
    """Open assessments the user decides as oversight owner."""
    return select(MonitoringAssessment).where(MonitoringAssessment.status == rules.OPEN,
                                              MonitoringAssessment.assignee_id == user_id)


def start_page_assessments(user: User, today: date) -> list[tuple[MonitoringAssessment, Solution]]:
    """The start page's card: those waiting for the user as oversight owner (the first 20), then the overdue ones
    they see (the first 50), each soonest due first; with their solutions and metrics, in one statement (built
    once per role for the readers of the whole register: the reader and the day given at execution)."""

    def make(_kind: str | None) -> Select:
        day, reader = bindparam("today", type_=Date), bindparam("user_id", type_=Integer)
        branches = []
        for k, (query, limit) in enumerate(((_waiting_query(reader), 20), (_overdue_query(user, day, reader), 50))):
            first = (query.with_only_columns(MonitoringAssessment.id, MonitoringAssessment.due_on)
                     .order_by(MonitoringAssessment.due_on, MonitoringAssessment.id).limit(limit).subquery())
            branches.append(select(first.c.id, literal(k).label("k"), func.row_number().over(
                order_by=(first.c.due_on, first.c.id)).label("r")))
        listed = union_all(*branches).subquery()
        return (select(MonitoringAssessment, Solution).join(listed, listed.c.id == MonitoringAssessment.id)
                .join(Solution, Solution.id == MonitoringAssessment.solution_id)
                .options(joinedload(MonitoringAssessment.metric)).order_by(listed.c.k, listed.c.r))

    statement = (make(None) if user.role == OWNER
                 else statements.built(f"monitoring.start:{user.role}", make))
    seen, rows = set(), []
    for assessment, solution in db.session.execute(statement, {"today": today, "user_id": user.id}):
        if assessment.id not in seen:
            seen.add(assessment.id)
            rows.append((assessment, solution))
    return rows


def waiting_for(user: User, *, limit: int = 20) -> list[tuple[MonitoringAssessment, Solution]]:
    """Open assessments the user decides as oversight owner (soonest due first)."""
    query = (_waiting_query(user.id).add_columns(Solution)
             .join(Solution, Solution.id == MonitoringAssessment.solution_id)
             .order_by(MonitoringAssessment.due_on, MonitoringAssessment.id).limit(limit))
    return [(a, s) for a, s in db.session.execute(query).all()]


# --------------------------------------------------------------------------- log retention (Art 26(6))


def retention_for(solution_id: int) -> list[LogRetention]:
    """Newest first; the first is in force."""
    return list(db.session.scalars(select(LogRetention).where(LogRetention.solution_id == solution_id)
                                   .order_by(LogRetention.recorded_at.desc(), LogRetention.id.desc())))


def record_retention(solution: Solution, data: dict, by: User) -> LogRetention:
    """Where the logs live and for how long; under six months only with the law that provides otherwise."""
    months = data.get("retention_months")
    if months is not None and not 1 <= months <= rules.MAX_RETENTION_MONTHS:
        errors = {"retention_months": [Message(MONTHS_OUTSIDE, min=1, max=rules.MAX_RETENTION_MONTHS)]}
    else:
        errors = rules.retention_errors(months, data.get("legal_basis"))
    _require_text(errors, data, "system", "location")
    _refuse("log retention", errors)
    row = LogRetention(solution_id=solution.id, system=data["system"].strip(), location=data["location"].strip(),
                       retention_months=data["retention_months"], legal_basis=_text(data.get("legal_basis")),
                       note=_text(data.get("note")), recorded_by_id=by.id, recorded_at=utcnow())
    db.session.add(row)
    audit.record_create(row, RETENTION, solution_id=solution.id, reason=data.get("reason"))
    return row


# --------------------------------------------------------------------------- informing (Art 26(7), 26(11), 86)


def informing_for(solution_id: int) -> list[InformingRecord]:
    return list(db.session.scalars(select(InformingRecord).where(InformingRecord.solution_id == solution_id)
                                   .order_by(InformingRecord.informed_on.desc(), InformingRecord.id.desc())))


def record_informing(solution: Solution, data: dict, by: User) -> InformingRecord:
    """How and when the people concerned were informed. Workers (Art 26(7)) come with the MBL negotiation
    (date, parties, outcome). A record meets the obligation of its kind where the classification lists it."""
    kind = data["kind"]
    errors: dict[str, list[str]] = {}
    _require_text(errors, data, "audience", "how")
    if data["informed_on"] > region_today():
        errors["informed_on"] = ["Must not be in the future."]
    if kind == rules.WORKERS:
        for name, text in (("negotiated_on", "Give the date of the co-determination negotiation (MBL)."),
                           ("negotiation_parties", "Name the parties of the negotiation."),
                           ("negotiation_outcome", "Give the outcome of the negotiation.")):
            if not data.get(name):
                errors[name] = [text]
        if data.get("negotiated_on") and data["negotiated_on"] > region_today():
            errors["negotiated_on"] = ["Must not be in the future."]
    evidence_id = data.get("evidence_id")
    if evidence_id is not None:
        evidence = db.session.get(Evidence, evidence_id)
        if evidence is None or evidence.solution_id != solution.id:
            errors["evidence_id"] = ["No such evidence for this solution."]
    if link_errors := web_address_errors(_text(data.get("link"))):
        errors["link"] = link_errors
    _refuse("record", errors)
    workers = kind == rules.WORKERS
    row = InformingRecord(
        solution_id=solution.id, kind=kind, informed_on=data["informed_on"], audience=data["audience"].strip(),
        how=data["how"].strip(), care_units=list(dict.fromkeys(u.strip() for u in data.get("care_units") or ()
                                                                if u.strip())),
        negotiated_on=data.get("negotiated_on") if workers else None,
        negotiation_parties=_text(data.get("negotiation_parties")) if workers else None,
        negotiation_outcome=data.get("negotiation_outcome") if workers else None,
        negotiation_note=_text(data.get("negotiation_note")) if workers else None,
        evidence_id=evidence_id, link=_text(data.get("link")), recorded_by_id=by.id, recorded_at=utcnow())
    db.session.add(row)
    audit.record_create(row, INFORMING, solution_id=solution.id, reason=data.get("reason"))
    _meet_obligation(solution, rules.INFORMING_OBLIGATION.get(kind), row, by)
    return row


def _meet_obligation(solution: Solution, obligation_id: str | None, record: InformingRecord, by: User) -> None:
    """The obligation the record answers shows met by it (who recorded it confirmed it), unless already
    closed or no longer listed."""
    if obligation_id is None:
        return
    row = db.session.scalar(select(SolutionObligation).where(SolutionObligation.solution_id == solution.id,
                                                             SolutionObligation.obligation_id == obligation_id))
    if row is None or not row.current or obligation_rules.is_closed(row.status, row.confirmed):
        return
    before = audit.snapshot(row, exclude=OBLIGATION_NOT_AUDITED)
    now = utcnow()
    row.status, row.evidence_id, row.record_type, row.record_id = obligation_rules.MET, None, INFORMING, record.id
    row.not_applicable_reason = None
    row.status_set_by_id = row.confirmed_by_id = by.id
    row.status_set_at = row.confirmed_at = now
    audit.record_update(row, OBLIGATION, before, solution_id=solution.id, action="set_status",
                        reason=coded("obligation_met_by_record", record_type=INFORMING, record_id=record.id),
                        exclude=OBLIGATION_NOT_AUDITED)


# --------------------------------------------------------------------------- explanation requests (Art 86)


def explanation_requests_for(solution_id: int) -> list[ExplanationRequest]:
    return list(db.session.scalars(select(ExplanationRequest).where(ExplanationRequest.solution_id == solution_id)
                                   .order_by(ExplanationRequest.received_on.desc(), ExplanationRequest.id.desc())))


def explanation_query(by: User, *, today: date, overdue: bool | None = None) -> Select:
    visible = visible_solutions_query(by).with_only_columns(Solution.id)
    query = select(ExplanationRequest).where(ExplanationRequest.solution_id.in_(visible))
    if overdue is not None:
        late = ExplanationRequest.answered_on.is_(None) & (ExplanationRequest.due_on < today)
        query = query.where(late if overdue else ~late)
    return query.order_by(ExplanationRequest.due_on, ExplanationRequest.id)


def get_explanation_request(request_id: int, user: User, *, write: bool = False
                            ) -> tuple[Solution, ExplanationRequest]:
    """The request and its solution, as `get_child` finds them (the solution comes from the session)."""
    found = get_child(ExplanationRequest, request_id, user, for_write=write, what="request")
    return db.session.get(Solution, found.solution_id), found


def log_explanation_request(solution: Solution, data: dict, by: User) -> ExplanationRequest:
    """A request received (date, channel, what is asked, no patient identifiers); due after the region's
    answer period."""
    errors: dict[str, list[str]] = {}
    _require_text(errors, data, "summary")
    if data["received_on"] > region_today():
        errors["received_on"] = ["Must not be in the future."]
    _no_personal_number(errors, summary=data.get("summary"), case_number=data.get("case_number"))
    _refuse("request", errors)
    row = ExplanationRequest(
        solution_id=solution.id, received_on=data["received_on"], channel=data["channel"],
        summary=data["summary"].strip(), case_number=_text(data.get("case_number")),
        due_on=rules.assessment_due(data["received_on"], explanation_days()), recorded_by_id=by.id,
        recorded_at=utcnow(), version=1)
    db.session.add(row)
    audit.record_create(row, EXPLANATION, solution_id=solution.id, exclude=NOT_AUDITED)
    return row


def answer_explanation_request(solution: Solution, row: ExplanationRequest, data: dict,
                               by: User) -> ExplanationRequest:
    """The answer: when, a summary of what was explained, and who answered (the one recording it)."""
    if row.answered_on is not None:
        raise Conflict("The request is already answered.")
    errors: dict[str, list[str]] = {}
    _require_text(errors, data, "answer_summary")
    answered = data["answered_on"]
    if answered > region_today():
        errors["answered_on"] = ["Must not be in the future."]
    elif answered < row.received_on:
        errors["answered_on"] = ["Must not be before the request was received."]
    _no_personal_number(errors, answer_summary=data.get("answer_summary"))
    _refuse("answer", errors)
    before = audit.snapshot(row, exclude=NOT_AUDITED)
    row.answered_on, row.answer_summary, row.answered_by_id = answered, data["answer_summary"].strip(), by.id
    try:
        audit.record_update(row, EXPLANATION, before, solution_id=solution.id, action="answer",
                            exclude=NOT_AUDITED)
    except StaleDataError as exc:
        raise _stale("request") from exc
    return row


def explanation_overdue(row: ExplanationRequest, today: date) -> bool:
    return rules.explanation_overdue(row.answered_on, row.due_on, today)


def require_if_match(record, if_match: str | None, noun: str) -> None:
    preconditions.require_if_match(record.version, if_match, noun)


# --------------------------------------------------------------------------- the report


def monitoring_summary(solution_id: int, today: date | None = None) -> dict:
    """Everything of this area for a solution, as the traceability report and the bundle show it."""
    today = today or region_today()
    metrics = metrics_for(solution_id)
    values = values_for(solution_id)
    return {
        "metrics": [metric_dict(m) for m in metrics],
        "values": [value_dict(v) for v in values],
        "assessments": [assessment_dict(a, today) for a in assessments_for(solution_id)],
        "log_retention": [retention_dict(r) for r in retention_for(solution_id)],
        "informing": [informing_dict(r) for r in informing_for(solution_id)],
        "explanation_requests": [explanation_dict(r, today) for r in explanation_requests_for(solution_id)],
    }


def _num(value) -> str | None:
    return None if value is None else format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def _when(value: datetime | None) -> str | None:
    return None if value is None else incidents.as_utc(value).isoformat().replace("+00:00", "Z")


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def metric_dict(m: MonitoringMetric) -> dict:
    return {"id": m.id, "solution_id": m.solution_id, "name": m.name, "kind": m.kind, "description": m.description,
            "unit": m.unit, "direction": m.direction, "lower_threshold": _num(m.lower_threshold),
            "upper_threshold": _num(m.upper_threshold), "frequency": m.frequency,
            "stated_value": _num(m.stated_value), "stated_document_id": m.stated_document_id,
            "stated_document": m.stated_document.title if m.stated_document is not None else None,
            "stated_reference": m.stated_reference, "active": m.active,
            "created_by": _name(m.created_by), "created_at": _when(m.created_at), "version": m.version or 0}


def value_dict(v: MonitoringValue) -> dict:
    return {"id": v.id, "metric_id": v.metric_id, "solution_id": v.solution_id, "period_end": v.period_end.isoformat(),
            "value": _num(v.value), "note": v.note, "lower_threshold": _num(v.lower_threshold),
            "upper_threshold": _num(v.upper_threshold), "breach": v.breach, "reported_by": _name(v.reported_by),
            "reported_at": _when(v.reported_at)}


def assessment_dict(a: MonitoringAssessment, today: date) -> dict:
    return {"id": a.id, "solution_id": a.solution_id, "metric_id": a.metric_id, "metric": a.metric.name,
            "value_id": a.value_id, "value": _num(a.value.value), "breach": a.value.breach,
            "assignee": _name(a.assignee), "opened_at": _when(a.opened_at), "due_on": a.due_on.isoformat(),
            "overdue": is_overdue(a, today), "status": a.status, "decided_by": _name(a.decided_by),
            "decided_at": _when(a.decided_at), "reason": a.reason, "deviation_id": a.deviation_id,
            "incident_id": a.incident_id, "version": a.version or 0}


def retention_dict(r: LogRetention) -> dict:
    return {"id": r.id, "solution_id": r.solution_id, "system": r.system, "location": r.location,
            "retention_months": r.retention_months, "legal_basis": r.legal_basis, "note": r.note,
            "recorded_by": _name(r.recorded_by), "recorded_at": _when(r.recorded_at)}


def informing_dict(r: InformingRecord) -> dict:
    return {"id": r.id, "solution_id": r.solution_id, "kind": r.kind, "informed_on": r.informed_on.isoformat(),
            "audience": r.audience, "how": r.how, "care_units": list(r.care_units or []),
            "negotiated_on": r.negotiated_on.isoformat() if r.negotiated_on else None,
            "negotiation_parties": r.negotiation_parties, "negotiation_outcome": r.negotiation_outcome,
            "negotiation_note": r.negotiation_note, "evidence_id": r.evidence_id, "link": r.link,
            "recorded_by": _name(r.recorded_by), "recorded_at": _when(r.recorded_at)}


def explanation_dict(r: ExplanationRequest, today: date) -> dict:
    return {"id": r.id, "solution_id": r.solution_id, "received_on": r.received_on.isoformat(),
            "channel": r.channel, "summary": r.summary, "case_number": r.case_number,
            "due_on": r.due_on.isoformat(), "overdue": explanation_overdue(r, today),
            "answered_on": r.answered_on.isoformat() if r.answered_on else None,
            "answered_by": _name(r.answered_by), "answer_summary": r.answer_summary,
            "recorded_by": _name(r.recorded_by), "recorded_at": _when(r.recorded_at), "version": r.version or 0}
