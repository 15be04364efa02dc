"""`flask import solutions FILE [--dry-run] --as EMAIL` and `flask privacy apply-retention`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ai_register import acting
from ai_register.exceptions import DomainError
from ai_register.extensions import db
from ai_register.onboarding import importer, privacy
from ai_register.security import COMPLIANCE
from ai_register.users.services import find_user_by_email

import_cli = AppGroup("import", help="Import the region's AI inventory from spreadsheets.")
privacy_cli = AppGroup("privacy", help="The register's own personal data: retention.")


def _act_as(email: str):
    """The compliance officer in whose name the import is made (owner of what has no owner column)."""
    user = find_user_by_email(email)
    if user is None or not user.active or user.role != COMPLIANCE:
        raise click.ClickException(f"--as needs an active compliance account; {email!r} is not one.")
    return user


def _echo_report(report: importer.ImportReport) -> None:
    for error in report.file_errors:
        click.echo(f"header: column {error.column!r}: {error.reason}", err=True)
    for row in report.rows:
        label = {"create": "created" if report.written else "would create", "exists": "exists, skipped",
                 "invalid": "INVALID"}[row.outcome]
        click.echo(f"row {row.row}\t{row.external_id or '-'}\t{label}\t{row.name or ''}")
        for error in row.errors:
            click.echo(f"row {error.row}: column {error.column!r}: {error.reason}", err=True)
    click.echo(f"{report.count('create')} to create, {report.count('exists')} existing, "
               f"{report.count('invalid')} invalid; {'written' if report.written else 'nothing written'}.")


@import_cli.command("solutions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--as", "as_email", required=True, help="E-mail of the compliance officer making the import.")
def import_solutions_command(file: Path, dry_run: bool, as_email: str) -> None:
    """Import solutions from FILE (.xlsx or .csv, see the template). All or nothing; exit 1 on bad cells."""
    by = _act_as(as_email)
    try:
        with acting.acting_as(by, channel="cli"):
            report = importer.import_file(file.name, file.read_bytes(), by=by, dry_run=dry_run)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail) from exc
    _echo_report(report)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()
    if not report.ok:
        raise SystemExit(1)


@privacy_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Pseudonymise departed staff and blank closed incidents' free text past the configured retention."""
    result = privacy.apply_retention()
    db.session.commit()
    if result.departed_staff_days is None:
        click.echo("departed staff: no retention set (AI_REGISTER_RETENTION_DEPARTED_STAFF_DAYS); nothing done")
    else:
        click.echo(f"pseudonymised {len(result.pseudonymised_users)} departed staff account(s)")
    if result.incident_text_days is None:
        click.echo("incident free text: no retention set (AI_REGISTER_RETENTION_INCIDENT_TEXT_DAYS); nothing done")
    else:
        click.echo(f"blanked the free text of {len(result.blanked_incidents)} closed incident(s)")
