"""Creating, listing and reading notifications. Creation is idempotent per (user, key)."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ai_register.apikit import page_of, show_each
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.rereview import rereview_message
from ai_register.exceptions import NotFound
from ai_register.extensions import db
from ai_register.incidents.duties import recipient_label
from ai_register.notifications.models import Notification
from ai_register.rules.citations import localise
from ai_register.rules.loader import get_active_ruleset
from ai_register.security import COMPLIANCE
from ai_register.solutions.access import require_id
from ai_register.users.models import User, utcnow

ENTITY = "notification"

# kind → message, formatted with the notification's params. English msgids, translated at display.
MESSAGES = {
    "incident_duty_due": lambda p: _with_contact(
        _("%(solution)s: incident #%(incident_id)s — %(duty)s, due %(due_on)s", **p), p),
    "incident_duty_overdue": lambda p: _with_contact(
        _("%(solution)s: incident #%(incident_id)s — %(duty)s is OVERDUE (was due %(due_on)s)", **p), p),
    "incident_serious_consider_pause": lambda p: _(
        "%(solution)s: serious incident #%(incident_id)s — as oversight owner, consider pausing the solution "
        "(record the decision in the register)", **p),
    "review_due": lambda p: _("%(solution)s: periodic review due %(due_on)s", **p),
    "review_overdue": lambda p: _("%(solution)s: periodic review OVERDUE since %(due_on)s", **p),
    "oversight_confirmation_due": lambda p: _(
        "%(solution)s: the human-oversight assignment must be re-confirmed by %(due_on)s", **p),
    "oversight_confirmation_overdue": lambda p: _(
        "%(solution)s: the human-oversight re-confirmation is OVERDUE (was due %(due_on)s)", **p),
    "evidence_expiring": lambda p: _("%(solution)s: %(evidence)s expires on %(due_on)s", **p),
    "evidence_expired": lambda p: _("%(solution)s: %(evidence)s expired on %(due_on)s", **p),
    "continuity_overdue": lambda p: _(
        "%(solution)s: critical for patient care — fallback routine or tested recovery plan missing or expired "
        "(%(gaps)s)", **p),
    "trustworthy_assessment_refresh": lambda p: _(
        "%(solution)s: refresh the trustworthy-AI assessment after the periodic review of %(due_on)s", **p),
    "obligation_due": lambda p: _("%(solution)s: obligation %(obligation)s is due %(due_on)s", **p),
    "obligation_overdue": lambda p: _("%(solution)s: obligation %(obligation)s is OVERDUE (was due %(due_on)s)",
                                      **p),
    "supplier_document_expiring": lambda p: _(
        "%(solution)s: %(document)s of the supplier %(supplier)s expires after %(due_on)s", **p),
    "supplier_document_expired": lambda p: _(
        "%(solution)s: %(document)s of the supplier %(supplier)s has EXPIRED (last valid day %(due_on)s)", **p),
    "classification_rereview": lambda p: _rereview_message(p),
    "monitoring_breach": lambda p: _(
        "%(solution)s: %(metric)s is outside its thresholds — the oversight owner decides by %(due_on)s whether "
        "it is an incident", **p),
    "monitoring_assessment_overdue": lambda p: _(
        "%(solution)s: the assessment of %(metric)s outside its thresholds is OVERDUE (was due %(due_on)s) — the "
        "oversight owner decides whether it is an incident", **p),
    "explanation_request_due": lambda p: _(
        "%(solution)s: a request for an explanation (Art 86) received %(received_on)s is to be answered by "
        "%(due_on)s", **p),
    "explanation_request_overdue": lambda p: _(
        "%(solution)s: a request for an explanation (Art 86) received %(received_on)s is OVERDUE (was to be "
        "answered by %(due_on)s)", **p),
    "deviation_reported": lambda p: _(
        "%(solution)s: a deviation was reported (incident #%(incident_id)s) — assess it", **p),
    "deviation_triage": lambda p: _(
        "A deviation report #%(deviation_id)s names no solution — find which one it concerns", **p),
    "follow_up_decision": lambda p: _(
        "%(solution)s: %(reason)s — decide how to follow up (scale up, adjust, pause or terminate)",
        **{**p, "reason": FOLLOW_UP_EVENTS.get(p.get("event"), lambda q: p.get("event", ""))(p)}),
}

# Why a follow-up decision is asked for.
FOLLOW_UP_EVENTS = {
    "review": lambda p: _("the periodic review of %(on)s is recorded", **p),
    "pilot_evaluated": lambda p: _("the pilot was evaluated on %(on)s", **p),
}


def _with_contact(text: str, params: dict) -> str:
    """A duty to inform the provider or manufacturer names the supplier's contact (suppliers register)."""
    return _("%(text)s — contact: %(contact)s", text=text, contact=params["contact"]) if params.get("contact") \
        else text


