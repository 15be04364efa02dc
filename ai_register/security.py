"""Passwords, JWTs and the one permission check. Access is denied unless a view declares who may call it."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, redirect, request, url_for
from flask_login import AnonymousUserMixin, current_user
from werkzeug.exceptions import Forbidden, NotFound, Unauthorized

from ai_register import acting
from ai_register.errors import Problem
from ai_register.extensions import db
from ai_register.users import auth_cache
from ai_register.users.models import ApiToken

OWNER, COMPLIANCE, AUDITOR, ADMIN, STAFF = "owner", "compliance", "auditor", "admin", "staff"
ALL_ROLES = frozenset({OWNER, COMPLIANCE, AUDITOR, ADMIN, STAFF})
PUBLIC = "public"
# "Any signed-in" of the API table: staff (DOMAIN.md) report deviations and read their own, nothing else,
# so a view open to them names STAFF besides.
SIGNED_IN = frozenset({OWNER, COMPLIANCE, AUDITOR, ADMIN})

_hasher = PasswordHasher()
# A real hash to verify against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# --- declaring access --------------------------------------------------------------------------

def access(*roles: str) -> Callable:
    """Declare the roles that may call a view (or `PUBLIC`). Views without a declaration are refused."""
    allowed = frozenset(roles)
    unknown = allowed - ALL_ROLES - {PUBLIC}
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view):
        view._access = allowed
        return view

    return decorate


public = access(PUBLIC)

# Endpoints of extensions that cannot carry the decorator.
PUBLIC_ENDPOINTS = frozenset({"static", "api-docs.openapi_json"})


def declared_access(endpoint: str | None, method: str) -> frozenset[str] | None:
    """The roles declared for an endpoint and HTTP method, or None when nothing is declared."""
    if endpoint is None:
        return None
    if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return frozenset({PUBLIC})
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        name = "get" if method == "HEAD" else method.lower()
        handler = getattr(view_class, name, None)
        return getattr(handler, "_access", None) or getattr(view_class, "_access", None)
    return getattr(view, "_access", None)


# --- tokens --------------------------------------------------------------------------------------

def issue_token(user, *, kind: str, name: str | None = None, ttl: timedelta) -> tuple[str, object]:
    now = datetime.now(UTC).replace(microsecond=0)
    jti = uuid.uuid4().hex
    record = ApiToken(user_id=user.id, kind=kind, name=name, jti=jti, created_at=now, expires_at=now + ttl)
    db.session.add(record)
    db.session.flush()
    claims = {"sub": str(user.id), "jti": jti, "iat": now, "exp": now + ttl, "typ": kind}
    token = jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm=current_app.config["JWT_ALGORITHM"])
    return token, record


# The claims of bearer tokens this worker has verified, by the token's text and the key and algorithm
# that verified it: a token's claims never change, and decoding it and checking its signature cost
# 0.06–0.18 ms on every API request. Only a token that verified is kept; its expiry is checked again on
# every use (as jwt.decode does), and revocation and the account's state are checked after this, on
# every request, as before.
_VERIFIED: dict[tuple[str, str, str], dict] = {}
_VERIFIED_SIZE = 10_000


def _verified_claims(raw: str) -> dict:
    secret, algorithm = current_app.config["JWT_SECRET"], current_app.config["JWT_ALGORITHM"]
    key = (raw, secret, algorithm)
    claims = _VERIFIED.get(key)
    if claims is not None:
        if claims["exp"] <= time.time():
            raise Unauthorized("The token has expired.")
        return claims
    try:
        claims = jwt.decode(raw, secret, algorithms=[algorithm], options={"require": ["sub", "jti", "iat", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The token has expired.") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("The token is not valid.") from exc
    if len(_VERIFIED) >= _VERIFIED_SIZE:
        _VERIFIED.clear()
    _VERIFIED[key] = {**claims, "exp": int(claims["exp"])}
    return claims


def _authenticate_bearer():
    """The user behind a valid, unrevoked bearer token of an active account; else 401."""

    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized("Authorization header with a bearer token is required.")
    claims = _verified_claims(raw.strip())
    # The token record and its user: from this worker's cache (users/auth_cache.py, kept current by the
    # database's notifications) or in one statement. This runs on every API request.
    found = auth_cache.token_and_user(str(claims["jti"]))
    if found is None or found[0].revoked or str(found[0].user_id) != str(claims["sub"]):
        raise Unauthorized("The token has been revoked or is unknown.")
    token, user = found
    # The record decides the expiry, not only the claim: a token re-signed with a later `exp` (by whoever
    # got the secret) ends when it was issued to end.
    expires_at = token.expires_at if token.expires_at.tzinfo else token.expires_at.replace(tzinfo=UTC)
    if expires_at <= datetime.now(UTC):
        raise Unauthorized("The token has expired.")
    if not user.active:
        raise Unauthorized("The account is deactivated.")
    return user


# --- the one permission check -------------------------------------------------------------------

def enforce_access():
    """before_request: authenticate, then allow only what the view declares for the caller's role."""
    if request.endpoint is None:  # no route: the 404/405 handlers answer
        return None
    is_api = request.path.startswith("/api/")
    acting.sign_in(None, channel="api" if is_api else "web")
    # Flask-Login caches the user on g; never let a previous request's user (or API anonymity) leak
    # into this one when an outer application context is shared (CLI jobs, tests).
    g.pop("_login_user", None)
    allowed = declared_access(request.endpoint, request.method)
    if request.method == "OPTIONS" and request.endpoint:
        return None
    if allowed is None:
        raise Forbidden("This endpoint declares no access and is closed by default.")
    user = None
    if is_api:
        g._login_user = AnonymousUserMixin()  # never a session cookie on the API (no CSRF surface)
        if request.headers.get("Authorization") or PUBLIC not in allowed:
            user = _authenticate_bearer()
            g._login_user = user
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
    acting.sign_in(user)
    if PUBLIC in allowed:
        return None
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if user.role not in allowed:
        raise Problem(403, "Your role may not do this.", code="role")
    return None


def actor():
    """The signed-in user of this request."""
    user = acting.current().user
    if user is None:
        raise Unauthorized("Sign in first.")
    return user


def not_found(what: str = "Not found") -> NotFound:
    return NotFound(what)
