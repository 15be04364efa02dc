"""What every page shares: the navigation by role, labels and date formats for templates."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, request, url_for
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from ai_register import formats
from ai_register.audit import record_labels
from ai_register.classification import results
from ai_register.classification.labels import (
    CATEGORY_TONE,
    REVIEW_TONE,
    ai_act_role_label,
    category_label,
    cite,
    device_label,
    review_label,
)
from ai_register.goals.labels import perspective_label
from ai_register.incidents.labels import context_source_label
from ai_register.obligations.labels import obligation_label
from ai_register.portfolio.labels import overdue_label
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER, STAFF
from ai_register.solutions.labels import (
    REQUEST_TONE,
    checklist_label,
    decision_label,
    evidence_label,
    phase_label,
    phase_name,
    request_label,
    status_label,
)
from ai_register.users.labels import role_label
from ai_register.web import charts, forms

bp = Blueprint("ui", __name__, template_folder="templates")

# (endpoint, label, roles, marks). A page's own item is the one whose mark fits it best: a mark starting with
# "/" is a path (a prefix at a "/" boundary; "$" at its end: that path only), and the longest fitting path
# wins, so the item follows the page wherever its view lives; other marks are endpoints ("area." for a
# blueprint), which only count when no path fits.
NAVIGATION = (
    ("main.index", _l("Overview"), {OWNER, COMPLIANCE, AUDITOR, ADMIN}, ("/$",)),
    # A solution's own pages: its record, goals, evidence, oversight, phases, classification, obligations,
    # FRIA, monitoring, report.
    ("solutions_web.index", _l("Solutions"), {OWNER, COMPLIANCE, AUDITOR}, ("/solutions", "/fria", "/evidence")),
    ("solutions_web.register", _l("Register a solution"), {OWNER}, ("/solutions/new$",)),
    ("review_web.queue", _l("Review queue"), {COMPLIANCE}, ("/review",)),
    ("portfolio_web.portfolio", _l("Portfolio"), {OWNER, COMPLIANCE, AUDITOR}, ("/portfolio", "/indicators")),
    # Deviation reports become incidents: their list and triage belong here.
    ("followup_web.index", _l("Incidents"), {OWNER, COMPLIANCE, AUDITOR}, ("/incidents", "/deviations")),
    ("audit_web.trail", _l("Audit trail"), {COMPLIANCE, AUDITOR}, ("/audit",)),
    ("onboarding.import_page", _l("Import"), {COMPLIANCE}, ("/imports",)),
    ("deviations_web.own", _l("My deviation reports"), {STAFF}, ("/deviations",)),
    ("users_web.index", _l("Accounts"), {ADMIN}, ("/users",)),
    ("onboarding.privacy_page", _l("Personal data"), {ADMIN}, ("/privacy",)),
    # Everyone reaches their profile through their name in the header; the admin has little else.
    ("account.profile", _l("Profile and API tokens"), {ADMIN}, ("/profile",)),
)


def mark_score(mark: str, path: str, endpoint: str) -> int:
    """How well one mark fits the page: 0 not at all, else higher for a closer fit."""
    if mark.startswith("/"):
        exact = mark.endswith("$")
        prefix = mark.rstrip("$")
        fits = path == prefix if exact else path == prefix or path.startswith(prefix.rstrip("/") + "/")
        return len(prefix) + 2 if fits else 0
    if endpoint == mark:
        return 1
    return 1 if mark.endswith(".") and endpoint.startswith(mark) else 0


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    endpoint, path = request.endpoint or "", request.path
    items = []
    for target, label, roles, marks in NAVIGATION:
        if current_user.role not in roles or target not in current_app.view_functions:
            continue
        score = max((mark_score(mark, path, endpoint) for mark in marks), default=0)
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


def page_gettext() -> dict:
    """The templates' `_`, `gettext` and `ngettext` for one page, bound to the catalog of the locale it is
    rendered in (the request's, or `force_locale`'s around the rendering). They do what Jinja's "newstyle"
    gettext over Flask-Babel does (`_make_new_gettext`: the translation, as markup where the template
    escapes, always %-formatted with the keyword arguments), without finding the request's locale and catalog
    again on every call: a page calls them a hundred times and more, and that lookup cost some 90 % of
    each call. A template imported without context still finds the application's globals."""
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables) -> str:
        text = ugettext(string)
        # the catalog's text is the template's own (as Jinja's gettext takes it); the variables are escaped
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        text = ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


@bp.app_context_processor
def template_helpers() -> dict:
    return {
        **page_gettext(),
        "nav_items": nav_items,
        "token_expired": token_expired,
        "lang": formats.lang,
        "role_label": role_label,
        "phase_label": phase_label,
        "phase_name": phase_name,
        "status_label": status_label,
        "decision_label": decision_label,
        "evidence_label": evidence_label,
        "obligation_label": lambda code: cite(obligation_label(code)),
        "category_label": category_label,
        "category_tone": lambda c: CATEGORY_TONE.get(c, "neutral"),
        "device_label": device_label,
        "review_label": review_label,
        "review_tone": lambda s: REVIEW_TONE.get(s, "neutral"),
        "request_label": request_label,
        "request_tone": lambda s: REQUEST_TONE.get(s, "neutral"),
        "perspective_label": perspective_label,
        "ai_act_role_label": ai_act_role_label,
        "overdue_label": overdue_label,
        "context_source_label": context_source_label,
        "action_label": record_labels.action_label,
        "entity_label": record_labels.entity_label,
        "reason_text": record_labels.reason_text,
        "field_label": record_labels.field_label,
        "catalog_text": formats.catalog_text,
        "joined_text": formats.joined_text,
        "value_text": record_labels.value_text,
        "channel_label": record_labels.channel_label,
        "checklist_label": checklist_label,
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
    return record_labels.field_label(value)


@bp.app_template_filter("cite")
def cite_filter(value) -> str:
    return cite(value)
