"""One error handler: RFC 9457 problem+json under /api/, a friendly HTML page elsewhere.

Services raise the register's own refusals (`ai_register.exceptions`); this is the one place that gives
them an HTTP status. Every problem carries a machine-readable `code` (`role`, `four_eyes`,
`gate_not_met`, …; for plain HTTP errors one derived from the status), so clients need not read words.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from ai_register import apikit, exceptions
from ai_register.extensions import db
from ai_register.openapi import PROBLEM_CONTENT_TYPE

log = logging.getLogger(__name__)


class Problem(HTTPException):
    """An HTTP error with problem-details extensions (e.g. unmet gate conditions)."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 errors: dict | None = None, headers: dict | None = None, **extensions):
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.errors = errors
        self.extensions = extensions
        self.extra_headers = headers or {}


# The status of each refusal; the first matching class wins, so subclasses come before their bases.
DOMAIN_STATUS: tuple[tuple[type[exceptions.DomainError], int], ...] = (
    (exceptions.NotFound, 404),
    (exceptions.NotAllowed, 403),
    (exceptions.NotAuthenticated, 401),
    (exceptions.TooLarge, 413),
    (exceptions.UnsupportedType, 415),
    (exceptions.InvalidInput, 422),
    (exceptions.Stale, 412),
    (exceptions.VersionRequired, 428),
    (exceptions.Conflict, 409),
    (exceptions.TooManyAttempts, 429),
    (exceptions.Unavailable, 503),
    (exceptions.DomainError, 400),
)

# The `code` of problems that no refusal names (routing, parsing, the database, rate limits).
STATUS_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "not_allowed", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 412: "stale", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid_input", 428: "version_required",
    429: "too_many_requests", 500: "internal_error", 503: "unavailable",
}


def status_of(error: exceptions.DomainError) -> int:
    """The HTTP status a refusal answers with (a page shown with the refusal uses it too)."""
    return next(status for kind, status in DOMAIN_STATUS if isinstance(error, kind))


def as_problem(error: exceptions.DomainError) -> Problem:
    """A refusal as the HTTP problem it answers with."""
    status = status_of(error)
    headers = {}
    if isinstance(error, exceptions.Stale) and error.extensions.get("current_version") is not None:
        headers["ETag"] = f'"{error.extensions["current_version"]}"'
    if isinstance(error, exceptions.TooManyAttempts):
        headers["Retry-After"] = str(error.extensions["retry_after_seconds"])
    return Problem(status, error.detail, title=error.title, errors=getattr(error, "errors", None) or None,
                   headers=headers, code=error.code, **error.extensions)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem_body(error: HTTPException) -> dict:
    status = error.code or 500
    title = getattr(error, "title", None) or error.name
    body = {
        "type": f"https://ai-register.example/problems/{status}",
        "title": title,
        "status": status,
        "detail": error.description or title,
        "instance": request.path,
    }
    data = getattr(error, "data", None) or {}
    errors = getattr(error, "errors", None) or data.get("errors") or data.get("messages")
    if errors:
        # webargs nests messages by location ({"json": {...}}); clients want field names.
        if isinstance(errors, dict) and set(errors) <= {"json", "query", "form", "headers", "files", "view_args"}:
            flat: dict = {}
            for location_errors in errors.values():
                flat.update(location_errors if isinstance(location_errors, dict) else {"_": location_errors})
            errors = flat
        body["errors"] = apikit.english(errors)  # a schema's messages in marshmallow's English, as always
        if status == 422 and isinstance(errors, dict):
            body["detail"] = "Invalid input: " + ", ".join(sorted(str(k) for k in errors))
    body.update(getattr(error, "extensions", None) or {})
    body.setdefault("code", STATUS_CODES.get(status, "error"))
    return body


