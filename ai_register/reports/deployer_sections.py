"""The traceability report's sections for the deployer-duty records (issue 21): obligation records,
FRIA versions and AI-literacy measures. Kept apart from pdf.py so the report's layout work merges."""

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


WRITERS = {"obligation_records": _obligation_records, "fria": _fria, "literacy": _literacy}
