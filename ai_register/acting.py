"""Who is acting, through which channel, in which request: set where a request or a command starts and
read by the audit trail (every event's actor, channel and request id) and by `security.actor()`.

Pure (no Flask): the web layer opens it per request (`app.py` and `security.enforce_access`), the CLI and
the demo builder with `acting_as`. Services that decide on the acting user take it as an argument; this
context only names who wrote what in the trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Acting:
    user: Any = None  # users.models.User, or None for nobody signed in
    user_id: int | None = None
    channel: str = "cli"  # "web", "api" or "cli"
    request_id: str | None = None


NOBODY = Acting()
_CURRENT: ContextVar[Acting] = ContextVar("ai_register_acting", default=NOBODY)


def current() -> Acting:
    return _CURRENT.get()


def start(*, channel: str, request_id: str | None = None) -> Token:
    """A request begins: nobody signed in yet. `finish(token)` ends it (so nothing leaks to the next one)."""
    return _CURRENT.set(Acting(channel=channel, request_id=request_id))


def sign_in(user, *, channel: str | None = None) -> None:
    """The request's caller is known (or known to be nobody: `user` None)."""
    now = current()
    _CURRENT.set(replace(now, user=user, user_id=user.id if user is not None else None,
                         channel=channel or now.channel))


def finish(token: Token) -> None:
    try:
        _CURRENT.reset(token)
    except ValueError:  # ended in another context than it began in: end it all the same
        _CURRENT.set(NOBODY)


@contextmanager
def acting_as(user, *, channel: str | None = None) -> Iterator[Any]:
    """Inside, `user` acts (a CLI command, the demo builder, a test calling a service directly)."""
    now = current()
    token = _CURRENT.set(Acting(user=user, user_id=user.id if user is not None else None,
                                channel=channel or now.channel, request_id=now.request_id))
    try:
        yield user
    finally:
        _CURRENT.reset(token)
