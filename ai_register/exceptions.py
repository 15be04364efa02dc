"""What the register refuses, in its own words. Services raise these; they know no HTTP.

`ai_register.errors` is the one place that turns them into RFC 9457 problem+json under /api/ (the status
is chosen there) or into a page. Each refusal carries a machine-readable `code` that clients and tests
read instead of matching words in `detail`. Pure: no Flask, no database, so pure modules may raise them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A refusal: `detail` for the person (in English; pages translate it), `code` for machines, `title`
    when the refusal has a more telling summary than its kind, and any further members (`extensions`)
    that the problem carries beside them."""

    code = "refused"

    def __init__(self, detail: str, *, code: str | None = None, title: str | None = None,
                 **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.title = title
        self.extensions = extensions
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """No such record, or one the caller may not see (the two answer alike, so nothing leaks)."""

    code = "not_found"


class NotAllowed(DomainError):
    """The caller may not do this; `code` says why (`role`, `four_eyes`, `not_owner`, …)."""

    code = "not_allowed"


class RoleNotAllowed(NotAllowed):
    """The caller's role may not do this (e.g. an auditor writing)."""

    code = "role"


class FourEyes(NotAllowed):
    """The one who made or owns something may not also decide it; someone else must. `because` (a problem
    member, on every four-eyes refusal) says which bar it is: `answered` (wrote it: a classification's
    answers, a FRIA), `submitted` (submitted it, or marked an obligation not applicable), `requested` (a
    phase change), `owner` (an owner or co-owner now or since), `cooling_off` (an owner or co-owner shortly
    before)."""

    code = "four_eyes"


class InvalidInput(DomainError):
    """The input cannot be used; `errors` maps each field to its messages."""

    code = "invalid_input"

    def __init__(self, detail: str, *, errors: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.errors = dict(errors or {})


class Conflict(DomainError):
    """The change does not fit the register's current state (a retired solution, a closed incident, …)."""

    code = "conflict"


class ReadOnly(Conflict):
    """The record can no longer change (a retired solution)."""

    code = "read_only"


class GateNotMet(Conflict):
    """A phase change or decision refused, naming every unmet condition at once so the owner sees all
    that is left to do."""

    code = "gate_not_met"

    def __init__(self, detail: str, unmet: Sequence[Any], **kwargs: Any) -> None:
        kwargs.setdefault("title", "Gate not met")
        super().__init__(detail, unmet=[u.as_dict() for u in unmet], **kwargs)
        self.unmet = list(unmet)


class Stale(DomainError):
    """Someone else changed the record since the caller read it (a lost update refused)."""

    code = "stale"


class VersionRequired(DomainError):
    """A change that must name the version it was made on (If-Match) did not."""

    code = "version_required"


class TooLarge(InvalidInput):
    """What was sent is larger than the register accepts (an uploaded file)."""

    code = "too_large"


class UnsupportedType(InvalidInput):
    """What was sent is of a type the register does not accept (an uploaded file)."""

    code = "unsupported_media_type"


class NotAuthenticated(DomainError):
    """The caller is not who they claim (wrong e-mail or password, or a deactivated account)."""

    code = "unauthenticated"


class TooManyAttempts(DomainError):
    """Refused for a while after too many attempts; `retry_after_seconds` says how long."""

    code = "too_many_requests"


class Unavailable(DomainError):
    """Something the register needs cannot be used just now (the rule set cannot be loaded)."""

    code = "unavailable"
