"""The application factory: extensions, blueprints, error handlers, request hooks and CLI in one place."""

from __future__ import annotations

import re
import uuid

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, ServiceUnavailable, UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ai_register import acting, health, web
from ai_register import config as config_module
from ai_register import models as _every_model  # noqa: F401 - so metadata and Alembic see every table
from ai_register.audit import api as audit_api
from ai_register.audit import views as audit_views
from ai_register.audit.cli import audit_cli
from ai_register.classification import api as classification_api
from ai_register.classification import views as classification_views
from ai_register.demo import demo_cli
from ai_register.errors import handle_http_exception, register_error_handlers
from ai_register.evidence import api as evidence_api
from ai_register.evidence import views as evidence_views
from ai_register.extensions import MAX_ID, api, babel, csrf, db, limiter, login_manager, migrate, storage_json
from ai_register.fria import api as fria_api
from ai_register.fria import views as fria_views
from ai_register.goals import api as goals_api
from ai_register.goals import views as goal_views
from ai_register.incidents import api as incidents_api
from ai_register.incidents import deviation_api, deviation_views
from ai_register.incidents import views as incident_views
from ai_register.literacy import api as literacy_api
from ai_register.literacy import views as literacy_views
from ai_register.main import views as main_views
from ai_register.monitoring import api as monitoring_api
from ai_register.monitoring import views as monitoring_views
from ai_register.notifications import api as notifications_api
from ai_register.notifications.cli import reminders_cli
from ai_register.obligations import api as obligations_api
from ai_register.obligations import views as obligation_views
from ai_register.onboarding import api as onboarding_api
from ai_register.onboarding import views as onboarding_views
from ai_register.onboarding.cli import import_cli, privacy_cli
from ai_register.oversight import api as oversight_api
from ai_register.oversight import views as oversight_views
from ai_register.portfolio import api as portfolio_api
from ai_register.portfolio import views as portfolio_views
from ai_register.portfolio.cli import portfolio_cli
from ai_register.public import api as public_api
from ai_register.public import views as public_views
from ai_register.reports import api as reports_api
from ai_register.reports import views as reports_views
from ai_register.request_limits import MAX_JSON_DEPTH, json_nesting_exceeds, unusable_json
from ai_register.reviews import api as reviews_api
from ai_register.reviews import views as review_views
from ai_register.rules.cli import rules_cli
from ai_register.security import enforce_access
from ai_register.session_cookie import SessionInterface
from ai_register.solutions import api as solutions_api
from ai_register.solutions import phase_views
from ai_register.solutions import views as solution_views
from ai_register.suppliers import api as suppliers_api
from ai_register.suppliers import views as supplier_views
from ai_register.users import account_views, auth_cache, people_views
from ai_register.users import admin_views as users_admin_views
from ai_register.users import api as users_api
from ai_register.users import views as users_views
from ai_register.users.cli import users_cli

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets inline styles on its elements; scripts stay same-origin only.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs: a database id, so at most 2^31 - 1; a larger number is a 404, not a 500."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=None, instance_relative_config=False)
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    app.config.update(config_module.from_environment())
    app.config.update(config or {})
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below for web forms only; the API uses tokens
    config_module.check_production(app.config)
    config_module.check_sqlite_version(app.config["SQLALCHEMY_DATABASE_URI"])
    if hops := app.config.get("TRUSTED_PROXIES", 0):
        # The client's address and scheme as the region's reverse proxies saw them (docs/security.md):
        # only the last `hops` X-Forwarded-For entries are believed, an address a client writes itself is not.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    # The audit chain verifies by hashing stored text, so JSON is stored compact (audit.chain).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_serializer": storage_json,
                                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.PROJECT_ROOT / "migrations"),
                     compare_type=True, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    auth_cache.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    csrf.init_app(app)
    api.init_app(app)

    app.jinja_env.globals["get_locale"] = get_locale
    _register_blueprints(app)
    _register_cli(app)
    _register_request_hooks(app)

    register_error_handlers(app)
    app.register_error_handler(CSRFError, _csrf_error)
    return app


