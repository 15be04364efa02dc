"""Obligation records of a solution: opened from its decided classification, closed with evidence or a
record, or marked not applicable with a reason that compliance confirms. Audited; the request commits."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import Date, Select, and_, bindparam, not_, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ai_register import preconditions, statements
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.models import DECIDED, Classification
from ai_register.classification.rulesets import active_ruleset
from ai_register.evidence.models import Evidence
from ai_register.exceptions import Conflict, FourEyes, InvalidInput, NotFound, RoleNotAllowed, Stale
from ai_register.extensions import db
from ai_register.fria import rules as fria_rules
from ai_register.fria.models import FriaAssessment
from ai_register.literacy.models import LiteracyMeasure
from ai_register.monitoring.models import InformingRecord, LogRetention, MonitoringMetric
from ai_register.obligations import rules
from ai_register.obligations.models import SolutionObligation
from ai_register.oversight.models import OversightAssignment
from ai_register.security import COMPLIANCE, OWNER
from ai_register.solutions.access import visible_solutions_query
from ai_register.solutions.models import Solution, solution_co_owners
from ai_register.solutions.services import owner_ids_since, region_today
from ai_register.suppliers import services as suppliers
from ai_register.suppliers.models import SupplierDocument, SupplierProduct
from ai_register.users.models import User, utcnow

ENTITY = "solution_obligation"
NOT_AUDITED = frozenset({"updated_at", "version"})
OBLIGATION_ID = re.compile(r"^[a-z0-9_]{1,80}$")


def due_days() -> int:
    return int(current_app.config.get("OBLIGATION_DUE_DAYS", rules.DEFAULT_DUE_DAYS))


def _region_day(moment: datetime | None) -> date:
    if moment is None:
        return region_today()
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Stockholm"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))).astimezone(zone).date()


def _decided_versions(solution_id: int) -> list[Classification]:
    return list(db.session.scalars(
        select(Classification).where(Classification.solution_id == solution_id,
                                     Classification.status.in_(DECIDED)).order_by(Classification.version)))


def _listed(classification: Classification | None) -> dict[str, dict]:
    if classification is None:
        return {}
    return {str(o["id"]): o for o in (classification.result or {}).get("obligations") or () if o.get("id")}


def _opened_on(obligation_id: str, decided: list[Classification]) -> date:
    """The day the first decided version of the current unbroken run listing it was decided: the same
    whenever the record is written, so a record opened late (by a reminder run) keeps its real date."""
    opened = None
    for version in decided:
        if obligation_id in _listed(version):
            opened = opened or _region_day(version.reviewed_at or version.created_at)
        else:
            opened = None
    return opened or _region_day(None)


def _day(value) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _fill(row: SolutionObligation, listed: dict, classification: Classification) -> None:
    row.role = listed.get("role")
    row.citation = (listed.get("citation") or None) and str(listed["citation"])[:300]
    row.applies_from = _day(listed.get("applies_from"))
    row.condition = listed.get("condition")
    row.listed_by_classification_id = classification.id
    row.current = True
    row.due_on = rules.due_on(row.applies_from, row.opened_on, due_days(), row.condition)


def _new_row(solution: Solution, obligation_id: str, listed: dict, classification: Classification,
             decided: list[Classification]) -> SolutionObligation:
    row = SolutionObligation(solution_id=solution.id, obligation_id=obligation_id, status=rules.OPEN,
                             opened_on=_opened_on(obligation_id, decided), version=0)
    _fill(row, listed, classification)
    return row


def sync_obligations(solution: Solution) -> list[SolutionObligation]:
    """Open a record for every obligation the latest decided classification lists, refresh the dates of
    those still listed, and mark the ones no longer listed as not current (kept, with their history)."""
    decided = _decided_versions(solution.id)
    latest = decided[-1] if decided else None
    listed = _listed(latest)
    rows = {r.obligation_id: r for r in db.session.scalars(
        select(SolutionObligation).where(SolutionObligation.solution_id == solution.id))}
    params = {"version": latest.version, "ruleset": latest.ruleset_version} if latest else {}
    for obligation_id, item in listed.items():
        row = rows.get(obligation_id)
        if row is None:
            row = _new_row(solution, obligation_id, item, latest, decided)
            row.version = 1
            db.session.add(row)
            audit.record_create(row, ENTITY, solution_id=solution.id, reason=coded("obligation_opened", **params),
                                exclude=NOT_AUDITED)
            rows[obligation_id] = row
            continue
        before = audit.snapshot(row, exclude=NOT_AUDITED)
        _fill(row, item, latest)
        audit.record_update(row, ENTITY, before, solution_id=solution.id, reason=coded("obligation_listed", **params),
                            exclude=NOT_AUDITED)
    for obligation_id, row in rows.items():
        if obligation_id not in listed and row.current:
            before = audit.snapshot(row, exclude=NOT_AUDITED)
            row.current = False
            audit.record_update(row, ENTITY, before, solution_id=solution.id,
                                reason=coded("obligation_no_longer_listed", **params) if params
                                else coded("obligation_no_classification"))
    return sorted(rows.values(), key=_order)


def sync_all() -> int:
    """Every solution with a decided classification (the reminder run): records opened before this
    feature existed, or missed, are written with the day they really opened."""
    ids = db.session.scalars(select(Classification.solution_id).where(Classification.status.in_(DECIDED))
                             .distinct())
    count = 0
    for solution_id in list(ids):
        solution = db.session.get(Solution, solution_id)
        if solution is not None and solution.phase != "retired":
            sync_obligations(solution)
            count += 1
    return count


def _order(row: SolutionObligation):
    return (not row.current, row.due_on or date.max, row.obligation_id)


def obligations_for(solution: Solution) -> list[SolutionObligation]:
    """The solution's obligation records for reading. Obligations of the decided classification that have
    no record yet are shown as open records that are not stored (version 0) until someone writes them."""
    rows = {r.obligation_id: r for r in db.session.scalars(
        select(SolutionObligation).where(SolutionObligation.solution_id == solution.id))}
    decided = _decided_versions(solution.id)
    latest = decided[-1] if decided else None
    for obligation_id, item in _listed(latest).items():
        if obligation_id not in rows:
            rows[obligation_id] = _new_row(solution, obligation_id, item, latest, decided)
    return sorted(rows.values(), key=_order)


def get_obligation(solution: Solution, obligation_id: str) -> SolutionObligation:
    if not OBLIGATION_ID.match(obligation_id or ""):
        raise NotFound("No such obligation for this solution.")
    for row in obligations_for(solution):
        if row.obligation_id == obligation_id:
            return row
    raise NotFound("No such obligation for this solution.")


def require_if_match(row: SolutionObligation, if_match: str | None) -> None:
    """No lost updates on the record itself (its own ETag; 0 for a record not stored yet)."""
    preconditions.require_if_match(row.version or 0, if_match, "obligation")


def _stored(solution: Solution, row: SolutionObligation) -> SolutionObligation:
    """The stored record; a shown-only one is written first (opened as listed)."""
    if row.id is not None:
        return row
    sync_obligations(solution)
    return db.session.scalar(select(SolutionObligation).where(
        SolutionObligation.solution_id == solution.id, SolutionObligation.obligation_id == row.obligation_id))


def record_models() -> dict:
    """Records of other areas that can meet an obligation, by the type named in the API."""

    return {rules.OVERSIGHT_ASSIGNMENT: OversightAssignment, rules.FRIA: FriaAssessment,
            rules.INFORMING_RECORD: InformingRecord, rules.LOG_RETENTION: LogRetention,
            rules.MONITORING_METRIC: MonitoringMetric, rules.LITERACY_MEASURE: LiteracyMeasure,
            SUPPLIER_DOCUMENT: SupplierDocument, SUPPLIER_PRODUCT: SupplierProduct}


# The supplier register's records (shared by the solutions using the product version, so not the solution's own).
SUPPLIER_DOCUMENT, SUPPLIER_PRODUCT = "supplier_document", "supplier_product"


def supplier_records_for(solution: Solution, obligation_id: str, on: date
                         ) -> list[tuple[str, SupplierDocument | SupplierProduct]]:
    """The supplier register's records that can meet this obligation of the solution now: documents of the
    product version it uses (or its supplier's agreements) that fit the obligation, are in force on `on` and
    not withdrawn; and the product version itself for its EU-database registration."""
    product, documents = suppliers.solution_documents(solution.id)
    if product is None:
        return []
    found: list[tuple[str, SupplierDocument | SupplierProduct]] = [
        (SUPPLIER_DOCUMENT, d) for d in documents
        if rules.supplier_record_fits(obligation_id, d.kind) and suppliers.in_force(d, on)]
    if product.eu_database_number and rules.supplier_record_fits(obligation_id, rules.EU_DATABASE_REGISTRATION):
        found.append((SUPPLIER_PRODUCT, product))
    return found


def _supplier_record_errors(solution: Solution, obligation_id: str, record_type: str, record) -> list[str]:
    """Why the supplier register's record cannot meet this obligation of this solution (none: it can)."""
    product, documents = suppliers.solution_documents(solution.id)
    if product is None:
        return ["The solution uses no product version of the supplier register; link it on the solution's "
                "supplier page first."]
    if record_type == SUPPLIER_PRODUCT:
        if record is None or record.id != product.id:
            return ["No such product version: name the one the solution uses."]
        if not record.eu_database_number:
            return ["The product version has no EU-database registration number recorded."]
        kind = rules.EU_DATABASE_REGISTRATION
    else:
        if record is None or record.id not in {d.id for d in documents}:
            return ["No such document of the product version the solution uses (or of its supplier)."]
        if not suppliers.in_force(record, region_today()):
            return ["The document is withdrawn, not yet issued or no longer valid."]
        kind = record.kind
    if not rules.supplier_record_fits(obligation_id, kind):
        return ["This supplier record does not meet this obligation."]
    return []


def metric_errors(solution: Solution, obligation_id: str, metric: MonitoringMetric | None,
                  on: date | None = None) -> list[str]:
    """Why the monitoring metric cannot meet this obligation of this solution on `on` (none: it can): the
    solution's own, fitting, still reported, comparing with a value the instructions for use (in force) of the
    product version it uses state."""
    if metric is None or metric.solution_id != solution.id:
        return ["No such record for this solution."]
    stated = metric.stated_document_id is not None and metric.stated_document_id in {
        d.id for d in suppliers.instructions_for_use(solution.id, on or region_today())}
    return rules.monitoring_metric_errors(obligation_id, active=metric.active, stated_in_instructions=stated)


def literacy_errors(solution: Solution, obligation_id: str, measure: LiteracyMeasure | None) -> list[str]:
    """Why the AI-literacy measure cannot meet this obligation (none: it can): the solution's own measure or a
    region-wide one, for the deployer's Art 4 duty."""
    if measure is None or measure.solution_id not in (None, solution.id):
        return ["No such record for this solution."]
    if obligation_id not in rules.LITERACY_FITS:
        return ["An AI-literacy measure does not meet this obligation."]
    return []


def literacy_records_for(solution: Solution, obligation_id: str) -> list[LiteracyMeasure]:
    """The AI-literacy measures (the solution's own first, then region-wide) that can meet this obligation."""
    if obligation_id not in rules.LITERACY_FITS:
        return []
    return list(db.session.scalars(select(LiteracyMeasure).where(
        or_(LiteracyMeasure.solution_id == solution.id, LiteracyMeasure.solution_id.is_(None)))
        .order_by(LiteracyMeasure.solution_id.is_(None), LiteracyMeasure.held_on.desc(), LiteracyMeasure.id)))


def monitoring_records_for(solution: Solution, obligation_id: str, on: date) -> list[MonitoringMetric]:
    """The solution's monitoring metrics that can meet this obligation now (Art 26(5): monitoring against the
    instructions for use)."""
    if rules.MONITORING_METRIC not in rules.MONITORING_FITS.get(obligation_id, frozenset()):
        return []
    return [m for m in db.session.scalars(select(MonitoringMetric).where(MonitoringMetric.solution_id == solution.id)
                                          .order_by(MonitoringMetric.id))
            if not metric_errors(solution, obligation_id, m, on)]


_OWN_UNFIT = {
    rules.OVERSIGHT_ASSIGNMENT: "A human-oversight assignment meets only the duty to assign human oversight "
                                "(Art 26(2)).",
    rules.FRIA: "A FRIA meets only the duty to assess the impact on fundamental rights (Art 27).",
    rules.LOG_RETENTION: "A log retention record meets only the duty to keep the logs (Art 26(6), or Art 19(1) "
                         "for the provider).",
}
_INFORMING_UNFIT = "An informing record of this kind does not meet this obligation: informing workers meets " \
                   "Art 26(7), informing affected persons Art 26(11) or Art 50(3), and an explanation procedure " \
                   "Art 86."


def own_record_fits(obligation_id: str, record_type: str, record) -> bool:
    """Whether the solution's own record (oversight, FRIA, informing, log retention) can meet the obligation,
    by what the record is (not whether it is still the newest)."""
    return rules.own_record_fits(obligation_id, record_type, getattr(record, "kind", None))


def own_record_errors(solution: Solution, obligation_id: str, record_type: str, record) -> list[str]:
    """Why one of the solution's own records cannot meet this obligation (none: it can): the solution's, of a
    kind that fits the obligation, and a FRIA approved."""
    if record is None or getattr(record, "solution_id", None) != solution.id:
        return ["No such record for this solution."]
    if not own_record_fits(obligation_id, record_type, record):
        return [_INFORMING_UNFIT if record_type == rules.INFORMING_RECORD else _OWN_UNFIT[record_type]]
    if record_type == rules.FRIA and record.status != fria_rules.APPROVED:
        return ["The FRIA is not approved: choose an approved version."]
    return []


def _kind_fits(obligation_id: str, record_type: str, record) -> bool:
    """Whether a record of this type (and kind) is one that can meet the obligation at all."""
    if record_type == SUPPLIER_DOCUMENT:
        return rules.supplier_record_fits(obligation_id, record.kind)
    if record_type == SUPPLIER_PRODUCT:
        return rules.supplier_record_fits(obligation_id, rules.EU_DATABASE_REGISTRATION)
    if record_type == rules.MONITORING_METRIC:
        return rules.MONITORING_METRIC in rules.MONITORING_FITS.get(obligation_id, frozenset())
    if record_type == rules.LITERACY_MEASURE:
        return obligation_id in rules.LITERACY_FITS
    return own_record_fits(obligation_id, record_type, record)


def _refused_as_unfit(data: dict, obligation_id: str, errors: dict) -> bool:
    """The only refusal is that the (existing) record chosen is not of a kind that meets the obligation."""
    model = record_models().get(data.get("record_type") or "")
    if set(errors) != {"record_id"} or model is None or data.get("record_id") is None:
        return False
    record = db.session.get(model, data["record_id"])
    return record is not None and not _kind_fits(obligation_id, data["record_type"], record)


def record_types() -> list[str]:
    return sorted(record_models())


def _check_links(solution: Solution, data: dict, obligation_id: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    evidence_id = data.get("evidence_id")
    if evidence_id is not None:
        evidence = db.session.get(Evidence, evidence_id)
        if evidence is None or evidence.solution_id != solution.id:
            errors["evidence_id"] = ["No such evidence for this solution."]
    record_type, record_id = data.get("record_type"), data.get("record_id")
    if (record_type is None) != (record_id is None):
        errors["record_id" if record_type else "record_type"] = ["Give both the record type and its id."]
    elif record_type is not None:
        model = record_models().get(record_type)
        if model is None:
            errors["record_type"] = [f"Must be one of: {', '.join(record_types())}."]
        elif record_type in (SUPPLIER_DOCUMENT, SUPPLIER_PRODUCT):
            refused = _supplier_record_errors(solution, obligation_id, record_type, db.session.get(model, record_id))
            if refused:
                errors["record_id"] = refused
        elif record_type == rules.LITERACY_MEASURE:
            refused = literacy_errors(solution, obligation_id, db.session.get(model, record_id))
            if refused:
                errors["record_id"] = refused
        elif record_type == rules.MONITORING_METRIC:
            refused = metric_errors(solution, obligation_id, db.session.get(model, record_id))
            if refused:
                errors["record_id"] = refused
        else:
            refused = own_record_errors(solution, obligation_id, record_type, db.session.get(model, record_id))
            if refused:
                errors["record_id"] = refused
    return errors


EDITABLE = ("status", "evidence_id", "record_type", "record_id", "note", "not_applicable_reason")


def update_obligation(solution: Solution, row: SolutionObligation, data: dict, *, by: User) -> SolutionObligation:
    """Set the status and what meets it. Met records who confirmed it and when; not applicable waits for
    compliance to confirm the reason (four eyes). A change of status clears an earlier confirmation."""
    user = by
    if not row.current and row.id is not None:
        raise Conflict("The obligation is no longer listed by the solution's classification; its record is "
                       "kept as it was.")
    merged = {name: data.get(name, getattr(row, name)) for name in EDITABLE}
    status = merged["status"]
    if status != rules.MET:
        merged.update(evidence_id=data.get("evidence_id"), record_type=data.get("record_type"),
                      record_id=data.get("record_id"))
    if status != rules.NOT_APPLICABLE:
        merged["not_applicable_reason"] = None
    errors = rules.status_errors(status, evidence=merged["evidence_id"] is not None,
                                 record=merged["record_id"] is not None, reason=merged["not_applicable_reason"])
    errors.update(_check_links(solution, merged, row.obligation_id))
    if errors:
        if _refused_as_unfit(merged, row.obligation_id, errors):
            raise InvalidInput("The record chosen does not meet this obligation.", code="record_does_not_fit",
                               errors=errors)
        raise InvalidInput("The obligation's status cannot be saved.", errors=errors)
    row = _stored(solution, row)
    before = audit.snapshot(row, exclude=NOT_AUDITED)
    changed_status = status != row.status or merged["not_applicable_reason"] != row.not_applicable_reason
    for name, value in merged.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    now = utcnow()
    if changed_status or status == rules.MET and row.confirmed_by_id is None:
        row.status_set_by_id, row.status_set_at = user.id, now
        row.confirmed_by_id = user.id if status == rules.MET else None
        row.confirmed_at = now if status == rules.MET else None
    try:
        audit.record_update(row, ENTITY, before, solution_id=solution.id, reason=data.get("reason"),
                            action="set_status" if changed_status else "update", exclude=NOT_AUDITED)
    except StaleDataError as exc:
        raise Stale("The obligation was changed by someone else meanwhile.",
                    title="Precondition Failed") from exc
    return row


def confirm_not_applicable(solution: Solution, row: SolutionObligation, reason: str | None = None, *,
                           by: User) -> SolutionObligation:
    """Compliance confirms that the obligation does not apply: someone other than who said so, and not an
    owner of the solution (four eyes)."""

    user = by
    if user.role != COMPLIANCE:
        raise RoleNotAllowed("Your role may not do this.")
    if row.id is None or row.status != rules.NOT_APPLICABLE:
        raise Conflict("Only an obligation marked not applicable (with a reason) can be confirmed.")
    if row.confirmed:
        raise Conflict("The reason is already confirmed.")
    if user.id == row.status_set_by_id:
        raise FourEyes("Four eyes: you marked this obligation not applicable, so another compliance officer "
                       "must confirm it.", because="submitted")
    if user.id in owner_ids_since(solution, row.status_set_at or utcnow()):
        raise FourEyes("Four eyes: you are an owner or co-owner of this solution, so another compliance "
                       "officer must confirm it.", because="owner")
    before = audit.snapshot(row, exclude=NOT_AUDITED)
    row.confirmed_by_id, row.confirmed_at = user.id, utcnow()
    audit.record_update(row, ENTITY, before, solution_id=solution.id, action="confirm", reason=reason,
                        exclude=NOT_AUDITED)
    return row


# --------------------------------------------------------------------------- views across solutions


def text_of(row: SolutionObligation, lang: str | None = None) -> str:
    """The obligation's text in the reader's language from the active rule set; the listing classification's
    stored text when the active rule set no longer has the id."""

    lang = lang or ("en" if str(get_locale()) == "en" else "sv")
    try:
        texts = {o.id: o.text.in_language(lang) for o in active_ruleset().obligations}
    except Exception:  # noqa: BLE001 - a broken rule file must not hide the register's records
        texts = {}
    if row.obligation_id in texts:
        return texts[row.obligation_id]
    classification = db.session.get(Classification, row.listed_by_classification_id) \
        if row.listed_by_classification_id else None
    stored = _listed(classification).get(row.obligation_id) or {}
    text = stored.get("text")
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or row.obligation_id
    return text or row.obligation_id


def is_overdue(row: SolutionObligation, today: date) -> bool:
    return rules.is_overdue(status=row.status, confirmed=row.confirmed, current=row.current, due=row.due_on,
                            today=today)


def obligations_query(user: User, *, today: date, solution_ids=None, overdue: bool | None = None,
                      status: str | None = None) -> Select:
    """Stored obligation records of the solutions `user` may see."""
    visible = visible_solutions_query(user).with_only_columns(Solution.id)
    query = (select(SolutionObligation)
             .join(Solution, Solution.id == SolutionObligation.solution_id)
             .where(SolutionObligation.solution_id.in_(visible), Solution.phase != "retired"))
    if solution_ids is not None:
        query = query.where(SolutionObligation.solution_id.in_(solution_ids))
    if status is not None:
        query = query.where(SolutionObligation.status == status)
    if overdue is not None:
        clause = and_(*overdue_clause(today))
        query = query.where(clause if overdue else not_(clause))
    return query.order_by(SolutionObligation.due_on, SolutionObligation.id)


def overdue_clause(today: date) -> tuple:
    return (SolutionObligation.current.is_(True), SolutionObligation.due_on.is_not(None),
            SolutionObligation.due_on < today,
            or_(SolutionObligation.status.in_((rules.OPEN, rules.IN_PROGRESS)),
                and_(SolutionObligation.status == rules.NOT_APPLICABLE,
                     SolutionObligation.confirmed_by_id.is_(None))))


def _overdue_query(today) -> Select:
    return (select(SolutionObligation, Solution).join(Solution, Solution.id == SolutionObligation.solution_id)
            .where(*overdue_clause(today), Solution.phase != "retired")
            .order_by(SolutionObligation.due_on, SolutionObligation.id).limit(50))


def overdue_for_start_page(user, today: date) -> list[tuple[SolutionObligation, Solution]]:
    """Overdue obligations on the start page: an owner's own solutions, every solution for compliance."""

    if user.role == COMPLIANCE:  # the same statement for every request: built once (the day given)
        built = statements.built("obligations.overdue.start",
                                 lambda _kind: _overdue_query(bindparam("today", type_=Date)))
        return [(row, solution) for row, solution in db.session.execute(built, {"today": today}).all()]
    query = _overdue_query(today)
    if user.role == OWNER:
        mine = visible_solutions_query(user).with_only_columns(Solution.id)

        co_owned = select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == user.id)
        query = query.where(SolutionObligation.solution_id.in_(mine),
                            or_(Solution.owner_id == user.id, Solution.id.in_(co_owned)))
    elif user.role != COMPLIANCE:
        return []
    return [(row, solution) for row, solution in db.session.execute(query).all()]