def _rereview_message(params: dict) -> str:
    # A rule-set change flagged the classification (classification/rereview.py renders its codes).
    return rereview_message(params)


def make_key(kind: str, subject_type: str, subject_id, due_on: date | None) -> str:
    return f"{kind}:{subject_type}:{subject_id}:{due_on.isoformat() if due_on else '-'}"


def _duty_words(params: dict) -> str:
    """An incident duty as the reader names it: the recipient's label and the citation in the reader's
    language (rows stored before the recipient was kept show the English words they were written with)."""
    try:
        recipient = _(recipient_label(params["recipient"]))
    except (KeyError, ValueError):
        return params.get("duty", "")
    ruleset = get_active_ruleset()
    citation = localise(params.get("citation") or "", ruleset.citations, ruleset.acts, str(get_locale() or "sv"))
    return f"{recipient} ({citation})" if citation else recipient


def message(notification: Notification) -> str:
    params = {key: ("" if value is None else value) for key, value in (notification.params or {}).items()}
    if params.get("recipient"):
        params["duty"] = _duty_words(params)
    params.setdefault("due_on", notification.due_on.isoformat() if notification.due_on else "")
    params.setdefault("solution", f"#{notification.solution_id}" if notification.solution_id else "")
    render = MESSAGES.get(notification.kind)
    try:
        return render(params) if render else notification.kind
    except (KeyError, ValueError, TypeError):
        # A message whose params do not fit (an old row after a wording change) still says what it is.
        return f"{notification.kind} {notification.subject_type} {notification.subject_id}"


def shown(notification: Notification) -> Notification:
    """The notification as the API shows it: with its `message` in the reader's language."""
    notification.message = message(notification)
    return notification


def shown_page(page: dict) -> dict:
    """A page of notifications (`apikit.page_of`), each as the API shows it."""
    return show_each(page, shown)


def notify(user_id: int, kind: str, *, subject_type: str, subject_id, due_on: date | None = None,
           solution_id: int | None = None, params: dict | None = None, link: str | None = None,
           ) -> tuple[Notification, bool]:
    """The user's notification for (kind, subject, due date): created once, found after that.

    Safe against a concurrent run: the unique (user_id, key) constraint decides, inside a savepoint.
    """
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    key = make_key(kind, subject_type, subject_id, due_on)
    existing = db.session.scalar(select(Notification).where(Notification.user_id == user_id,
                                                            Notification.key == key))
    if existing is not None:
        return existing, False
    notification = Notification(user_id=user_id, key=key, kind=kind, solution_id=solution_id,
                                subject_type=subject_type, subject_id=str(subject_id), due_on=due_on,
                                params=params or {}, link=link, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        found = db.session.scalar(select(Notification).where(Notification.user_id == user_id,
                                                             Notification.key == key))
        return found, False
    # The trail shows that and when someone was reminded; the wording is rebuilt from kind and params.
    audit.record_create(notification, ENTITY, solution_id=solution_id, exclude=frozenset({"params"}),
                        reason=coded("reminder", kind=kind))
    return notification, True


def notify_many(user_ids, kind: str, **kwargs) -> list[Notification]:
    """Notify each user once; returns the notifications created now."""
    created = []
    for user_id in sorted(set(user_ids)):
        notification, new = notify(user_id, kind, **kwargs)
        if new:
            created.append(notification)
    return created


def active_users(user_ids) -> list[int]:
    ids = set(user_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))


def compliance_user_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == COMPLIANCE, User.active.is_(True))
                                   .order_by(User.id)))


# --------------------------------------------------------------------------- the reader's side


def own_notifications(user: User, *, unread: bool | None = None, page: int = 1, per_page: int = 50) -> dict:
    """`user`'s own notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return page_of(query, {"page": page, "per_page": per_page})


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def get_own(notification_id: int, user: User) -> Notification:
    """`user`'s own notification; anyone else's answers 404."""
    notification = db.session.get(Notification, require_id(notification_id, "notification"))
    if notification is None or notification.user_id != user.id:
        raise NotFound("No such notification.")
    return notification


def mark_read(notification_id: int, *, by: User) -> Notification:
    notification = get_own(notification_id, by)
    if notification.read_at is None:
        before = audit.snapshot(notification, exclude=frozenset({"params"}))
        notification.read_at = utcnow()
        audit.record_update(notification, ENTITY, before, solution_id=notification.solution_id, action="read",
                            exclude=frozenset({"params"}))
    return notification
