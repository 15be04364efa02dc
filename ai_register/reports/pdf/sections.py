"""The traceability report's record sections, one writer each: identity, lifecycle, classifications,
obligations, human oversight, goals and benefit, evidence, the trustworthy-AI assessment, continuity,
incidents and reviews. `WRITERS` maps a section's name to its writer (as `reports/deployer_sections.py` does
for the deployer-duty records)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flask_babel import gettext
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ai_register import formats
from ai_register.classification.labels import cite
from ai_register.formats import translated
from ai_register.portfolio import trustworthy
from ai_register.reports.labels import IDENTITY_FIELDS, MONITOR_LABELS, VALUE_LABELS
from ai_register.reports.pdf import codes
from ai_register.reports.pdf.blocks import Blocks
from ai_register.reports.pdf.goal_chart import GoalChart, benefit_in_words, chart_legend
from ai_register.solutions.labels import evidence_label


def _identity(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_identity")
    solution = report["solution"]
    rows = []
    for key, label in IDENTITY_FIELDS:
        value = solution.get(key)
        if key == "phase":
            value = b.label(solution.get("phase_label"), value)
        elif key == "status":
            value = b.label(solution.get("status_label"), value)
        elif key == "current_ai_act_category":
            value = b.category(value) if value else None
        elif key in VALUE_LABELS and value in VALUE_LABELS[key]:
            value = translated(VALUE_LABELS[key][value], b.lang)
        rows.append((translated(label, b.lang), b.show(value)))
    yield b.pairs(rows)


def _lifecycle(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_lifecycle")
    life = report["lifecycle"]
    yield from b.h2(f"{number}.1", b.t("phase_history"))
    yield b.table([b.t("phase"), b.t("status"), b.t("from"), b.t("until"), b.t("action"), b.t("reason")],
                  ([b.label(p.get("label"), p.get("phase")), b.label(p.get("status_label"), p.get("status")),
                    b.show(p.get("from")), b.show(p.get("until")), codes.action(p.get("action")),
                    b.show(p.get("reason"))]
                   for p in life["phase_history"]),
                  [16, 10, 18, 18, 12, 26])
    yield from b.h2(f"{number}.2", b.t("transitions"))
    yield b.table([b.t("to"), b.t("status"), b.t("requested"), b.t("by"), b.t("decided"), b.t("by"),
                   b.t("reason")],
                  ([f"{codes.phase(t.get('from_phase'))} → {codes.phase(t.get('to_phase'))}",
                    b.code(codes.request_status, t.get("status")),
                    b.show(t.get("requested_at")), b.show(t.get("requested_by")), b.show(t.get("decided_at")),
                    b.show(t.get("decided_by")),
                    " / ".join(x for x in (t.get("reason"), t.get("decision_reason")) if x) or "—"]
                   for t in life["transitions"]),
                  [18, 10, 15, 13, 15, 13, 26])
    yield from b.h2(f"{number}.3", b.t("decisions"))
    yield b.table([b.t("kind"), b.t("date"), b.t("by"), b.t("status"), b.t("rationale")],
                  ([b.label(d.get("kind_label"), d.get("kind")), b.show(d.get("decided_on")),
                    b.show(d.get("decided_by")),
                    f"{codes.status(d.get('status_before'))} → {codes.status(d.get('status_after'))}",
                    b.show(d.get("rationale"))] for d in life["decisions"]),
                  [13, 12, 16, 16, 43])
    yield from b.h2(f"{number}.4", b.t("rollout_plan"))
    yield b.table([b.t("unit"), b.t("planned_start"), b.t("actual_start")],
                  ([u.get("name"), b.show(u.get("planned_start")), b.show(u.get("actual_start"))]
                   for u in life["rollout_plan"]), [50, 25, 25])
    checklist = life["decommissioning_checklist"]
    if life["phase"] in ("decommissioning", "retired") or any(i.get("done") for i in checklist):
        yield from b.h2(f"{number}.5", b.t("checklist"))
        yield b.table([b.t("item"), b.t("done"), b.t("by"), b.t("note")],
                      ([b.label(i.get("label"), i.get("key")), b.show(bool(i.get("done"))),
                        b.show(i.get("done_by")), b.show(i.get("note"))] for i in checklist),
                      [40, 10, 20, 30])


def _classifications(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_classifications")
    section = report["classifications"]
    current = section.get("current")
    if current and current.get("version") is not None:
        device_class = current.get("effective_device_class")
        yield b.para(f"{b.t('current_classification')}: {b.t('version').lower()} {current['version']} · "
                     f"{b.category(current.get('effective_category'))}"
                     + (f" · {device_class}" if device_class else "")
                     + f" · {b.t('valid') if current.get('valid') else codes.invalid_reason(current.get('reason'))}")
    if not section["versions"]:
        yield b.para(b.t("none"), "muted")
    for i, version in enumerate(reversed(section["versions"]), start=1):
        yield from b.h2(f"{number}.{i}",
                        f"{b.t('version')} {version.get('version')} · "
                        f"{b.code(codes.review_status, version.get('status'))}")
        ruleset = version.get("ruleset") or {}
        device = (version.get("result") or {}).get("medical_device") or {}
        ai_act = (version.get("result") or {}).get("ai_act") or {}
        yield b.pairs([
            (b.t("category"), b.category(version.get("effective_category"))
             + (f" (engine: {b.category(version.get('engine_category'))})"
                if version.get("effective_category") != version.get("engine_category") else "")),
            (b.t("routes"), ", ".join(codes.route(r) for r in ai_act.get("routes") or []) or "—"),
            (b.t("art50"), ", ".join(codes.transparency(r) for r in ai_act.get("transparency") or []) or "—"),
            (b.t("device_class"), codes.device(device.get("regulation"), version.get("effective_device_class"))),
            (b.t("ruleset"), f"{ruleset.get('version')} · {ruleset.get('sha256')}"),
            (b.t("answered_by"),
             f"{b.show(version.get('answered_by'))} · {b.show(version.get('created_at'))}"),
            (b.t("reviewed_by"),
             f"{b.show(version.get('reviewed_by'))} · {b.show(version.get('reviewed_at'))}"),
            (b.t("justification"), b.show(version.get("review_justification"))),
        ])
        answers = version.get("answers") or {}
        yield Spacer(1, 2 * mm)
        yield b.table([b.t("question"), b.t("answer")],
                      ([row["text"], row["answer"]] for row in codes.answer_rows(answers)), [55, 45], small=True)
        yield Spacer(1, 2 * mm)
        explain = codes.rule_explainer()
        yield b.table([b.t("fired_rules"), b.t("citation")],
                      ([explain(r.get("id")), cite(r.get("citation"))]
                       for r in version.get("fired_rules") or []),
                      [60, 40], small=True)


def _obligations(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_obligations")
    section = report["obligations"]
    yield b.table([b.t("obligation"), b.t("role"), b.t("citation"), b.t("applies_from"), b.t("status")],
                  ([codes.obligation_text(o), b.code(codes.ai_act_role, o.get("role")), cite(o.get("citation")),
                    b.show(o.get("applies_from")),
                    b.t(o["status"]) if o.get("status") in ("applies", "upcoming") else o.get("status")]
                   for o in section["items"]), [40, 11, 22, 13, 14])
    yield from b.h2(f"{number}.1", b.t("required_evidence"))
    yield b.table([b.t("type"), b.t("basis"), b.t("status")],
                  ([b.label(e.get("label"), e.get("type")), formats.joined_text(e.get("basis")),
                    b.t(e["status"])]
                   for e in section["required_evidence"]), [38, 44, 18])


HISTORY_DATES = (("accepted", "accepted_on"), ("confirmed", "confirmed_on"), ("ended", "ended_at"))
BENEFIT_FIELDS = ("currency", "one_off_cost", "yearly_cost", "yearly_savings", "hours_freed_per_year",
                  "hourly_cost", "assumptions")


def _party(b: Blocks, party: Mapping[str, Any] | None) -> str:
    if not party:
        return "—"
    return ", ".join(str(p) for p in (party.get("name"), party.get("title"), party.get("unit")) if p)


def _oversight(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_oversight")
    section = report["oversight"]
    current = section.get("current")
    if current:
        monitors = [translated(label, b.lang) for key, label in MONITOR_LABELS.items() if current.get(key)]
        yield b.pairs([
            (b.t("oversight_owner"), _party(b, current.get("owner"))),
            (b.t("deputy"), _party(b, current.get("deputy"))),
            (b.t("authority"), b.show(current.get("authority_to_suspend"))),
            (b.t("monitors"), "; ".join(monitors) or "—"),
            (b.t("competence"), b.show(current.get("competence"))),
            (b.t("training"), b.show(current.get("training"))),
            (b.t("training_done"), b.show(current.get("training_completed_on"))),
            (b.t("accepted"), b.show(current.get("accepted_on"))),
            (b.t("confirmed"), b.show(current.get("confirmed_on"))),
            (b.t("started"), b.show(current.get("started_at"))),
        ])
    else:
        yield b.para(b.t("none"), "muted")
    yield from b.h2(f"{number}.1", b.t("oversight_history"))
    yield b.table([b.t("oversight_owner"), b.t("started"), b.t("ended"), b.t("accepted"), b.t("confirmed")],
                  ([_party(b, a.get("owner")) + (f" ({b.t('current')})" if a.get("current") else ""),
                    b.show(a.get("started_at")), b.show(a.get("ended_at")), b.show(a.get("accepted_on")),
                    b.show(a.get("confirmed_on"))] for a in section["assignments"]), [36, 17, 17, 15, 15])
    yield Spacer(1, 2 * mm)
    yield b.table([b.t("date"), b.t("action"), b.t("oversight_owner"), b.t("details")],
                  ([b.show(h.get("occurred_at")), codes.action(h.get("action")), _party(b, h.get("owner")),
                    "; ".join(f"{b.t(k)}: {b.show(h.get(v))}" for k, v in HISTORY_DATES if h.get(v))]
                   for h in section["history"]), [17, 12, 35, 36], small=True)


def _goals(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_goals")
    section = report["goals"]
    yield b.table([b.t("perspective"), b.t("goal"), b.t("indicator"), b.t("baseline"), b.t("target"),
                   b.t("latest")],
                  ([b.label(g.get("perspective_label"), g.get("perspective")), g.get("title"),
                    b.show(g.get("indicator")) + (f" ({g['unit']})" if g.get("unit") else ""),
                    b.number(g.get("baseline")), b.number(g.get("target")),
                    b.number(g.get("latest_value")) + ("" if g.get("target_met") is None else
                                                        (" ✓" if g.get("target_met") else " ✗"))]
                   for g in section["items"]), [15, 22, 23, 14, 12, 14])
    sub = 0
    for goal in section["items"]:
        if not goal.get("measurements"):
            continue
        sub += 1
        yield from b.h2(f"{number}.{sub}", f"{b.t('measurements')}: {goal.get('title')}")
        chart = GoalChart(goal, b.lang, b.width * 0.62)
        yield KeepTogether([chart, b.para(chart_legend(goal, b.lang), "small"), Spacer(1, 2 * mm)])
        yield b.table([b.t("date"), b.t("value"), b.t("by"), b.t("note")],
                      ([b.show(m.get("measured_on")), b.number(m.get("value")), b.show(m.get("recorded_by")),
                        b.show(m.get("note"))] for m in goal["measurements"]), [16, 18, 22, 44], small=True)
    benefit = section.get("benefit_estimate")
    if benefit:
        yield from b.h2(f"{number}.{sub + 1}", b.t("benefit"))
        yield b.para(benefit_in_words(benefit, b.lang))
        if benefit.get("assumptions"):
            yield Spacer(1, 1.5 * mm)
            yield b.para(gettext("Assumptions: %(text)s", text=benefit["assumptions"]))
        changed = benefit.get("updated_at") or benefit.get("created_at")
        if changed:
            yield b.para(gettext("Last changed %(moment)s (version %(count)s).",
                                 moment=b.show(changed), count=benefit.get("versions") or 1), "muted")


def _evidence(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_evidence")

    def validity(e: Mapping[str, Any]) -> str:
        if e.get("superseded"):
            return b.t("superseded")
        if e.get("expired"):
            return b.t("expired")
        return b.t("valid") if e.get("valid_on_report_date") else "—"

    yield b.table([b.t("type"), b.t("title_col"), b.t("reference"), b.t("issued"), b.t("expires"),
                   b.t("validity")],
                  ([b.label(e.get("type_label"), e.get("type")), e.get("title"), b.show(e.get("reference")),
                    b.show(e.get("issued_on")), b.show(e.get("expires_on")), validity(e)]
                   for e in report["evidence"]), [22, 26, 18, 11, 11, 12])


def _trustworthy(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_trustworthy_assessment")
    section = report["trustworthy_assessment"]
    latest = section.get("latest")
    if not latest:
        yield b.para(b.t("none"), "muted")
        return
    yield b.pairs([(b.t("assessed"), b.show(latest.get("assessed_on"))),
                   (b.t("assessed_by"), b.show(latest.get("assessed_by"))),
                   (b.t("summary"), b.show(latest.get("summary"))),
                   (b.t("versions"), str(section.get("versions", 1)))])
    yield Spacer(1, 2 * mm)
    answers = latest.get("answers") or {}
    rows = []
    for requirement in trustworthy.REQUIREMENTS:
        item = answers.get(requirement.key) if isinstance(answers.get(requirement.key), Mapping) else {}
        answer = trustworthy.ANSWER_LABELS.get(item.get("answer"))
        rows.append([gettext(requirement.name), gettext(answer) if answer else "—",
                     b.show(item.get("evidence")), b.show(item.get("open_actions"))])
    yield b.table([b.t("requirement"), b.t("assessment"), b.t("basis"), b.t("open_actions")], rows,
                  [27, 16, 30, 27])


def _continuity(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_continuity")
    section = report["continuity"]
    critical = section.get("critical_for_patient_care")
    yield b.pairs([
        (b.t("critical"), b.t("not_stated") if critical is None else b.show(critical)),
        (b.t("max_outage"), b.show(section.get("max_tolerable_outage_hours"))),
        (b.t("plan_tested"), b.show(section.get("recovery_plan_tested_on"))),
    ])
    yield Spacer(1, 2 * mm)
    yield b.table([b.t("type"), b.t("title_col"), b.t("issued"), b.t("expires"), b.t("validity")],
                  ([evidence_label(e.get("type")), e.get("title"),
                    b.show(e.get("issued_on")), b.show(e.get("expires_on")),
                    b.t("valid") if e.get("valid_on_report_date") else b.t("expired")]
                   for e in section.get("evidence") or []), [24, 36, 13, 13, 14])


def _incidents(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_incidents")
    incidents = report["incidents"]
    yield b.table([b.t(k) for k in ("date", "what_happened", "unit", "harm", "serious", "status")],
                  ([b.show(i.get("occurred_at")), i.get("what_happened"), b.show(i.get("care_unit")),
                    b.value("patient_harm", i.get("patient_harm")), b.show(i.get("serious")),
                    b.value("status", i.get("status"), "incident")]
                   for i in incidents), [14, 33, 19, 13, 9, 12])
    sub = 0
    for incident in incidents:
        if not incident.get("duties"):
            continue
        sub += 1
        yield from b.h2(f"{number}.{sub}", f"{b.t('duties')}: {b.show(incident.get('occurred_at'))}")
        yield b.table([b.t("recipient"), b.t("citation"), b.t("due"), b.t("status"), b.t("reference")],
                      ([codes.recipient(d.get("recipient"), b.lang), cite(d.get("citation")),
                        b.show(d.get("due_at")),
                        codes.duty_status(d.get("status")), b.show(d.get("reference"))] for d in incident["duties"]),
                      [18, 34, 18, 12, 18], small=True)


def _reviews(b: Blocks, number: str, report, events, names) -> Iterator[Flowable]:
    yield from b.h1(number, "s_reviews")
    yield b.table([b.t("date"), b.t("outcome"), b.t("checked"), b.t("note"), b.t("by"), b.t("next_review")],
                  ([b.show(r.get("reviewed_on")), codes.review_outcome(r.get("outcome")), b.show(r.get("checked")),
                    b.show(r.get("notes")), b.show(r.get("reviewed_by")), b.show(r.get("next_review_on"))]
                   for r in report["reviews"]), [12, 15, 20, 27, 14, 12])


WRITERS: dict[str, Callable] = {
    "identity": _identity,
    "lifecycle": _lifecycle,
    "classifications": _classifications,
    "obligations": _obligations,
    "oversight": _oversight,
    "goals": _goals,
    "evidence": _evidence,
    "trustworthy_assessment": _trustworthy,
    "continuity": _continuity,
    "incidents": _incidents,
    "reviews": _reviews,
}
