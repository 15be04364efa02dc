"""The classification's codes as words: AI Act categories and their tones, device regulations, a
classification's review status and its tone, the region's AI Act role; a legal citation of the active rule
set in the reader's language (`cite`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.classification.rulesets import active_ruleset
from ai_register.formats import lang, lookup
from ai_register.rules.citations import localise

CATEGORIES = {
    "out_of_scope": _l("Outside the AI Act"),
    "prohibited": _l("Prohibited"),
    "high_risk": _l("High risk"),
    "limited_risk": _l("Limited risk (transparency)"),
    "minimal_risk": _l("Minimal risk"),
    "needs_review": _l("Needs review"),
    None: _l("Not classified"),
}


CATEGORY_TONE = {
    "out_of_scope": "neutral",
    "minimal_risk": "ok",
    "limited_risk": "info",
    "high_risk": "warn",
    "prohibited": "bad",
    "needs_review": "warn",
    None: "neutral",
}


REGULATIONS = {
    "none": _l("Not a medical device"),
    "mdr": _l("Medical device (MDR)"),
    "ivdr": _l("In-vitro diagnostic (IVDR)"),
    "needs_review": _l("Device status needs review"),
    None: _l("Not classified"),
}


REVIEW_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "overridden": _l("Overridden by compliance"),
}


REVIEW_TONE = {
    "draft": "neutral",
    "submitted": "info",
    "approved": "ok",
    "rejected": "bad",
    "overridden": "ok",
}


AI_ACT_ROLES = {
    "provider": _l("Provider"),
    "deployer": _l("Deployer"),
    "provider_and_deployer": _l("Provider and deployer"),
}


def category_label(category: str | None) -> str:
    return lookup(CATEGORIES, category)


def device_label(regulation: str | None, device_class: str | None = None) -> str:
    base = lookup(REGULATIONS, regulation)
    if regulation in ("mdr", "ivdr") and device_class:
        return str(
            _l("%(device)s, class %(c)s", device=base, c=device_class.replace("_sterile", " (sterile)"))
        )
    return base


def review_label(status: str | None) -> str:
    return lookup(REVIEW_STATUSES, status)


def ai_act_role_label(role: str | None) -> str:
    """The region's AI Act role (provider, deployer) as the classification's answers give it."""
    return lookup(AI_ACT_ROLES, role)


def category_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in CATEGORIES.items() if code is not None]


def cite(text: str | None) -> str:
    """A legal citation stored as the contract's English text, in the reader's language (rules.citations);
    a citation the active rule set does not know is shown as stored."""

    ruleset = active_ruleset()
    return localise(text, ruleset.citations, ruleset.acts, lang())