# The web pages' titles and werkzeug's generic descriptions in the reader's language; problem+json
# keeps the English of RFC 9110 for clients.
STATUS_TITLES = {
    400: _l("Bad request"),
    401: _l("Not signed in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    412: _l("Changed meanwhile"),
    413: _l("Too large"),
    415: _l("Unsupported type"),
    422: _l("The input cannot be used"),
    429: _l("Too many requests"),
    500: _l("Internal error"),
    503: _l("Temporarily unavailable"),
}
STATUS_DESCRIPTIONS = {
    400: _l("The request could not be understood. Go back and try again."),
    401: _l("Sign in to see this page."),
    403: _l("You do not have permission to do this."),
    404: _l("The page or record does not exist, or you may not see it."),
    405: _l("This page cannot be used that way."),
    409: _l("The change conflicts with the current state of the register; nothing was saved."),
    412: _l("Someone else changed the record meanwhile; nothing was saved. Open it again and retry."),
    413: _l("What was sent is too large."),
    415: _l("That type of file or content is not accepted."),
    422: _l("Some of the input cannot be used; nothing was saved."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("Something went wrong on our side; nothing was saved. Try again, or tell the administrator."),
    503: _l("The register is temporarily unavailable; try again shortly."),
}
# Descriptions raised in English across the register that web users meet often, marked so the catalog
# translates them; any other description shows the status's generic one in a language other than English.
WEB_DESCRIPTIONS = (
    _l("No such solution."), _l("No such classification."), _l("No such incident."), _l("No such evidence."),
    _l("No such request."), _l("No such transition request."), _l("No such user."), _l("No such person."),
    _l("No such indicator."), _l("No such goal for this solution."), _l("No such assessment for this solution."),
    _l("No such notification."), _l("No such token."), _l("The solution is retired and read-only."),
    _l("Your role may read this solution but not change it."), _l("Your role may not do this."),
    _l("Sign in first."),
    _l("Four eyes: you answered this classification, so someone else must review it."),
    _l("Four eyes: you submitted this classification, so someone else must review it."),
    _l("Four eyes: you are, or were since this version was answered, an owner or co-owner of this solution, "
       "so someone else must review its classification."),
    _l("Four eyes: you were an owner or co-owner of this solution within the cooling-off period before this "
       "version was answered, so someone else must review its classification."),
    _l("Four eyes: you were an owner or co-owner of this solution within the cooling-off period before the "
       "request, so another compliance officer must decide it."),
    _l("Four eyes: you requested this transition, so another compliance officer must decide it."),
    _l("Four eyes: you are, or were since the request, an owner or co-owner of this solution, so another "
       "compliance officer must decide it."),
)


def page_title_and_detail(error: HTTPException) -> tuple[str, str]:
    """The error page's title and text in the reader's language."""
    status = error.code or 500
    title = str(STATUS_TITLES.get(status, error.name))
    generic = STATUS_DESCRIPTIONS.get(status)
    detail = error.description
    if not detail or detail == getattr(type(error), "description", None):
        return title, str(generic) if generic else (detail or title)
    translated = gettext(detail)
    if translated == detail and str(get_locale()) != "en" and generic:
        return title, str(generic)
    return title, translated


def handle_http_exception(error: HTTPException):
    # RFC 9110 §15.5.6: a 405 names the methods the resource does allow.
    allow = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    if not wants_problem_json():
        status = error.code or 500
        title, detail = page_title_and_detail(error)
        return render_template("error.html", status=status, title=title, detail=detail), status, allow
    response = jsonify(problem_body(error))
    response.headers.update(allow)
    response.status_code = error.code or 500
    response.mimetype = PROBLEM_CONTENT_TYPE
    for name, value in (getattr(error, "extra_headers", None) or {}).items():
        response.headers[name] = value
    data = getattr(error, "data", None) or {}
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ai-register"'
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def database_unreachable(error: DBAPIError) -> bool:
    """Whether the error is an outage (the database cannot be reached) rather than a statement the
    database or the driver refused (too many parameters, a bug): only an outage is worth a retry.
    A lost connection is one; an OperationalError on a live connection is one only if the database
    does not answer a trivial statement now."""

    if getattr(error, "connection_invalidated", False) or error.statement is None:
        return True  # the connection broke, or none could be made
    if not isinstance(error, OperationalError):
        return False
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except DBAPIError:
        db.session.rollback()
        return True
    return False
def handle_domain_error(error: exceptions.DomainError):
    return handle_http_exception(as_problem(error))


def handle_database_unavailable(error: DBAPIError):
    """The database went away: 503 and nothing half-written (the transaction is rolled back). Any
    other database error is a 500 with its own log line."""

    db.session.rollback()
    if database_unreachable(error):
        log.error("database unavailable: %s", error.__class__.__name__)
        return outage_response()
    log.error("database error (not an outage) on %s %s: %s", request.method, request.path,
              str(error.orig or error).splitlines()[0][:300], exc_info=error)
    return handle_http_exception(InternalServerError("An internal error occurred."))


OUTAGE_RETRY_AFTER_SECONDS = 30


def outage_response():
    """503 with Retry-After. The page is rendered without the database: the signed-in user cannot be read
    (loading them again for the page header is what used to turn an outage into a bare 500), so the page
    shows nobody; the language comes from the session cookie or the browser, not from the database."""

    if not wants_problem_json():
        g._login_user = AnonymousUserMixin()
    response = make_response(handle_http_exception(
        ServiceUnavailable("The database is not reachable; try again shortly.")))
    response.headers["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
    return response


def handle_stale_data(error: StaleDataError):
    """Another writer committed first (optimistic lock): nothing of ours is written; read again."""

    db.session.rollback()
    return handle_http_exception(Problem(
        412, "The record was changed by someone else meanwhile; nothing was saved. Read it again and retry.",
        title="Precondition Failed"))


def handle_integrity_error(error: IntegrityError):
    """A uniqueness or reference rule of the database refused the write (usually a concurrent twin)."""

    db.session.rollback()
    log.warning("integrity error: %s", error.orig.__class__.__name__ if error.orig else error)
    return handle_http_exception(Problem(
        409, "The change conflicts with the current state of the register (for example a concurrent "
        "identical change); nothing was saved. Reload and try again.", title="Conflict"))


def handle_data_error(error: DataError):
    """The database refused a value (out of range, malformed): the client's input, so 400, never 500.
    Schemas bound what they can; this is the net under them."""

    db.session.rollback()
    log.warning("database refused a value: %s", error.orig.__class__.__name__ if error.orig else error)
    return handle_http_exception(BadRequest("A value in the request is out of range or malformed for the register."))


def handle_unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError("An internal error occurred."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(exceptions.DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
