"""What every page shares: the navigation by role, labels and date formats for templates."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ai_register import formats
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, STAFF
from ai_register.web import charts, forms, labels, results

bp = Blueprint("ui", __name__, template_folder="templates")

# (endpoint, label, roles, endpoints that mark it current)
NAVIGATION = (
    ("main.index", _l("Overview"), {OWNER, COMPLIANCE, AUDITOR, ADMIN}, ("main.index",)),
    (
        "solutions_web.index",
        _l("Solutions"),
        {OWNER, COMPLIANCE, AUDITOR},
        ("solutions_web.", "goals_web.", "evidence_web.", "oversight_web.", "phases_web.", "classify_web."),
    ),
    ("solutions_web.register", _l("Register a solution"), {OWNER}, ("solutions_web.register",)),
    ("review_web.queue", _l("Review queue"), {COMPLIANCE}, ("review_web.",)),
    ("portfolio_web.portfolio", _l("Portfolio"), {OWNER, COMPLIANCE, AUDITOR}, ("portfolio_web.",)),
    (
        "followup_web.index",
        _l("Incidents"),
        {OWNER, COMPLIANCE, AUDITOR},
        ("followup_web.index", "followup_web.show", "followup_web.report"),
    ),
    ("audit_web.trail", _l("Audit trail"), {COMPLIANCE, AUDITOR}, ("audit_web.",)),
    ("onboarding.import_page", _l("Import"), {COMPLIANCE}, ("onboarding.import_page", "onboarding.import_upload")),
    ("deviations_web.own", _l("My deviation reports"), {STAFF}, ("deviations_web.",)),
    ("users_web.index", _l("Accounts"), {ADMIN}, ("users_web.index", "users_web.new", "users_web.show")),
    ("onboarding.privacy_page", _l("Personal data"), {ADMIN}, ("onboarding.privacy_page",)),
    # Everyone reaches their profile through their name in the header; the admin has little else.
    ("account.profile", _l("Profile and API tokens"), {ADMIN}, ("account.",)),
)


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    items = []
    for target, label, roles, marks in NAVIGATION:
        if current_user.role not in roles or target not in current_app.view_functions:
            continue
        # An exact match beats a blueprint match ("Register a solution" rather than "Solutions").
        score = (
            2 if endpoint in marks else int(any(m.endswith(".") and endpoint.startswith(m) for m in marks))
        )
        items.append({"url": url_for(target), "label": label, "score": score, "current": False})
    best = max(items, key=lambda item: item["score"], default=None)
    if best is not None and best["score"]:
        best["current"] = True
    return items


# The one formatter of numbers, money and dates (ai_register.formats), under the names pages use.
show_date = formats.day
show_datetime = formats.moment
show_number = formats.number


def token_expired(token) -> bool:
    expires = token.expires_at
    if expires.tzinfo is None:  # SQLite drops the zone; stored values are UTC
        expires = expires.replace(tzinfo=UTC)
    return expires <= datetime.now(UTC)


@bp.app_context_processor
def template_helpers() -> dict:
    return {
        "nav_items": nav_items,
        "token_expired": token_expired,
        "lang": labels.lang,
        "role_label": labels.role_label,
        "phase_label": labels.phase_label,
        "phase_name": labels.phase_name,
        "status_label": labels.status_label,
        "decision_label": labels.decision_label,
        "evidence_label": labels.evidence_label,
        "category_label": labels.category_label,
        "category_tone": lambda c: labels.CATEGORY_TONE.get(c, "neutral"),
        "device_label": labels.device_label,
        "review_label": labels.review_label,
        "review_tone": lambda s: labels.REVIEW_TONE.get(s, "neutral"),
        "request_label": labels.request_label,
        "request_tone": lambda s: labels.REQUEST_TONE.get(s, "neutral"),
        "perspective_label": labels.perspective_label,
        "ai_act_role_label": labels.ai_act_role_label,
        "overdue_label": labels.overdue_label,
        "context_source_label": labels.context_source_label,
        "action_label": labels.action_label,
        "entity_label": labels.entity_label,
        "reason_text": labels.reason_text,
        "field_label": labels.field_label,
        "catalog_text": labels.catalog_text,
        "joined_text": labels.joined_text,
        "value_text": labels.value_text,
        "channel_label": labels.channel_label,
        "checklist_label": labels.checklist_label,
        "route_label": results.route_label,
        "transparency_label": results.transparency_label,
        "gpai_label": results.gpai_label,
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
        "bar_chart": charts.bar_chart,
        "series_chart": charts.series_chart,
    }


@bp.app_template_global("error_items")
def error_items(form) -> list[tuple[str, str]]:
    """For the error summary macro (imported without context, so a global rather than a helper)."""
    return forms.error_items(form)


@bp.app_template_filter("day")
def day_filter(value) -> str:
    return show_date(value)


@bp.app_template_filter("moment")
def moment_filter(value) -> str:
    return show_datetime(value)


@bp.app_template_filter("number")
def number_filter(value) -> str:
    return show_number(value)


@bp.app_template_filter("money")
def money_filter(value, currency: str | None = "SEK") -> str:
    return formats.money(value, currency)


@bp.app_template_filter("field_label")
def field_label_filter(value) -> str:
    return labels.field_label(value)


@bp.app_template_filter("cite")
def cite_filter(value) -> str:
    return labels.cite(value)
