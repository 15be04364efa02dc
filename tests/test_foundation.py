"""Errors, headers, health, OpenAPI, configuration and the CLI of the foundation."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from ai_register import create_app
from ai_register.config import ConfigError, check_production, check_sqlite_version, from_environment


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.get_json()["instance"] == "/api/v1/nothing-here"


def test_unknown_web_path_is_a_friendly_page(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)


def test_validation_error_names_the_fields(client):
    response = client.post("/api/v1/auth/token", json={"email": "x"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert "password" in body["errors"] and "password" in body["detail"]


def test_invalid_json_is_a_clear_400(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_oversized_json_body_is_413(client):
    response = client.post("/api/v1/auth/token", data="x" * (1024 * 1024 + 10), content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_internal_errors_show_no_stack_trace(app, client):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    boom._access = frozenset({"public"})
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)


def test_view_without_declared_access_is_closed(app, client):
    @app.get("/api/v1/undeclared")
    def undeclared():
        return {"leak": True}

    response = client.get("/api/v1/undeclared")
    assert response.status_code == 403 and "leak" not in response.get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/api/v1/tokens", "/nothing"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Request-ID"]


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_default_secret():
    env = {"AI_REGISTER_ENV": "production"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check_production(from_environment(env))
    config = from_environment({**env, "SECRET_KEY": "kP3v9-Qx_7LmZ2aWc8RtYb4NfHs6JdUe1GoKiXr5TqVw", "DATABASE_URL": "postgresql://u@h/db"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_production_app_factory_refuses_to_start(monkeypatch):
    monkeypatch.setenv("AI_REGISTER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_an_sqlite_library_too_old_for_the_registers_statements_is_refused_at_start():
    # An owner's kept portfolio is checked with a FULL OUTER JOIN, which SQLite has since 3.39.0.
    with pytest.raises(ConfigError, match=r"SQLite 3\.38\.5 is too old.*3\.39\.0 or newer"):
        check_sqlite_version("sqlite:////tmp/register.db", (3, 38, 5))
    check_sqlite_version("sqlite:////tmp/register.db", (3, 39, 0))
    check_sqlite_version("postgresql+psycopg://u@h/db", (3, 7, 0))  # the library is not used
    check_sqlite_version("sqlite://")  # the library this machine runs the suite with


def test_healthz_and_readyz(client, app, is_postgres):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    # The test schema is built with create_all, not migrations: readiness says so.
    assert response.status_code == 503 and response.get_json()["migrations"] == "behind"


def test_openapi_spec_is_valid_and_declares_problem_errors(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" in operation["responses"], f"{method} {path} declares no error response"
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in default["content"]


def test_api_docs_page_uses_local_assets(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in page and "https://" not in page
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_cli_users_create_and_deactivate(runner, app):
    result = runner.invoke(args=["users", "create", "--role", "compliance", "--password-stdin", "c@region.example"],
                           input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "--role", "compliance", "--password-stdin", "c@region.example"],
                           input="a-long-enough-password\n")
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["users", "deactivate", "c@region.example"])
    assert result.exit_code == 0
    from ai_register.users.services import find_user_by_email

    assert find_user_by_email("c@region.example").active is False


def test_cli_refuses_short_password(runner):
    result = runner.invoke(args=["users", "create", "--role", "owner", "--password-stdin", "o@region.example"],
                           input="short\n")
    assert result.exit_code != 0 and "12 characters" in result.output


def test_demo_load_creates_each_role_once(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "demo-compliance-2026" in result.output
    assert runner.invoke(args=["demo", "load", "--if-empty"]).output.strip() == "demo data already loaded"
