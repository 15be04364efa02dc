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
from sqlalchemy import case, insert, select, update
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
    until = [_aware(moment) for moment in db.session.scalars(
        select(SignInThrottle.locked_until).where(SignInThrottle.key.in_(digests))) if moment is not None]
    remaining = max(((moment - now).total_seconds() for moment in until), default=0)
    return math.ceil(remaining) if remaining > 0 else 0


def _count(kind: str, digest: str, now: datetime, policy: Policy) -> int:
    """One more failure on the counter, in one UPDATE ... RETURNING, so that two workers counting at once
    both count: PostgreSQL locks the row, SQLite the database, for the statement and the transaction after
    it. (Reading the row and writing it back lost a count on SQLite, whose driver begins the transaction
    only at the write.) A count quiet for longer than the policy's hour starts again from one."""
    table = SignInThrottle.__table__
    forgotten = table.c.last_failure_at < now - timedelta(seconds=policy.forget_after_seconds)
    counted = (update(table).where(table.c.key == digest)
               .values(failures=case((forgotten, 1), else_=table.c.failures + 1), last_failure_at=now)
               .returning(table.c.failures))
    failures = db.session.execute(counted).scalar()
    if failures is not None:
        return failures
    try:
        with db.session.begin_nested():
            db.session.execute(insert(table).values(key=digest, kind=kind, failures=1, last_failure_at=now))
        return 1
    except IntegrityError:  # another worker inserted it first: count on theirs
        return db.session.execute(counted).scalar_one()


def record_failure(email: str, address: str | None, now: datetime | None = None) -> int:
    """Count a failed sign-in for the account and the address; the seconds now locked (0 if none).
    The caller commits even though the request fails (the count must outlive the refusal)."""
    now = now or utcnow()
    policy = Policy.configured()
    locked = 0
    for kind, digest in _keys(email, address):
        seconds = policy.lock_seconds(_count(kind, digest, now, policy), kind)
        if seconds:
            table = SignInThrottle.__table__
            db.session.execute(update(table).where(table.c.key == digest)
                               .values(locked_until=now + timedelta(seconds=seconds)))
            locked = max(locked, seconds)
    return locked


def record_success(email: str) -> None:
    """A correct password clears the account's count (not the address's)."""
    (_, digest), *_ = _keys(email, None)
    table = SignInThrottle.__table__
    db.session.execute(update(table).where(table.c.key == digest, (table.c.failures > 0)
                                           | table.c.locked_until.is_not(None))
                       .values(failures=0, locked_until=None))