def _register_blueprints(app: Flask) -> None:
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
    api.register_blueprint(users_api.blp)
    app.register_blueprint(health.bp)
    app.register_blueprint(users_views.bp)
    app.register_blueprint(users_admin_views.bp)
    app.register_blueprint(people_views.bp)
    app.register_blueprint(main_views.bp)
    app.register_blueprint(portfolio_views.bp)
    app.register_blueprint(onboarding_views.bp)
    app.register_blueprint(public_views.bp)
    app.register_blueprint(incident_views.bp)
    app.register_blueprint(deviation_views.bp)
    app.register_blueprint(obligation_views.bp)
    app.register_blueprint(fria_views.bp)
    app.register_blueprint(literacy_views.bp)
    app.register_blueprint(goal_views.bp)
    app.register_blueprint(evidence_views.bp)
    app.register_blueprint(oversight_views.bp)
    app.register_blueprint(classification_views.bp)
    app.register_blueprint(review_views.bp)
    app.register_blueprint(solution_views.bp)
    app.register_blueprint(phase_views.bp)
    app.register_blueprint(supplier_views.bp)
    app.register_blueprint(monitoring_views.bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(reports_views.bp)
    for blueprint in web.blueprints():
        app.register_blueprint(blueprint)


def _api_blueprints() -> list:
    """The API blueprints of the domain areas, registered in one place."""

    return [audit_api.blp, solutions_api.blp, goals_api.blp, evidence_api.blp, oversight_api.blp,
            classification_api.blp, incidents_api.blp, deviation_api.blp, reviews_api.blp, notifications_api.blp,
            reports_api.blp, public_api.blp, public_api.descriptions_blp, onboarding_api.blp,
            portfolio_api.blp, obligations_api.blp, fria_api.blp, literacy_api.blp,
            monitoring_api.blp, suppliers_api.blp]


def _register_cli(app: Flask) -> None:
    for group in (users_cli, audit_cli, demo_cli, reminders_cli, rules_cli, import_cli, privacy_cli,
                  portfolio_cli):
        app.cli.add_command(group)


def _select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if not request.path.startswith("/api/") else None
    return chosen if chosen in languages else (
        request.accept_languages.best_match(languages) if request.path.startswith("/api/") else None
    ) or current_app.config["BABEL_DEFAULT_LOCALE"]


CSRF_REFUSAL = "The form expired or was not sent from this site. Reload the page and try again."


def _csrf_error(error: CSRFError):
    current_app.logger.info("CSRF refusal: %s", error.description)
    return handle_http_exception(BadRequest(CSRF_REFUSAL))


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.acting_token = acting.start(channel="web", request_id=g.request_id)
        limit = app.config["MAX_JSON_BYTES"]
        if request.is_json and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge(f"JSON bodies are limited to {limit // 1024} KiB.")
        if request.is_json and json_nesting_exceeds(request.get_data(cache=True)):
            raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused.")
        if request.is_json and (reason := unusable_json(request.get_data(cache=True))):
            raise BadRequest(reason)
        _refuse_unsupported_body()
        _refuse_nul_characters()
        if (request.method in {"POST", "PUT", "PATCH", "DELETE"} and not request.path.startswith("/api/")
                and app.config["WTF_CSRF_ENABLED"]):
            csrf.protect()

    app.before_request(enforce_access)

    @app.after_request
    def finish_request(response):
        """One commit per request, after the view succeeded; anything else is rolled back."""
        if response.status_code < 400:
            try:
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
                app.logger.exception("commit failed")

                response = handle_http_exception(ServiceUnavailable("The change could not be saved; try again."))
        else:
            db.session.rollback()
        _set_security_headers(response)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    @app.teardown_request
    def end_acting(_error=None):
        """Whoever acted in this request acts no more (a thread serves the next request afresh)."""
        token = g.pop("acting_token", None)
        if token is not None:
            acting.finish(token)


API_BODY_TYPES = frozenset({"multipart/form-data"})  # besides JSON: file uploads


def _refuse_unsupported_body() -> None:
    """The API reads JSON (and files as multipart/form-data): a body of any other type is refused with
    415 at the door, instead of being read as no body at all ("missing field")."""
    if not request.path.startswith("/api/") or request.method not in {"POST", "PUT", "PATCH"}:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    if has_body and not request.is_json and request.mimetype not in API_BODY_TYPES:
        raise UnsupportedMediaType(f"The body must be JSON (Content-Type: application/json), not "
                                   f"{request.mimetype or 'an unnamed type'}; files go as multipart/form-data.")


def _refuse_nul_characters() -> None:
    """NUL is never meaningful text, and PostgreSQL cannot store it: refuse it at the door (400)
    in the query string, form fields and JSON bodies (raw or as the \\u0000 escape). Uploaded files are bytes
    and are not inspected here."""
    found = any("\x00" in v for v in request.args.values()) or any(
        isinstance(v, str) and "\x00" in v for v in (request.view_args or {}).values())
    if not found and request.method in {"POST", "PUT", "PATCH"}:
        if request.is_json:
            body = request.get_data(cache=True)
            found = b"\x00" in body or b"\\u0000" in body
        elif request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            found = any("\x00" in value for value in request.form.values())
    if found:
        raise BadRequest("The request contains a NUL character (\\0), which is not allowed in text.")


_SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                     ("Referrer-Policy", "same-origin"), ("Cross-Origin-Opener-Policy", "same-origin"),
                     ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
SECURITY_HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), *_SECURITY_HEADERS)
DOCS_SECURITY_HEADERS = (("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY), *_SECURITY_HEADERS)
NOT_STORED = ("Cache-Control", "no-store")


def _set_security_headers(response) -> None:
    """Each header unless the view set its own (as `setdefault`, with one look at the headers instead of
    one per header: werkzeug looks a name up by folding the case of every header)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    path = request.path
    wanted = DOCS_SECURITY_HEADERS if path.startswith("/api/docs") else SECURITY_HEADERS
    if path.startswith("/api/") or request.endpoint in {"auth.login"}:
        wanted = (*wanted, NOT_STORED)
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
