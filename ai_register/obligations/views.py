"""Web pages of a solution's obligations: the list with status and due dates, the status form, and
compliance's confirmation of a reason that an obligation does not apply."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ai_register import formats
from ai_register.evidence import services as evidence_services
from ai_register.exceptions import InvalidInput, Stale
from ai_register.extensions import db
from ai_register.fria.services import versions_of
from ai_register.literacy.models import LiteracyMeasure
from ai_register.monitoring.labels import INFORMING_LABELS
from ai_register.monitoring.models import MonitoringMetric
from ai_register.monitoring.services import informing_for, retention_for
from ai_register.obligations import rules, services
from ai_register.obligations.forms import ObligationForm
from ai_register.obligations.labels import RECORD_LABELS, STATUS_LABELS
from ai_register.oversight.models import OversightAssignment
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import services as suppliers
from ai_register.suppliers.labels import DOCUMENT_LABELS
from ai_register.suppliers.models import SupplierDocument, SupplierProduct
from ai_register.web.forms import options, show_errors

bp = Blueprint("obligations_web", __name__, template_folder="templates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)


def _context() -> dict:
    return {"status_label": lambda s: STATUS_LABELS.get(s, s), "text_of": services.text_of,
            "record_label": lambda t: RECORD_LABELS.get(t, t), "is_closed": rules.is_closed,
            "record_met_by": _record_met_by}


def _supplier_text(record_type: str, record) -> str:
    if record_type == services.SUPPLIER_PRODUCT:
        return _("EU-database registration %(number)s of %(product)s %(version)s", number=record.eu_database_number,
                 product=record.product, version=record.product_version)
    return _("%(kind)s: %(title)s (%(supplier)s)", kind=DOCUMENT_LABELS.get(record.kind, record.kind),
             title=record.title, supplier=record.supplier.name)


def _metric_text(metric: MonitoringMetric) -> str:
    unit = f" {metric.unit}" if metric.unit else ""
    stated = f"{formats.number(metric.stated_value)}{unit}" if metric.stated_value is not None else "—"
    return _("Monitoring: %(metric)s against the provider's stated %(stated)s (%(document)s)", metric=metric.name,
             stated=stated, document=metric.stated_document.title if metric.stated_document else "—")


def _literacy_text(measure: LiteracyMeasure) -> str:
    if measure.solution_id is None:
        return _("AI literacy, region-wide: %(title)s (%(day)s)", title=measure.title,
                 day=formats.day(measure.held_on))
    return _("AI literacy: %(title)s (%(day)s)", title=measure.title, day=formats.day(measure.held_on))


def _record_met_by(row, solution) -> dict | None:
    """The record meeting the obligation, as the list shows it (by its words, not its id): its words, and
    whether it has stopped counting since (a document withdrawn or expired, a metric retired or no longer
    comparing with the instructions for use in force)."""
    if row.record_type == rules.LITERACY_MEASURE and row.record_id:
        measure = db.session.get(LiteracyMeasure, row.record_id)
        return {"text": _literacy_text(measure), "lapsed": False} if measure is not None else None
    if row.record_type == rules.MONITORING_METRIC and row.record_id:
        metric = db.session.get(MonitoringMetric, row.record_id)
        if metric is None:
            return None
        return {"text": _metric_text(metric),
                "lapsed": bool(services.metric_errors(solution, row.obligation_id, metric))}
    if row.record_type in rules.OWN_RECORD_TYPES and row.record_id:
        record = db.session.get(services.record_models()[row.record_type], row.record_id)
        if record is None:
            return None
        # Chosen before the fit check (or by a rule change since): kept as it is, flagged for someone to look at.
        return {"text": _own_record_text(row.record_type, record), "lapsed": False,
                "unfit": not services.own_record_fits(row.obligation_id, row.record_type, record)}
    model = {services.SUPPLIER_DOCUMENT: SupplierDocument, services.SUPPLIER_PRODUCT: SupplierProduct}.get(
        row.record_type or "")
    record = db.session.get(model, row.record_id) if model is not None and row.record_id else None
    if record is None:
        return None
    lapsed = isinstance(record, SupplierDocument) and not suppliers.in_force(record, region_today())
    return {"text": _supplier_text(row.record_type, record), "lapsed": lapsed}


def _own_record_text(record_type: str, record) -> str:
    """One of the solution's own records as the choice and the list name it."""
    if record_type == "oversight_assignment":
        return _("Human-oversight assignment from %(day)s", day=record.started_at.date().isoformat())
    if record_type == "fria":
        return _("FRIA version %(n)d (approved)", n=record.version)
    if record_type == "informing_record":
        return _("%(kind)s, %(day)s", kind=INFORMING_LABELS[record.kind], day=record.informed_on.isoformat())
    return _("Log retention: %(n)d months in %(system)s", n=record.retention_months, system=record.system)


