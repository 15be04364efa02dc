"""What an owner reads when a rule-set change flags their classification for re-review: which
decisive parts of the result changed, and which new questions to answer, in the reader's language.

The notification stores codes only (field names, values, question ids); they are rendered here when
the notification is shown, so a Swedish reader sees Swedish labels and nobody sees a raw code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ai_register import formats
from ai_register.classification.labels import category_label, device_label
from ai_register.rules.loader import get_active_ruleset
from ai_register.rules.ruleset import RuleSetError

FIELDS = {
    "category": _l("AI Act category"),
    "routes": _l("high-risk routes"),
    "art6_3_exemption": _l("Art 6(3) exemption"),
    "transparency": _l("Art 50 duties"),
    "gpai": _l("general-purpose AI model"),
    "regulation": _l("medical-device regulation"),
    "device_class": _l("device class"),
    "notified_body": _l("notified body"),
    "needs_review": _l("needs review"),
    "invalid_answers": _l("answers the new rule set does not accept"),
}
GPAI = {"art53": "Art 53", "art53_open_source": "Art 53(2)", "art55": "Art 55"}


def _route(code: str) -> str:
    """annex_i_mdr → Annex I (MDR); annex_iii_5a → Annex III 5(a): the legal reference, not a code."""
    if code.startswith("annex_i_"):
        return _("Annex I (%(act)s)", act={"mdr": "MDR", "ivdr": "IVDR"}.get(code[8:], _("other product")))
    match = re.fullmatch(r"annex_iii_(\d)([a-d]?)", code)
    if match:
        point, letter = match.groups()
        return f"{_('Annex III')} {point}" + (f"({letter})" if letter else "")
    return code


def _value(field: str, value: Any) -> str:
    if value is None:
        return _("not decided") if field in ("device_class", "category") else _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "category":
        return category_label(value)
    if field == "regulation":
        return device_label(value)
    if field == "device_class":
        return _("A (sterile)") if value == "A_sterile" else str(value)
    if field == "routes":
        return ", ".join(_route(code) for code in value) or _("none")
    if field == "transparency":
        return ", ".join(f"Art 50({code[-1]})" for code in value) or _("none")
    if field == "gpai":
        return GPAI.get(value, str(value))
    if field == "invalid_answers":
        return _("yes")
    return str(value)


def describe_changes(changes: Iterable[Mapping[str, Any]]) -> str:
    """'device class: IIb → not decided; needs review: no → yes'."""
    parts = []
    for change in changes or ():
        field = change.get("field")
        label = FIELDS.get(field)
        if label is None:
            continue
        if field == "invalid_answers":
            parts.append(str(label))
        else:
            parts.append(f"{label}: {_value(field, change.get('old'))} → {_value(field, change.get('new'))}")
    return "; ".join(parts) or _("the result")


def question_names(question_ids: Iterable[str]) -> str:
    """The questions' texts in the reader's language, from the active rule set (ids it lacks as they are)."""
    ids = list(question_ids or ())
    if not ids:
        return _("none")
    texts: dict[str, str] = {}
    if has_app_context():
        try:
            ruleset = get_active_ruleset(current_app.config.get("RISK_RULES_DIR"))
        except RuleSetError:
            ruleset = None
        if ruleset is not None:
            texts = {q.id: q.text.in_language(formats.lang()) for q in ruleset.questions}
    return " · ".join(f"«{texts.get(question_id, question_id)}»" for question_id in ids)


def rereview_message(params: Mapping[str, Any]) -> str:
    return _(
        "%(solution)s: rule set %(ruleset)s changes the classification (%(changes)s). Answer the "
        "questionnaire again and submit it for review; until it is approved the classification does not "
        "count for the gates. New questions to answer: %(questions)s",
        solution=params.get("solution", ""), ruleset=params.get("ruleset", ""),
        changes=describe_changes(params.get("changes") or ()),
        questions=question_names(params.get("questions") or ()),
    )
