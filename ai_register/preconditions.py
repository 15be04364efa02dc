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

from ai_register.exceptions import Stale, VersionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_parameter(noun: str) -> dict:
    """The OpenAPI header parameter of a guarded write."""
    return {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string", "minLength": 1},
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