def _met_by_choices(solution, row) -> list:
    pairs = [("", _("Nothing yet"))]
    # The supplier register's documents that fit this obligation first: the provider's own proof.
    for record_type, record in services.supplier_records_for(solution, row.obligation_id, region_today()):
        pairs.append((f"{record_type}:{record.id}", _supplier_text(record_type, record)))
    # The region's monitoring against the instructions for use (Art 26(5)).
    for metric in services.monitoring_records_for(solution, row.obligation_id, region_today()):
        pairs.append((f"{rules.MONITORING_METRIC}:{metric.id}", _metric_text(metric)))
    for measure in services.literacy_records_for(solution, row.obligation_id):
        pairs.append((f"{rules.LITERACY_MEASURE}:{measure.id}", _literacy_text(measure)))
    for evidence in evidence_services.evidence_for(solution.id):
        pairs.append((f"evidence:{evidence.id}", _("Evidence: %(title)s", title=evidence.title)))
    own = [("oversight_assignment", a) for a in db.session.scalars(select(OversightAssignment).where(
        OversightAssignment.solution_id == solution.id).order_by(OversightAssignment.id.desc()))]
    own += [("fria", fria) for fria in versions_of(solution.id) if fria.status == "approved"]
    own += [("informing_record", record) for record in informing_for(solution.id)]
    own += [("log_retention", retention) for retention in retention_for(solution.id)[:1]]
    pairs += [(f"{record_type}:{record.id}", _own_record_text(record_type, record)) for record_type, record in own
              if services.own_record_fits(row.obligation_id, record_type, record)]
    return options(pairs)


@bp.get("/solutions/<int:solution_id>/obligations")
@access(*READERS)
def index(solution_id: int):
    solution = get_solution(solution_id, actor())
    rows = services.obligations_for(solution)
    return render_template("obligations/index.html", solution=solution, rows=rows, today=region_today(),
                           can_edit=can_write(solution, actor()) and solution.phase != "retired",
                           overdue=lambda row: services.is_overdue(row, region_today()), **_context())


def _edit_page(solution, row, form, status=200):
    return render_template("obligations/edit.html", solution=solution, row=row, form=form,
                           today=region_today(), **_context()), status


def _met_by_value(row) -> str:
    if row.evidence_id:
        return f"evidence:{row.evidence_id}"
    if row.record_type and row.record_id:
        return f"{row.record_type}:{row.record_id}"
    return ""


@bp.route("/solutions/<int:solution_id>/obligations/<string:obligation_id>", methods=["GET", "POST"])
@access(*WRITERS)
def edit(solution_id: int, obligation_id: str):
    solution = get_solution(solution_id, actor(), write=True)
    row = services.get_obligation(solution, obligation_id)
    if request.method == "GET":
        form = ObligationForm(formdata=None, status=row.status, note=row.note,
                              not_applicable_reason=row.not_applicable_reason)
        form.met_by.choices = _met_by_choices(solution, row)
        form.met_by.data = _met_by_value(row)
        return _edit_page(solution, row, form)
    form = ObligationForm()
    form.met_by.choices = _met_by_choices(solution, row)
    if not form.validate_on_submit():
        return _edit_page(solution, row, form, 422)
    try:
        services.require_if_match(row, f'"{request.form.get("version", "")}"')
        services.update_obligation(solution, row, form.values(), by=actor())
    except Stale:
        form.form_errors.append(_("Someone else changed the obligation meanwhile; check it and save again."))
        return _edit_page(solution, services.get_obligation(solution, obligation_id), form, 412)
    except InvalidInput as problem:
        if not problem.errors:
            raise
        show_errors(form, {("met_by" if k in ("evidence_id", "record_type", "record_id") else k): v
                           for k, v in problem.errors.items()})
        return _edit_page(solution, row, form, 422)
    flash(_("The obligation's status is saved."), "success")
    return redirect(url_for("obligations_web.index", solution_id=solution.id))


@bp.post("/solutions/<int:solution_id>/obligations/<string:obligation_id>/confirm")
@access(COMPLIANCE)
def confirm(solution_id: int, obligation_id: str):
    solution = get_solution(solution_id, actor(), write=True)
    row = services.get_obligation(solution, obligation_id)
    services.confirm_not_applicable(solution, row, (request.form.get("reason") or "").strip() or None,
                                    by=actor())
    flash(_("You confirmed that the obligation does not apply."), "success")
    return redirect(url_for("obligations_web.index", solution_id=solution.id))
