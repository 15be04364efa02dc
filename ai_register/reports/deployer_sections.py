"""The traceability report's sections for the deployer-duty records (issue 21): obligation records,
FRIA versions, AI-literacy measures and the supplier's records. Kept apart from pdf/sections.py so the report's layout
work merges."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.platypus import Flowable

from ai_register import formats
from ai_register.audit.record_labels import field_label
from ai_register.classification.labels import cite


def _monitoring_record(b, report, record_id) -> str | None:
    """A monitoring metric meeting an obligation (Art 26(5)), by its name and the provider's stated value it
    compares with (and the instructions for use stating it), from the report's own monitoring and supplier
    sections (as held on the report's date)."""
    metrics = (report.get("monitoring") or {}).get("metrics") or []
    found = next((m for m in metrics if m.get("id") == record_id), None)
    if found is None:
        return None
    unit = f" {found['unit']}" if found.get("unit") else ""
    stated = (f" · {b.t('stated_by_provider')} {b.number(found.get('stated_value'))}{unit}"
              if found.get("stated_value") is not None else "")
    documents = (report.get("suppliers") or {}).get("documents") or []
    title = next((d.get("title") for d in documents if d.get("id") == found.get("stated_document_id")), None)
    return f"{found.get('name')}{stated}" + (f" ({title})" if title else "")


def _own_record(b, report, record_type, record_id) -> str | None:
    """One of the solution's own records meeting an obligation, by what it says, from the report's sections
    (None: not found there)."""
    def find(rows):
        return next((r for r in rows or [] if r.get("id") == record_id), None)

    held = report.get("monitoring") or {}
    if record_type == "fria":
        found = find(report.get("fria"))
        return found and f"{b.t('fria_version')} {found.get('version')}"
    if record_type == "oversight_assignment":
        found = find((report.get("oversight") or {}).get("assignments"))
        owner = found and found.get("owner")
        return found and f"{b.show(owner.get('name') if isinstance(owner, dict) else owner)} " \
            f"({b.show(found.get('started_at'))})"
    if record_type == "informing_record":
        found = find(held.get("informing"))
        return found and (f"{b.value('kind', found.get('kind'), 'informing_record')} "
                          f"({b.show(found.get('informed_on'))})")
    if record_type == "log_retention":
        found = find(held.get("log_retention"))
        return found and (f"{found.get('system')} · {b.t('retention_months')}: "
                          f"{b.show(found.get('retention_months'))}")
    if record_type == "literacy_measure":
        found = find(report.get("literacy"))
        return found and f"{found.get('title')} ({b.show(found.get('held_on'))})"
    if record_type == "monitoring_metric":
        return _monitoring_record(b, report, record_id)
    return _supplier_record(report, record_type, record_id)


def _supplier_record(report, record_type, record_id) -> str | None:
    """A supplier document or product version meeting an obligation, by its title or registration, from the
    report's own supplier section (None: not the solution's supplier records)."""
    held = report.get("suppliers") or {}
    if record_type == "supplier_document":
        found = next((d for d in held.get("documents") or [] if d.get("id") == record_id), None)
        return found and f"{found.get('title')}" + (f" ({found['reference']})" if found.get("reference") else "")
    product = held.get("product") or {}
    if record_type == "supplier_product" and product.get("id") == record_id:
        return f"{product.get('product')} {product.get('product_version')}: {product.get('eu_database_number')}"
    return None


def _obligation_records(b, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_obligation_records")
    rows = report["obligation_records"]
    entity = "solution_obligation"

    def record(r) -> str:
        kind = b.value("record_type", r.get("record_type"), entity)
        named = _own_record(b, report, r.get("record_type"), r.get("record_id"))
        return f"{kind}: {named}" if named else f"{kind} #{r['record_id']}"
    yield b.table([b.t("citation"), b.t("obligation_status"), b.t("due"), b.t("met_by"), b.t("confirmed_by"),
                   b.t("listed_now")],
                  ([cite(r["citation"]) if r.get("citation") else b.value("obligation_id", r.get("obligation_id"),
                                                                           entity),
                    b.value("status", r.get("status"), "solution_obligation")
                    + (f" · {r['not_applicable_reason']}" if r.get("not_applicable_reason") else ""),
                    b.show(r.get("due_on")),
                    f"#{r['evidence_id']}" if r.get("evidence_id") else
                    record(r) if r.get("record_type") else "—",
                    (f"{b.show(r.get('confirmed_by'))} {b.show(r.get('confirmed_at'))}" if r.get("confirmed_by")
                     else "—"),
                    b.show(r.get("current"))]
                   for r in rows), [24, 17, 11, 22, 16, 10], small=True)


def _fria(b, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_fria")
    versions = report["fria"]
    yield b.table([b.t("fria_version"), b.t("status"), b.t("approved_by"), b.t("risks_count")],
                  ([str(v.get("version")), b.value("status", v.get("status"), "fria"),
                    f"{b.show(v.get('reviewed_by'))} {b.show(v.get('reviewed_at'))}" if v.get("reviewed_by") else "—",
                    str(len(v.get("risks") or []))] for v in versions), [15, 20, 45, 20])
    latest = next((v for v in sorted(versions, key=lambda v: -(v.get("version") or 0))
                   if v.get("status") == "approved"), None)
    if latest:
        for name in ("processes", "period_and_frequency", "affected_persons", "provider_information",
                     "oversight_measures", "materialisation_measures", "internal_governance",
                     "complaint_mechanisms", "dpia_complement"):
            if latest.get(name):
                yield b.para(f"{field_label(name)}: {latest[name]}", "small")


def _literacy(b, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_literacy")
    yield b.table([b.t("date"), b.t("kind"), b.t("title_col"), b.t("care_units"), b.t("reached")],
                  ([b.show(m.get("held_on")), b.value("kind", m.get("kind"), "literacy_measure"),
                    b.show(m.get("title")),
                    ", ".join(m.get("care_units") or []) or (b.t("region_wide_measure") if m.get("solution_id") is None
                                                             else "—"), b.show(m.get("reached"))]
                   for m in report["literacy"]), [13, 17, 40, 20, 10])


def _suppliers(b, number: str, report, events, names) -> Iterator[Flowable]:
    """The supplier's records of the product version the solution uses (suppliers/report.py)."""
    yield from b.h1(number, "s_suppliers")
    data = report["suppliers"]
    supplier, product = data["supplier"], data["product"]
    vigilance = [c for c in supplier.get("contacts") or [] if c.get("role") == "vigilance"]
    transfer = b.value("transfer_basis", supplier.get("transfer_basis"), "supplier")
    yield b.pairs([
        (b.t("supplier"), f"{supplier.get('name')} ({b.show(supplier.get('org_number'))})"),
        (b.t("vigilance_contact"), "; ".join(", ".join(v for v in (c.get("name"), c.get("email"), c.get("phone")) if v)
                                             for c in vigilance) or "—"),
        (b.t("processing_countries"), (formats.countries(supplier.get("processing_countries"), b.lang) or "—")
         + (f" · {b.t('transfer_basis')}: {transfer}" if supplier.get("outside_eu_eea") else "")),
        (b.t("product_version"), f"{product.get('product')} {product.get('product_version')}"),
        (b.t("device"), " ".join(v for v in (b.value("device_regulation", product.get("device_regulation"),
                                                      "supplier_product") if product.get("device_regulation") else "",
                                             product.get("device_class") or "") if v) or "—"),
        (b.t("eu_database_number"), b.show(product.get("eu_database_number"))),
        (b.t("art6_3_claimed"), b.show(bool(product.get("art6_3_exemption_claimed")))),
    ])
    yield b.table([b.t("kind"), b.t("title_col"), b.t("signed_or_issued"), b.t("valid_until"), b.t("notified_body"),
                   b.t("doc_state")],
                  ([b.value("kind", d.get("kind"), "supplier_document"),
                    f"{b.show(d.get('title'))}" + (f" ({d['reference']})" if d.get("reference") else ""),
                    b.show(d.get("issued_on")), b.show(d.get("valid_until")),
                    (f"{d['notified_body_name']} ({b.show(d.get('notified_body_number'))})"
                     if d.get("notified_body_name") else "—"),
                    b.t(f"doc_{d['state']}") if d.get("state") else b.t("doc_valid")]
                   for d in data["documents"]), [18, 28, 12, 12, 18, 12], small=True)


def _monitoring(b, number: str, report, events, names) -> Iterator[Flowable]:
    """Monitoring in operation (Art 26(5), (6)) and informing the people concerned (Art 26(7), (11), Art 86)."""
    held = report["monitoring"]
    yield from b.h1(number, "s_monitoring")
    metrics = {m.get("id"): m for m in held["metrics"]}

    def name_of(metric_id) -> str:
        return b.show((metrics.get(metric_id) or {}).get("name"))

    def thresholds(row) -> str:
        return f"{b.number(row.get('lower_threshold'))} – {b.number(row.get('upper_threshold'))}"

    def person(value) -> str:
        return b.show(value.get("name") if isinstance(value, dict) else value)

    yield b.para(b.t("metrics"), "h2")
    yield b.table([b.t("metric"), b.t("kind"), b.t("thresholds"), b.t("frequency"), b.t("values_reported")],
                  ([b.show(m.get("name")) + ("" if m.get("active", True) else f" ({b.value('active', False)})"),
                    b.value("kind", m.get("kind"), "monitoring_metric"), thresholds(m) + (
                        f" {m['unit']}" if m.get("unit") else "") + (
                        f" · {b.t('stated_by_provider')} {b.number(m.get('stated_value'))}"
                        if m.get("stated_value") is not None else ""),
                    b.value("frequency", m.get("frequency"), "monitoring_metric"),
                    str(sum(1 for v in held["values"] if v.get("metric_id") == m.get("id")))]
                   for m in held["metrics"]), [34, 18, 18, 15, 15], small=True) if held["metrics"] \
        else b.para(b.t("none_recorded"), "small")
    if held["values"]:
        yield b.para(b.t("values_reported"), "h2")
        yield b.table([b.t("metric"), b.t("period_end"), b.t("value"), b.t("thresholds"), b.t("reported_by")],
                      ([name_of(v.get("metric_id")), b.show(v.get("period_end")),
                        b.number(v.get("value")) + (f" · {b.value('breach', v['breach'], 'monitoring_value')}"
                                                  if v.get("breach") else ""),
                        thresholds(v), f"{person(v.get('reported_by'))} {b.show(v.get('reported_at'))}"]
                       for v in held["values"]), [30, 14, 22, 14, 20], small=True)
    if held["assessments"]:
        yield b.para(b.t("breaches_assessed"), "h2")
        values = {v.get("id"): v for v in held["values"]}
        yield b.table([b.t("metric"), b.t("value"), b.t("due"), b.t("decision"), b.t("assessed_by")],
                      ([name_of(a.get("metric_id")), b.number((values.get(a.get("value_id")) or {}).get("value")),
                        b.show(a.get("due_on")),
                        b.value("status", a.get("status"), "monitoring_assessment")
                        + (f" · #{a['incident_id']}" if a.get("incident_id") else "")
                        + (f" · {a['reason']}" if a.get("reason") else ""),
                        f"{person(a.get('decided_by'))} {b.show(a.get('decided_at'))}" if a.get("decided_by")
                        else person(a.get("assignee"))]
                       for a in held["assessments"]), [22, 12, 12, 34, 20], small=True)
    yield b.para(b.t("log_retention"), "h2")
    yield b.table([b.t("log_system"), b.t("log_location"), b.t("retention_months"), b.t("legal_basis"),
                   b.t("recorded")],
                  ([b.show(r.get("system")), b.show(r.get("location")), b.show(r.get("retention_months")),
                    b.show(r.get("legal_basis")), f"{person(r.get('recorded_by'))} {b.show(r.get('recorded_at'))}"]
                   for r in held["log_retention"]), [20, 30, 10, 20, 20], small=True) if held["log_retention"] \
        else b.para(b.t("none_recorded"), "small")
    if held["informing"]:
        yield b.para(b.t("informing"), "h2")
        yield b.table([b.t("date"), b.t("kind"), b.t("informed"), b.t("mbl")],
                      ([b.show(r.get("informed_on")), b.value("kind", r.get("kind"), "informing_record"),
                        f"{b.show(r.get('audience'))}: {b.show(r.get('how'))}",
                        (f"{b.show(r.get('negotiated_on'))} · "
                         f"{b.value('negotiation_outcome', r.get('negotiation_outcome'), 'informing_record')} · "
                         f"{b.show(r.get('negotiation_parties'))}") if r.get("negotiated_on") else "—"]
                       for r in held["informing"]), [12, 22, 40, 26], small=True)
    if held["explanation_requests"]:
        yield b.para(b.t("explanation_requests"), "h2")
        yield b.table([b.t("received"), b.t("kind"), b.t("summary"), b.t("due"), b.t("answered")],
                      ([b.show(r.get("received_on")), b.value("channel", r.get("channel"), "explanation_request"),
                        b.show(r.get("summary")), b.show(r.get("due_on")),
                        f"{b.show(r.get('answered_on'))} · {person(r.get('answered_by'))}" if r.get("answered_on")
                        else "—"]
                       for r in held["explanation_requests"]), [12, 14, 42, 12, 20], small=True)


WRITERS = {"obligation_records": _obligation_records, "fria": _fria, "literacy": _literacy, "suppliers": _suppliers,
           "monitoring": _monitoring}
