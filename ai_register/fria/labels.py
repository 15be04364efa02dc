"""The FRIA's codes as words: a version's status and its tone, a risk level, why a version is out of date.
Its pages (fria/views.py) and the trail's and reports' record labels (audit/record_labels.py) read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.fria import rules

STATUS_TONE = {rules.DRAFT: "neutral", rules.SUBMITTED: "info", rules.APPROVED: "ok", rules.RETURNED: "warn"}
STATUS_NAMES = {rules.DRAFT: _l("Draft"), rules.SUBMITTED: _l("Submitted"), rules.APPROVED: _l("Approved"),
                rules.RETURNED: _l("Returned")}
LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
OUTDATED = {"oversight_owner_changed": _l("The oversight owner changed since this version: update the FRIA "
                                          "(Art 27(2)).")}


def status_label(code: str):
    return STATUS_NAMES.get(code, code)


def status_tone(code: str) -> str:
    return STATUS_TONE.get(code, "neutral")


def level_label(value: str | None):
    return LEVELS.get(value, value or "—")


def outdated_text(code: str):
    return OUTDATED.get(code, code)


def template_labels() -> dict:
    """The label functions the FRIA's templates call, by the names they use."""
    return {"fria_status": status_label, "fria_tone": status_tone, "level_label": level_label,
            "outdated_text": outdated_text}
