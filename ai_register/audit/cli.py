"""`flask audit verify`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from ai_register.audit.services import verify_stored_chain

audit_cli = AppGroup("audit", help="Audit trail: verify the hash chain.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute every link of the chain; exit 1 at the first broken link."""
    report = verify_stored_chain()
    click.echo(json.dumps(report.as_dict(), indent=2))
    sys.exit(0 if report.intact else 1)
