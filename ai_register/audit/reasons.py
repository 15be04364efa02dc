"""Reasons the register itself gives for an audit event, as a code and parameters.

A person's own reason (a justification, a rationale) is stored as they wrote it. A reason the
register writes (an approval carried over to the solution, a reminder, a rule-set change) is stored
and hashed as `reason_code` and `reason_params` in the event's data, and rendered in the reader's
language; the event's `reason` column keeps the English sentence for readers of the raw trail.
Events stored before codes existed are shown as stored. Pure: no Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:  # noqa: N802 (the gettext convention's marker: extracted, not translated here)
    return message


TEMPLATES: Mapping[str, str] = {
    "incident_reported": N_("incident reported"),
    "incident_duty": N_("reporting duty of incident %(incident)s"),
    "incident_duty_reassessed": N_("reporting duty of incident %(incident)s after re-assessment"),
    "review_sets_next_date": N_("periodic review %(review)s sets the next review date"),
    "reminder": N_("reminder: %(kind)s"),
    "first_sign_in": N_("first sign-in through the identity provider"),
    "gdpr_access_request": N_("GDPR Art 15 access request"),
    "solution_retired": N_("the solution is retired"),
    "first_result_under_ruleset": N_("first stored result under this rule set"),
    "classification_reviewed": N_("classification %(classification)s (version %(version)s) %(status)s"),
    "ruleset_changes_result": N_(
        "rule set %(ruleset)s (%(sha)s) changes the result of classification %(classification)s"),
    "ruleset_flags_applied": N_("rule-set change applied: re-review flags"),
    "default_indicators": N_("Default common indicators of the strategy"),
    "imported_row": N_("import from %(file)s, row %(row)s"),
    # obligations (issue 21)
    "obligation_opened": N_("opened by classification version %(version)s (rule set %(ruleset)s)"),
    "obligation_listed": N_("listed by classification version %(version)s (rule set %(ruleset)s)"),
    "obligation_no_longer_listed": N_(
        "no longer listed by classification version %(version)s (rule set %(ruleset)s)"),
    "obligation_no_classification": N_("no decided classification"),
    # monitoring and informing (issue 21)
    "monitoring_breach": N_("%(metric)s: the value %(value)s is outside its thresholds"),
    "obligation_met_by_record": N_("met by the register's record: %(record_type)s #%(record_id)s"),
    # supplier register (issue 21)
    "supplier_register_names": N_("supplier, product and version as the supplier register names them"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in TEMPLATES:
            raise ValueError(f"unknown audit reason code {self.code!r}")

    def english(self) -> str:
        return TEMPLATES[self.code] % dict(self.params)


def coded(code: str, **params: Any) -> Reason:
    return Reason(code, params)


def render(data: Mapping[str, Any] | None, stored: str | None, gettext: Callable[[str], str],
           value: Callable[[str, Any], str] = lambda _name, v: str(v)) -> str | None:
    """The event's reason in the reader's language: the code's template translated, its parameters
    put in words by `value(name, raw)`; the stored text when the event has no (known) code."""
    code = (data or {}).get("reason_code")
    if code not in TEMPLATES:
        return stored
    params = (data or {}).get("reason_params") or {}
    try:
        return gettext(TEMPLATES[code]) % {name: value(name, raw) for name, raw in params.items()}
    except (KeyError, TypeError, ValueError):
        return stored
