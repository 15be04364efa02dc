"""`flask audit verify` and `flask audit checkpoint`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ai_register.audit import checkpoints
from ai_register.audit.services import create_checkpoint, verify_against_checkpoints
from ai_register.extensions import db
from ai_register.notifications import mail
from ai_register.reports import signing
from ai_register.users.models import User

audit_cli = AppGroup("audit", help="Audit trail: verify the hash chain, sign checkpoints.")


@audit_cli.command("verify")
@click.option("--checkpoints", "checkpoint_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your copies of the register's signed checkpoints (JSON lines or a JSON list).")
def verify_command(checkpoint_file: Path | None) -> None:
    """Recompute every link of the chain and hold it against the signed checkpoints; exit 1 when broken."""
    given = []
    if checkpoint_file is not None:
        try:
            given = checkpoints.check_given(checkpoints.parse(checkpoint_file.read_text(encoding="utf-8")),
                                            signing.load_or_create_key().public_key())
        except (ValueError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{checkpoint_file}: {exc}") from exc
    report = verify_against_checkpoints(given)
    click.echo(json.dumps(report, indent=2))
    sys.exit(0 if report["intact"] else 1)


@audit_cli.command("checkpoint")
def checkpoint_command() -> None:
    """Sign the chain head, store it in AI_REGISTER_CHECKPOINT_DIR and e-mail it to the auditors (cron).

    Refuses (exit 1) to sign a chain that does not verify or contradicts an earlier checkpoint."""

    report = verify_against_checkpoints()
    if not report["intact"]:
        click.echo(json.dumps(report, indent=2), err=True)
        raise click.ClickException("the chain is broken; no checkpoint was signed")
    checkpoint = create_checkpoint()
    click.echo(checkpoints.line(checkpoint))

    recipients = sorted({*db.session.scalars(select(User.email).where(User.role == "auditor", User.active.is_(True))),
                         *current_app.config["CHECKPOINT_MAIL_TO"]})
    if not mail.configured() or not recipients:
        click.echo("not e-mailed (no mail server or no auditors configured)", err=True)
        return
    body = ("The register signed this checkpoint of its audit chain. Keep this e-mail: with it you can show "
            "later that no event up to this position was removed or changed (tools/verify_bundle.py "
            "--checkpoints, or POST /api/v1/audit/verify).\n\n" + checkpoints.line(checkpoint) + "\n")
    failed = []
    for address in recipients:
        try:
            mail.send(address, subject=f"ai-register checkpoint: position {checkpoint['position']}", body=body)
        except mail.MailError as exc:
            failed.append(f"{address}: {exc}")
    if failed:
        click.echo("not delivered to: " + "; ".join(failed), err=True)
        sys.exit(2)
    click.echo(f"e-mailed to {len(recipients)} recipient(s)", err=True)
