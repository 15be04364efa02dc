"""`flask users create|deactivate|sign-out|set-password|list`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ai_register.exceptions import Conflict, DomainError
from ai_register.extensions import db
from ai_register.security import ALL_ROLES
from ai_register.users import services
from ai_register.users.models import User

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
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail) from exc
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
        raise click.ClickException(exc.detail) from exc
    db.session.commit()
    click.echo(f"deactivated {user.email}")


def _user(email: str):
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    return user


@users_cli.command("sign-out")
@click.argument("email")
def sign_out_command(email: str) -> None:
    """Sign a user out everywhere: revoke every token and end every web session."""
    user = _user(email)
    count = services.sign_out_everywhere(user)
    db.session.commit()
    click.echo(f"signed out {user.email} everywhere ({count} tokens revoked)")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a user's password (a reset); every web session and sign-in token of theirs ends."""
    user = _user(email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        services.change_password(user, password)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"The password must have at least {services.MIN_PASSWORD_LENGTH} characters.") \
            from exc
    db.session.commit()
    click.echo(f"password of {user.email} set; their sessions and sign-in tokens have ended")


@users_cli.command("list")
def list_command() -> None:
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{'active' if user.active else 'deactivated'}")
