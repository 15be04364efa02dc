"""One error handler: RFC 9457 problem+json under /api/, a friendly HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

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
        body["errors"] = errors
        if status == 422 and isinstance(errors, dict):
            body["detail"] = "Invalid input: " + ", ".join(sorted(str(k) for k in errors))
    body.update(getattr(error, "extensions", None) or {})
    return body


def handle_http_exception(error: HTTPException):
    if not wants_problem_json():
        status = error.code or 500
        return render_template("error.html", status=status, title=error.name,
                               detail=error.description), status
    response = jsonify(problem_body(error))
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


def handle_database_unavailable(error: DBAPIError):
    """The database went away: 503 and nothing half-written (the transaction is rolled back)."""
    from ai_register.extensions import db

    db.session.rollback()
    if isinstance(error, OperationalError) or getattr(error, "connection_invalidated", False):
        log.error("database unavailable: %s", error.__class__.__name__)
        return handle_http_exception(ServiceUnavailable("The database is not reachable; try again shortly."))
    log.exception("database error")
    return handle_http_exception(InternalServerError("An internal error occurred."))


def handle_stale_data(error: StaleDataError):
    """Another writer committed first (optimistic lock): nothing of ours is written; read again."""
    from ai_register.extensions import db

    db.session.rollback()
    return handle_http_exception(Problem(
        412, "The record was changed by someone else meanwhile; nothing was saved. Read it again and retry.",
        title="Precondition Failed"))


def handle_integrity_error(error: IntegrityError):
    """A uniqueness or reference rule of the database refused the write (usually a concurrent twin)."""
    from ai_register.extensions import db

    db.session.rollback()
    log.warning("integrity error: %s", error.orig.__class__.__name__ if error.orig else error)
    return handle_http_exception(Problem(
        409, "The change conflicts with the current state of the register (for example a concurrent "
        "identical change); nothing was saved. Reload and try again.", title="Conflict"))


def handle_data_error(error: DataError):
    """The database refused a value (out of range, malformed): the client's input, so 400, never 500.
    Schemas bound what they can; this is the net under them."""
    from ai_register.extensions import db

    db.session.rollback()
    log.warning("database refused a value: %s", error.orig.__class__.__name__ if error.orig else error)
    return handle_http_exception(BadRequest("A value in the request is out of range or malformed for the register."))


def handle_unexpected(error: Exception):
    from ai_register.extensions import db

    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError("An internal error occurred."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
