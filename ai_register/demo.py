"""`flask demo load`: demo accounts (and, as the areas grow, a realistic Swedish region)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ai_register.demo_region import load_region
from ai_register.demo_scale import load_scale_command
from ai_register.extensions import db
from ai_register.users import services as users

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_USERS = [
    ("agare@region.example", "owner", "Anna Lindqvist", "demo-owner-2026"),
    ("agare2@region.example", "owner", "Erik Nilsson", "demo-owner2-2026"),
    ("granskare@region.example", "compliance", "Maria Johansson", "demo-compliance-2026"),
    ("granskare2@region.example", "compliance", "Karin Berg", "demo-compliance2-2026"),
    ("revisor@region.example", "auditor", "Lars Holm", "demo-auditor-2026"),
    ("admin@region.example", "admin", "Sara Ek", "demo-admin-2026"),
    ("personal@region.example", "staff", "Nora Pettersson", "demo-staff-2026"),
]
# The demo people by the keys the portfolio uses (ai_register/demo_region.py).
DEMO_PEOPLE = dict(zip(("owner", "owner2", "compliance", "compliance2", "auditor", "admin", "staff"),
                       (email for email, *_rest in DEMO_USERS), strict=True))


def demo_loaded() -> bool:
    return users.find_user_by_email(DEMO_USERS[0][0]) is not None


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo is already loaded.")
@click.option("--scale", type=click.IntRange(min=1), default=None,
              help="Instead: bulk-load N solutions and 10·N chained audit events (benchmarks).")
def load_command(if_empty: bool, scale: int | None = None) -> None:
    """Load demo accounts and data; prints the demo passwords once."""
    if current_app.config.get("PRODUCTION"):
        # Demo accounts have published passwords, and scale data would enter the append-only audit chain
        # for good: neither belongs in a production register.
        raise click.ClickException("refused: AI_REGISTER_ENV=production (demo data never goes into production)")
    if scale:
        load_scale_command(scale)
        return
    if demo_loaded():
        if if_empty:
            click.echo("demo data already loaded")
            return
        raise click.ClickException("demo data already loaded")
    for email, role, name, password in DEMO_USERS:
        users.create_user(email, role, display_name=name, password=password)
    db.session.flush()
    solutions = load_region(DEMO_PEOPLE)
    db.session.commit()
    click.echo(f"Demo region: {len(solutions)} solutions in every phase.")
    click.echo("Demo accounts (shown once):")
    for email, role, _name, password in DEMO_USERS:
        click.echo(f"  {role:<11} {email:<28} {password}")
