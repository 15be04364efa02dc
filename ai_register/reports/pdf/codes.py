"""Codes as labels in the report's language. The one mapping from codes to labels is each area's
(`<area>/labels.py`, classification.results); the report is laid out inside force_locale, so each call reads the
report's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext

from ai_register import formats
from ai_register.audit import record_labels
from ai_register.classification import results
from ai_register.classification.labels import ai_act_role_label, device_label, review_label
from ai_register.classification.rulesets import active_ruleset
from ai_register.incidents.duties import recipient_label
from ai_register.reports.labels import N_
from ai_register.reports.pdf.blocks import Blocks
from ai_register.solutions.labels import phase_label, request_label, status_label


def action(code: Any) -> str:
    return record_labels.action_label(code) if code else "—"


def phase(code: Any) -> str:
    return phase_label(code) if code else "—"


def status(code: Any) -> str:
    return status_label(code) if code else "—"


def request_status(code: Any) -> str:
    return request_label(code)


def review_status(code: Any) -> str:
    return review_label(code)


def ai_act_role(code: Any) -> str:
    return ai_act_role_label(code)


def route(code: str) -> str:
    return results.route_label(code)


def transparency(code: str) -> str:
    return results.transparency_label(code)


def device(regulation: Any, device_class: Any) -> str:
    return device_label(regulation, device_class)


def invalid_reason(code: Any) -> str:
    return {
        "none_approved": gettext("No classification has been approved yet."),
        "flagged_for_review": gettext("The classification is flagged for re-review after a rule-set change."),
        "result_changed_under_current_ruleset": gettext(
            "The classification's result changes under the current rule set; it must be reviewed again."),
    }.get(code, gettext("No valid classification."))


def ruleset():
    return active_ruleset()


def answer_rows(answers: Mapping[str, Any]) -> list[dict]:
    """Each answered question by its text, each answer by its option's label (never the ids)."""

    rows = results.question_rows(answers, ruleset())
    shown = {row["id"] for row in rows}
    # An answer to a question the current questionnaire no longer asks keeps its stored value.
    rows += [{"text": qid.replace("_", " "), "answer": str(value)} for qid, value in answers.items()
             if qid not in shown]
    return rows


def rule_explainer() -> Callable[[Any], str]:
    explain = results.explainer(ruleset())
    return lambda rule_id: explain(rule_id) or str(rule_id)


def obligation_text(obligation: Mapping[str, Any]) -> str:
    texts = {o.id: o.text.in_language(formats.lang()) for o in ruleset().obligations}
    return texts.get(obligation.get("id")) or obligation.get("text") or str(obligation.get("id"))


def recipient(code: Any, lang: str) -> str:
    try:
        return gettext(recipient_label(code))
    except (KeyError, ValueError):
        return words(code)


DUTY_STATUSES = {"open": N_("open"), "done": N_("done"), "not_applicable": N_("not applicable")}
REVIEW_OUTCOMES = {"satisfactory": N_("Satisfactory"), "actions_required": N_("Actions required"),
                   "unsatisfactory": N_("Unsatisfactory")}


def duty_status(code: Any) -> str:
    return gettext(DUTY_STATUSES[code]) if code in DUTY_STATUSES else words(code)


def review_outcome(code: Any) -> str:
    return gettext(REVIEW_OUTCOMES[code]) if code in REVIEW_OUTCOMES else words(code)


def words(code: Any) -> str:
    """A stored code as words (`actions_required` → `actions required`), so it wraps between words."""
    return "—" if code in (None, "") else str(code).replace("_", " ")


def code_label(b: Blocks, table: Mapping, kind: Callable, code: Any) -> str:
    """A stored code by the lifecycle's catalog label (`table[kind(code)]`); a code it does not know as shown."""
    try:
        return gettext(table[kind(code)])
    except (ValueError, KeyError):
        return b.show(code)
