"""`flask users create|deactivate|list`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from werkzeug.exceptions import Conflict, HTTPException

from ai_register.extensions import db
from ai_register.security import ALL_ROLES
from ai_register.users import services

users_cli = AppGroup("users", help="User accounts and roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(sorted(ALL_ROLES)), required=True)
@click.option("--name", "display_name", help="Display name (defaults to the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a user; the password comes from a prompt or --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, role, display_name=display_name, password=password)
        db.session.commit()
    except HTTPException as exc:
        db.session.rollback()
        raise click.ClickException(exc.description) from exc
    click.echo(f"created {user.email} ({user.role}), id {user.id}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate a user and revoke all their tokens. Takes effect at the next request."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    try:
        services.deactivate_user(user)
    except Conflict as exc:
        raise click.ClickException(exc.description) from exc
    db.session.commit()
    click.echo(f"deactivated {user.email}")


@users_cli.command("list")
def list_command() -> None:
    from sqlalchemy import select

    from ai_register.users.models import User

    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.active else 'deactivated'}")
