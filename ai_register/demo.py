"""`flask demo load`: demo accounts (and, as the areas grow, a realistic Swedish region)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

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
]


def demo_loaded() -> bool:
    return users.find_user_by_email(DEMO_USERS[0][0]) is not None


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo is already loaded.")
def load_command(if_empty: bool) -> None:
    """Load demo accounts and data; prints the demo passwords once."""
    if demo_loaded():
        if if_empty:
            click.echo("demo data already loaded")
            return
        raise click.ClickException("demo data already loaded")
    for email, role, name, password in DEMO_USERS:
        users.create_user(email, role, display_name=name, password=password)
    db.session.commit()
    click.echo("Demo accounts (shown once):")
    for email, role, _name, password in DEMO_USERS:
        click.echo(f"  {role:<11} {email:<28} {password}")
