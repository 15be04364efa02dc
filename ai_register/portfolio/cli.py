"""`flask portfolio seed-indicators`: the five common indicators of the strategy (idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ai_register.extensions import db
from ai_register.portfolio.indicators import ensure_default_indicators

portfolio_cli = AppGroup("portfolio", help="Portfolio steering.")


@portfolio_cli.command("seed-indicators")
def seed_indicators_command() -> None:
    """Add the common indicators (quality, accessibility, work environment, robustness, economy) that are
    missing; those already there are left as they are."""
    added = ensure_default_indicators()
    db.session.commit()
    click.echo(f"{len(added)} indicator(s) added" + (": " + ", ".join(i.code for i in added) if added else ""))
