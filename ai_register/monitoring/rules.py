"""Pure rules of monitoring in operation (AI Act Art 26(5), (6)) and of informing the people concerned
(Art 26(7), 26(11), Art 86): when a value breaches its thresholds, when an assessment or an explanation
is due, whether a log retention period is long enough, and a Swedish personal identity number in free
text. No Flask, no database."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

KINDS = ("sensitivity", "positive_predictive_value", "alert_rate", "override_rate", "changed_share", "other")
DIRECTIONS = ("higher_is_better", "lower_is_better", "within_range")
FREQUENCIES = ("weekly", "monthly", "quarterly", "yearly")
FREQUENCY_DAYS = {"weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}
BELOW, ABOVE = "below", "above"

# Phases in which the solution is in use and its operation is monitored (DOMAIN.md).
IN_USE = ("pilot", "rollout", "management")
# Metrics may be planned before the pilot starts.
METRIC_PHASES = ("needs_analysis", *IN_USE)

OPEN, INCIDENT, NOT_INCIDENT = "open", "incident", "not_incident"
ASSESSMENT_STATUSES = (OPEN, INCIDENT, NOT_INCIDENT)
DEFAULT_ASSESSMENT_DAYS = 5

# Art 26(6): "for a period appropriate to the intended purpose of the high-risk AI system, of at least six
# months, unless provided otherwise in applicable Union or national law, in particular in Union law on the
# protection of personal data".
MIN_RETENTION_MONTHS = 6
MAX_RETENTION_MONTHS = 1200  # a hundred years: beyond it the figure is a typing error

# A measured number (thresholds, stated and reported values): as the goals keep theirs, six decimals within
# plus or minus a million millions.
MEASURE_LIMIT = 10**12
MEASURE_PLACES = 6

WORKERS, AFFECTED_PERSONS, EXPLANATION_PROCEDURE = "workers", "affected_persons", "explanation_procedure"
INFORMING_KINDS = (WORKERS, AFFECTED_PERSONS, EXPLANATION_PROCEDURE)
# The obligation of the rule set that a record of each kind meets (obligations.yaml).
INFORMING_OBLIGATION = {AFFECTED_PERSONS: "ai_act_art26_11", EXPLANATION_PROCEDURE: "ai_act_art86"}
MBL_OUTCOMES = ("agreed", "not_agreed", "information_only")
CHANNELS = ("letter", "email", "digital_service", "phone", "in_person", "other")
DEFAULT_EXPLANATION_DAYS = 30


def breach(value: Decimal, lower: Decimal | None, upper: Decimal | None) -> str | None:
    """"below" under the lower threshold, "above" over the upper one, None within (a threshold itself is
    within)."""
    if lower is not None and value < lower:
        return BELOW
    if upper is not None and value > upper:
        return ABOVE
    return None


def threshold_errors(direction: str, lower: Decimal | None, upper: Decimal | None) -> dict[str, list[str]]:
    """A metric needs the threshold its direction names: a lower one when higher is better, an upper one
    when lower is better, both for a range; the lower below the upper."""
    errors: dict[str, list[str]] = {}
    if direction in ("higher_is_better", "within_range") and lower is None:
        errors["lower_threshold"] = ["Give the lower threshold: a value below it is a breach."]
    if direction in ("lower_is_better", "within_range") and upper is None:
        errors["upper_threshold"] = ["Give the upper threshold: a value above it is a breach."]
    if lower is not None and upper is not None and lower >= upper:
        errors["upper_threshold"] = ["Must be greater than the lower threshold."]
    return errors


def assessment_due(opened_on: date, days: int) -> date:
    return opened_on + timedelta(days=days)


def is_assessment_overdue(status: str, due_on: date, today: date) -> bool:
    return status == OPEN and due_on < today


def next_report_due(last_period_end: date | None, frequency: str, created_on: date) -> date:
    """When the next value is expected: one period after the last one (or after the metric was created)."""
    return (last_period_end or created_on) + timedelta(days=FREQUENCY_DAYS.get(frequency, 31))


def retention_errors(months: int | None, legal_basis: str | None) -> dict[str, list[str]]:
    """At least six months (Art 26(6)); a shorter period only with the Union or national law that provides
    otherwise named."""
    if months is None or months < 1:
        return {"retention_months": ["Give the retention period in months."]}
    if months < MIN_RETENTION_MONTHS and not (legal_basis or "").strip():
        return {"retention_months": [
            "Art 26(6): logs are kept at least six months, unless applicable Union or national law provides "
            "otherwise; name that law under legal basis for a shorter period."]}
    return {}


def explanation_overdue(answered_on: date | None, due_on: date, today: date) -> bool:
    return answered_on is None and due_on < today


# A Swedish personal identity or coordination number (personnummer / samordningsnummer): YYMMDD or
# YYYYMMDD, an optional - or +, four digits, the last a Luhn check digit.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:19|20)?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{3})(\d)(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits[:9]):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(digits[9])


def has_personal_number(text: str | None) -> bool:
    """Whether free text holds something that reads as a Swedish personal identity number: a patient
    identifier that must not go into the register (nor into its append-only trail)."""
    for match in _PERSONAL_NUMBER.finditer(text or ""):
        yy, mm, dd, serial, check = match.groups()
        day = int(dd) - 60 if int(dd) > 60 else int(dd)  # samordningsnummer add 60 to the day
        if 1 <= int(mm) <= 12 and 1 <= day <= 31 and _luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
            return True
    return False
