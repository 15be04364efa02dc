"""Single sign-on with the region's identity provider (OpenID Connect, Authlib's Flask client).

Authentication (and MFA) is the identity provider's job; the register decides who may do what. The
role comes from a group claim mapped by configuration and is read again at every sign-in, so moving a
person between groups at the provider changes their role here at their next sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import select

from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.config import ConfigError
from ai_register.exceptions import NotAllowed
from ai_register.extensions import db
from ai_register.onboarding.models import ExternalIdentity
from ai_register.security import ALL_ROLES, STAFF
from ai_register.users import services as users
from ai_register.users.models import User

CLIENT_NAME = "region"
EXTENSION = "ai_register_oidc"


class SignInRefused(Exception):
    """The identity provider vouched for the person, but the register does not let them in; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- configuration


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def local_passwords(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("LOCAL_PASSWORDS", True))


def provider_name() -> str:
    return current_app.config.get("OIDC_PROVIDER_NAME") or current_app.config["OIDC_ISSUER"]


def init_app(app: Flask) -> None:
    """Register the provider's client when SSO is configured; refuse settings nobody could sign in with."""
    if not enabled(app):
        if not local_passwords(app):
            raise ConfigError("AI_REGISTER_LOCAL_PASSWORDS=false needs single sign-on: set AI_REGISTER_OIDC_ISSUER "
                              "and AI_REGISTER_OIDC_CLIENT_ID.")
        return
    unknown = sorted(set(app.config["OIDC_ROLE_MAP"].values()) - ALL_ROLES)
    if unknown:
        raise ConfigError(f"AI_REGISTER_OIDC_ROLE_MAP names unknown roles {unknown}; use {sorted(ALL_ROLES)}.")
    oauth = OAuth(app)
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions[EXTENSION] = oauth


def client():
    return current_app.extensions[EXTENSION].create_client(CLIENT_NAME)


# --------------------------------------------------------------------------- the role, pure


def claimed_groups(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The groups in the claim: a list, or one string (some providers send a space- or comma-separated one)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list | tuple):
        return [str(part) for part in value]
    return []


def mapped_role(groups: list[str], role_map: Mapping[str, str]) -> str | None:
    """The role of the first mapping (in configuration order) whose group the person is in, else None."""
    member = set(groups)
    return next((role for group, role in role_map.items() if group in member), None)


def staff_role(claims: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """`staff` for a person of the region's own organisation (a configured claim and its values) who is
    in no mapped group; None otherwise."""
    claim, values = config.get("OIDC_STAFF_CLAIM"), set(config.get("OIDC_STAFF_VALUES") or ())
    if not claim or not values:
        return None
    return STAFF if set(claimed_groups(claims, claim)) & values else None


# --------------------------------------------------------------------------- signing in


def sign_in(claims: Mapping[str, Any]) -> User:
    """The account for verified id-token claims: found by issuer and subject, else linked by e-mail,
    else created; its role set from the group claim. Raises SignInRefused when there is no way in."""
    config = current_app.config
    issuer, subject = str(claims.get("iss") or config["OIDC_ISSUER"]), str(claims["sub"])
    groups = claimed_groups(claims, config["OIDC_ROLE_CLAIM"])
    role = mapped_role(groups, config["OIDC_ROLE_MAP"]) or staff_role(claims, config)
    if role is None:
        raise SignInRefused("no_group")
    identity = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.issuer == issuer,
                                                                ExternalIdentity.subject == subject))
    user = identity.user if identity is not None else _link_or_create(claims, role)
    if not user.active:
        raise SignInRefused("deactivated")
    reason = f"role from the identity provider's '{config['OIDC_ROLE_CLAIM']}' claim at sign-in"
    name = str(claims.get("name") or "").strip()[:200] or None
    users.update_user(user, role=role, display_name=name, reason=reason)
    now = datetime.now(UTC)
    if identity is None:
        identity = ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject, created_at=now,
                                    last_groups=" ".join(groups)[:2000])
        db.session.add(identity)
        audit.record_create(identity, "external_identity", reason=coded("first_sign_in"))
    identity.last_sign_in_at = now
    identity.last_groups = " ".join(groups)[:2000]
    return user


def _link_or_create(claims: Mapping[str, Any], role: str) -> User:
    email = str(claims.get("email") or "").strip()
    if not email:
        raise SignInRefused("no_email")
    existing = users.find_user_by_email(email)
    if existing is not None:
        # Only an address the provider says it has verified may take over an existing local account; many
        # providers leave the claim out, and then a user who can edit their own e-mail could take it over.
        if claims.get("email_verified") is not True:
            raise SignInRefused("email_unverified")
        return existing
    return users.create_user(email, role, display_name=str(claims.get("name") or "").strip()[:200] or None)


# --------------------------------------------------------------------------- local passwords


def login_options() -> dict:
    """What the sign-in page offers: the password form and/or the identity provider's button."""
    return {"local_passwords": local_passwords(), "sso_enabled": enabled(),
            "sso_provider": provider_name() if enabled() else None}


def require_local_passwords() -> None:
    if not local_passwords():
        raise NotAllowed("Sign-in with a password is switched off in this register. Sign in through "
                         f"{provider_name()} on the web and create a named API token on your profile page.",
                    title="Password sign-in switched off")
