"""Defaults of the follow-up settings (incidents, reviews, reminders, e-mail).

config.py is the one place that reads the environment; these are only defaults, applied with
`setdefault` when the follow-up blueprint is registered, so a value from config.py (or a test's
config) always wins.
"""

from __future__ import annotations

import copy

from flask import Flask, current_app

DEFAULTS: dict = {
    # Lex Maria: "snarast" (as soon as possible); the region's own target, in calendar days.
    "LEX_MARIA_TARGET_DAYS": 7,
    # HSLF-FS 2021:52 5 kap.: the care provider's device report, also "snarast".
    "DEVICE_REPORT_TARGET_DAYS": 7,
    # "Immediately" duties (Art 26(5)) are due at awareness and count as overdue after this.
    "INCIDENT_IMMEDIATE_GRACE_HOURS": 24,
    # Periodic review interval by AI Act category; the solution's review_interval_months wins.
    # A solution without a decided classification is reviewed as often as a high-risk one.
    "REVIEW_INTERVAL_MONTHS": {
        "prohibited": 3,
        "high_risk": 6,
        "needs_review": 6,
        "unclassified": 6,
        "limited_risk": 12,
        "minimal_risk": 24,
        "out_of_scope": 24,
    },
    # How far ahead reminders start.
    "REVIEW_REMINDER_DAYS": 30,
    "OVERSIGHT_REMINDER_DAYS": 30,
    "EVIDENCE_EXPIRY_WARNING_DAYS": 60,
    # E-mail: nothing is sent while MAIL_SERVER is empty.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS after connecting
    "MAIL_USE_SSL": False,  # TLS from the start (port 465)
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "ai-register@localhost",
    "MAIL_TIMEOUT": 10,
    # Absolute base of links in e-mails, e.g. https://ai-register.region.example
    "PUBLIC_BASE_URL": None,
}


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, copy.deepcopy(value))


def setting(key: str):
    """A follow-up setting, falling back to the default when the app was built without it."""
    return current_app.config.get(key, DEFAULTS.get(key))
