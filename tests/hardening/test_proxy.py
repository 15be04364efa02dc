"""Behind the region's reverse proxy (issue 19): with AI_REGISTER_TRUSTED_PROXIES=<hops> the sign-in
throttle and Flask-Limiter count the client's address from X-Forwarded-For, not the proxy's; without it
every client behind the proxy is one address, and a client's own X-Forwarded-For is never believed beyond
the hops configured."""

from __future__ import annotations

import pytest
from flask import request

from ai_register import create_app
from ai_register.config import ConfigError, from_environment
from ai_register.security import PUBLIC, access

PROXY = "10.0.0.2"


def sign_in(client, email: str, client_address: str, claimed: str | None = None):
    forwarded = f"{claimed}, {client_address}" if claimed else client_address  # the proxy appends what it saw
    return client.post("/api/v1/auth/token", json={"email": email, "password": "wrong"},
                       environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": forwarded})


def spray(client, client_address: str, claimed: str | None = None) -> list[int]:
    """Failures across different accounts, so only the per-address count can lock."""
    return [sign_in(client, f"u{n}@region.example", client_address, claimed).status_code for n in range(4)]


@pytest.fixture
def behind_proxy(app, app_config):  # `app` builds the tables
    def make(hops: int, **extra):
        app = create_app({**app_config, "TRUSTED_PROXIES": hops, "SIGN_IN_ADDRESS_FAILURES": 3, **extra})
        return app.test_client()
    return make


def test_with_the_proxy_trusted_each_client_is_counted_on_its_own(behind_proxy):
    client = behind_proxy(1)
    assert spray(client, "192.0.2.10") == [401, 401, 401, 429]
    assert sign_in(client, "other@region.example", "192.0.2.11").status_code == 401  # a colleague is not locked


def test_without_it_everyone_behind_the_proxy_is_one_address(behind_proxy):
    client = behind_proxy(0)
    assert spray(client, "192.0.2.10") == [401, 401, 401, 429]
    assert sign_in(client, "other@region.example", "192.0.2.11").status_code == 429


def test_an_address_the_client_writes_itself_is_not_believed(behind_proxy):
    client = behind_proxy(1)
    # Each attempt claims another address; the proxy's own entry (the last) is what counts.
    statuses = [sign_in(client, f"u{n}@region.example", "192.0.2.10", claimed=f"198.51.100.{n}").status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_flask_limiter_sees_the_client_too(behind_proxy):
    client = behind_proxy(1, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", SIGN_IN_ADDRESS_FAILURES=100)
    assert [sign_in(client, f"u{n}@region.example", "192.0.2.20").status_code for n in range(3)] == [401, 401, 429]
    assert sign_in(client, "other@region.example", "192.0.2.21").status_code == 401


def test_the_address_and_scheme_the_proxy_saw_reach_the_app(app_config, app):
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})
    proxied.add_url_rule("/_seen", "seen", access(PUBLIC)(lambda: f"{request.remote_addr} {request.scheme}"))
    response = proxied.test_client().get("/_seen", environ_base={"REMOTE_ADDR": PROXY},
                                         headers={"X-Forwarded-For": "192.0.2.10", "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "192.0.2.10 https"


@pytest.mark.parametrize("value", ["-1", "two", "9"])
def test_a_wrong_setting_is_refused_at_start(value):
    with pytest.raises(ConfigError, match="AI_REGISTER_TRUSTED_PROXIES"):
        from_environment({"AI_REGISTER_TRUSTED_PROXIES": value})


def test_the_default_is_off():
    assert from_environment({})["TRUSTED_PROXIES"] == 0
