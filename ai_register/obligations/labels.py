"""The obligations' codes as words: an obligation by its legal citation."""

from __future__ import annotations

from ai_register.classification.rulesets import active_ruleset


def obligation_label(obligation_id) -> str:
    """An obligation by its legal citation in the active rule set (its id is a code)."""

    for obligation in active_ruleset().obligations:
        if obligation.id == obligation_id:
            return str(obligation.citation)
    return str(obligation_id)
