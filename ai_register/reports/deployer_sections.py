"""The traceability report's sections for the deployer-duty records (issue 21): obligation records,
FRIA versions, AI-literacy measures and the supplier's records. Kept apart from pdf.py so the report's layout
work merges."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.platypus import Flowable


def _obligation_records(b, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_obligation_records")
    rows = report["obligation_records"]
    entity = "solution_obligation"
    yield b.table([b.t("citation"), b.t("obligation_status"), b.t("due"), b.t("met_by"), b.t("confirmed_by"),
                   b.t("listed_now")],
                  ([b.show(r.get("citation") or b.value("obligation_id", r.get("obligation_id"), entity)),
                    b.value("status", r.get("status"), "solution_obligation")
                    + (f" · {r['not_applicable_reason']}" if r.get("not_applicable_reason") else ""),
                    b.show(r.get("due_on")),
                    f"#{r['evidence_id']}" if r.get("evidence_id") else
                    (f"{b.value('record_type', r.get('record_type'), 'solution_obligation')} #{r['record_id']}"
                     if r.get("record_type") else "—"),
                    (f"{b.show(r.get('confirmed_by'))} {b.show(r.get('confirmed_at'))}" if r.get("confirmed_by")
                     else "—"),
                    b.show(r.get("current"))]
                   for r in rows), [26, 20, 11, 15, 18, 10], small=True)


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
                from ai_register.web.labels import field_label

                yield b.para(f"{field_label(name)}: {latest[name]}", "small")


def _literacy(b, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_literacy")
    yield b.table([b.t("date"), b.t("kind"), b.t("title_col"), b.t("care_units"), b.t("reached")],
                  ([b.show(m.get("held_on")), b.value("kind", m.get("kind"), "literacy_measure"),
                    b.show(m.get("title")),
                    ", ".join(m.get("care_units") or []) or "—", b.show(m.get("reached"))]
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
        (b.t("processing_countries"), b.show(supplier.get("processing_countries"))
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


WRITERS = {"obligation_records": _obligation_records, "fria": _fria, "literacy": _literacy, "suppliers": _suppliers}
