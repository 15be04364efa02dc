"""`flask reminders run`: notifications for everything due, then e-mail for what is not yet sent.

Idempotent: a notification's key is (kind, subject, due date) per user, so a run finds what an
earlier run created and adds nothing; a due date that moves makes a new reminder. Safe from cron
every few minutes, and against two runs at once (the unique key decides, see `notify`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from ai_register.audit import services as audit
from ai_register.extensions import db
from ai_register.notifications import mail
from ai_register.notifications.models import Notification
from ai_register.notifications.services import ENTITY, message, notify
from ai_register.obligations.services import sync_all
from ai_register.reviews import agenda
from ai_register.users.models import User, utcnow

log = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 3


@dataclass
class RunReport:
    items: int = 0
    created: int = 0
    emailed: int = 0
    email_failed: int = 0
    by_kind: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"items": self.items, "created": self.created, "emailed": self.emailed,
                "email_failed": self.email_failed, "created_by_kind": dict(sorted(self.by_kind.items()))}


def create_notifications(report: RunReport, *, now: datetime | None = None) -> RunReport:
    sync_all()  # obligation records of classifications decided before they existed
    for item in agenda.collect(now=now):
        report.items += 1
        for user_id in agenda.recipients(item):
            _, created = notify(user_id, item.kind, subject_type=item.subject_type,
                                subject_id=item.subject_id, due_on=item.due_on, solution_id=item.solution.id,
                                params=_jsonable(item.params), link=item.link)
            if created:
                report.created += 1
                report.by_kind[item.kind] = report.by_kind.get(item.kind, 0) + 1
    return report


def _jsonable(params: dict) -> dict:
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in params.items()}


def pending_email_ids() -> list[int]:
    """Unread notifications not yet e-mailed, to active users with an address."""
    return list(db.session.scalars(
        select(Notification.id).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None), User.active.is_(True),
               Notification.email_attempts < MAX_EMAIL_ATTEMPTS)
        .order_by(Notification.id)
    ))


def send_emails(report: RunReport, commit: Callable[[], None]) -> RunReport:
    """Send each pending notification once. A notification is claimed (emailed_at set, committed)
    before it is sent, so two overlapping runs never both send it; a failed send releases the claim
    for a later run, up to MAX_EMAIL_ATTEMPTS."""
    if not mail.configured():
        return report
    for notification_id in pending_email_ids():
        claimed = db.session.execute(
            update(Notification).where(Notification.id == notification_id, Notification.emailed_at.is_(None))
            .values(emailed_at=utcnow(), email_attempts=Notification.email_attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        commit()
        if claimed != 1:
            continue
        notification = db.session.get(Notification, notification_id)
        db.session.refresh(notification)
        user = db.session.get(User, notification.user_id)
        try:
            mail.send(user.email, subject=_subject(notification), body=_body(notification))
        except mail.MailError as error:
            log.warning("e-mail for notification %s failed: %s", notification_id, error)
            notification.emailed_at = None
            notification.email_error = str(error)[:500]
            audit.record("email_failed", ENTITY, notification.id, solution_id=notification.solution_id,
                         data={"attempt": notification.email_attempts})
            report.email_failed += 1
        else:
            notification.email_error = None
            audit.record("email", ENTITY, notification.id, solution_id=notification.solution_id,
                         data={"user_id": notification.user_id})
            report.emailed += 1
        commit()
    return report


def _text(notification: Notification) -> str:
    # No request to choose a language from: e-mail speaks the region's default language.
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")):
        return message(notification)


def _subject(notification: Notification) -> str:
    return f"[AI-registret] {_text(notification)[:150]}"


def _body(notification: Notification) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    lines = [_text(notification), ""]
    if notification.link:
        lines.append(f"{base}{notification.link}" if base else notification.link)
    if base:
        lines.append(f"{base}/notifications")
    lines += ["", "Detta är en automatisk påminnelse från AI-registret. / "
                  "This is an automatic reminder from the AI register."]
    return "\n".join(lines)
