"""`flask reminders run`: safe to run from cron every few minutes (see README)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ai_register.extensions import db
from ai_register.notifications.reminders import RunReport, create_notifications, send_emails

reminders_cli = AppGroup("reminders", help="Reminders: notifications and e-mail for due and overdue items.")


@reminders_cli.command("run")
@click.option("--no-email", is_flag=True, help="Create notifications only; send no e-mail.")
def run_command(no_email: bool) -> None:
    """Create notifications for due and overdue items once each, then e-mail the unsent ones."""
    report = create_notifications(RunReport())
    db.session.commit()
    if not no_email:
        send_emails(report, db.session.commit)
    click.echo(json.dumps(report.as_dict(), sort_keys=True))
