"""Failed sign-ins, counted per account and per client address in the database (OWASP ASVS 2.2.1).

The count lives in a table, not in a worker's memory, so four gunicorn workers (or four hosts) see
one count: the fifth wrong password for an account locks it for 30 seconds whichever worker answers,
and each further failure doubles the lock up to 15 minutes (progressive delay). An address is locked
the same way after 20 failures across any accounts (password spraying). While locked, the password is
not even checked: 429 with Retry-After. A success clears the account's count, never the address's
(one valid account must not reset a spraying address). Counts older than an hour without a new
failure start again from zero.

An unknown e-mail is counted like a known one, so the answer never tells which accounts exist; the
keys are SHA-256 digests, so the table holds no e-mail or address. The web form and POST /auth/token
share the counts. Flask-Limiter keeps the general per-address rate limit on top (extensions.limiter).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ai_register.extensions import db, limiter
from ai_register.users.models import SignInThrottle, utcnow

ACCOUNT, ADDRESS = "account", "address"

# Flask-Limiter's general limit on sign-in: one bucket per client address shared by the web form and
# POST /auth/token (the scope). Its storage is per worker unless AI_REGISTER_RATELIMIT_STORAGE points at
# Redis, so with several workers it is only as strict as that; the database counts below hold regardless.
rate_limit = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="sign-in",
                                  methods=["POST"])


@dataclass(frozen=True)
class Policy:
    account_failures: int = 5      # failures of one account before it is locked
    address_failures: int = 20     # failures from one address (any accounts) before it is locked
    first_lock_seconds: int = 30   # doubled with each further failure ...
    max_lock_seconds: int = 900    # ... up to this
    forget_after_seconds: int = 3600

    @classmethod
    def configured(cls) -> Policy:
        config = current_app.config
        return cls(account_failures=config.get("SIGN_IN_ACCOUNT_FAILURES", cls.account_failures),
                   address_failures=config.get("SIGN_IN_ADDRESS_FAILURES", cls.address_failures),
                   first_lock_seconds=config.get("SIGN_IN_FIRST_LOCK_SECONDS", cls.first_lock_seconds),
                   max_lock_seconds=config.get("SIGN_IN_MAX_LOCK_SECONDS", cls.max_lock_seconds))

    def threshold(self, kind: str) -> int:
        return self.account_failures if kind == ACCOUNT else self.address_failures

    def lock_seconds(self, failures: int, kind: str) -> int:
        """0 below the threshold; then the first lock, doubled per further failure, capped."""
        beyond = failures - self.threshold(kind)
        if beyond < 0:
            return 0
        return min(self.first_lock_seconds * 2 ** min(beyond, 30), self.max_lock_seconds)


def _keys(email: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(ACCOUNT, email.strip().casefold())]
    if address:
        keys.append((ADDRESS, address))
    return [(kind, hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()) for kind, value in keys]


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every moment here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def seconds_locked(email: str, address: str | None, now: datetime | None = None) -> int:
    """How long sign-in stays refused for this account or address (0: not locked)."""
    now = now or utcnow()
    digests = [digest for _, digest in _keys(email, address)]
    rows = db.session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(digests))).all()
    until = [_aware(row.locked_until) for row in rows if row.locked_until is not None]
    remaining = max(((moment - now).total_seconds() for moment in until), default=0)
    return math.ceil(remaining) if remaining > 0 else 0


def _locked_row(kind: str, digest: str, now: datetime) -> SignInThrottle:
    """The counter row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite serialises writers)."""
    query = select(SignInThrottle).where(SignInThrottle.key == digest).with_for_update()
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = SignInThrottle(key=digest, kind=kind, failures=0, last_failure_at=now)
            db.session.add(row)
        return row
    except IntegrityError:  # another worker inserted it first: use theirs
        return db.session.scalar(query.execution_options(populate_existing=True))


def record_failure(email: str, address: str | None, now: datetime | None = None) -> int:
    """Count a failed sign-in for the account and the address; the seconds now locked (0 if none).
    The caller commits even though the request fails (the count must outlive the refusal)."""
    now = now or utcnow()
    policy = Policy.configured()
    locked = 0
    for kind, digest in _keys(email, address):
        row = _locked_row(kind, digest, now)
        if _aware(row.last_failure_at) < now - timedelta(seconds=policy.forget_after_seconds):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        seconds = policy.lock_seconds(row.failures, kind)
        if seconds:
            row.locked_until = now + timedelta(seconds=seconds)
            locked = max(locked, seconds)
    db.session.flush()
    return locked


def record_success(email: str) -> None:
    """A correct password clears the account's count (not the address's)."""
    (_, digest), *_ = _keys(email, None)
    row = db.session.get(SignInThrottle, digest)
    if row is not None and (row.failures or row.locked_until):
        row.failures, row.locked_until = 0, None
