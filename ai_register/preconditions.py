"""No lost updates on any versioned record: a write names the version it read in `If-Match`.

Every record a client changes in place (a solution, an incident, a goal, the benefit estimate, an
indicator) carries a version that each UPDATE checks and moves on (SQLAlchemy's version_id_col); its
ETag is that number in quotes. A write without If-Match is 428, with a version other than the
current one 412 (the current ETag comes back so the client can read again). A race between the check
and the commit still ends in 412 (errors.handle_stale_data).

`If-Match: *` is refused with 428: RFC 9110 lets it match any current representation, which is a
blind overwrite, exactly what the header is here to prevent. Weak tags (`W/"3"`) and lists are read
as the version numbers they name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from ai_register.exceptions import Stale, VersionRequired
from ai_register.extensions import db


def etag(version: int) -> str:
    return f'"{version}"'


# What the header must hold to be read as a version at all (else 428): something besides spaces, and no `*`.
IF_MATCH_SCHEMA = {"type": "string", "pattern": r"^[^*]*[^*\s][^*]*$"}


def if_match_parameter(noun: str) -> dict:
    """The OpenAPI header parameter of a guarded write."""
    return {"in": "header", "name": "If-Match", "required": True, "schema": IF_MATCH_SCHEMA,
            "description": f"The ETag of the {noun} as last read (428 without it or with `*`, 412 when stale)"}


def etag_header(noun: str) -> dict:
    return {"ETag": {"description": f"The {noun}'s version; send it back as If-Match", "schema": {"type": "string"}}}


def require_if_match(version: int, if_match: str | None, noun: str) -> None:
    """428 without If-Match (or with `*`), 412 when it names another version than `version`."""
    if not if_match or not if_match.strip():
        raise VersionRequired(f"Send If-Match with the {noun}'s ETag (read it with GET first).")
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")}
    if "*" in wanted:
        raise VersionRequired(f"If-Match: * names no version, so it cannot prevent a lost update; send the "
                              f"{noun}'s ETag as you read it.")
    if str(version) not in wanted:
        # errors.py answers with the current ETag, so the client can read again
        raise Stale(f"The {noun} has changed since you read it; its current version is {version}.",
                    current_version=version)


@contextmanager
def form_version_holds(version: int | None, sent: str | None, noun: str) -> Iterator[None]:
    """The web forms' If-Match. A form for a versioned record carries the version it was read at (a hidden
    field); the save inside this block happens only if that is still the record's version (None: no record
    yet, and the form sent none), and a writer who committed between the check and our flush loses the race
    the same way. Either way nothing is written and the caller gets Stale, to show the form again with the
    person's input kept."""
    if (sent or "").strip() != ("" if version is None else str(version)):
        raise Stale(f"The {noun} was changed by someone else since the form was opened.", current_version=version)
    try:
        yield
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise Stale(f"The {noun} was changed by someone else meanwhile.") from exc
