"""Failed sign-ins counted per account and per client address in the database, shared by every worker,
with a progressive lock (issue 19, item 9; OWASP ASVS 2.2.1). Web form and API alike."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from ai_register import create_app
from ai_register.extensions import db
from ai_register.users.models import SignInThrottle
from ai_register.users.throttle import Policy

PASSWORD = "correct horse battery staple"
EMAIL = "o@region.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def owner(make_user):
    return make_user("owner", EMAIL, password=PASSWORD)


def token(client, password, email=EMAIL, address="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def web_login(client, password, email=EMAIL, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_the_account_locks_after_five_failures_with_a_growing_delay(client, owner):
    with freeze_time("2026-05-04 08:00:00") as clock:
        assert [token(client, "wrong").status_code for _ in range(5)] == [401] * 5
        locked = token(client, PASSWORD)  # the right password is not even checked while locked
        assert locked.status_code == 429 and locked.mimetype == "application/problem+json"
        assert locked.headers["Retry-After"] == "30"
        assert "try again in 30 seconds" in locked.get_json()["detail"]
        clock.tick(31)
        assert token(client, "wrong").status_code == 401  # the sixth failure: locked twice as long
        assert token(client, PASSWORD).headers["Retry-After"] == "60"
        clock.tick(61)
        assert token(client, PASSWORD).status_code == 200  # a success clears the account's count
        assert [token(client, "wrong").status_code for _ in range(5)] == [401] * 5
        assert token(client, PASSWORD).status_code == 429


def test_the_delay_is_capped():
    policy = Policy()
    assert [policy.lock_seconds(n, "account") for n in (4, 5, 6, 7, 10, 40)] == [0, 30, 60, 120, 900, 900]


@freeze_time("2026-05-04 08:00:00")
def test_an_unknown_account_is_counted_the_same_so_nothing_tells_them_apart(client, owner):
    for email in (EMAIL, "nobody@region.example"):
        answers = [token(client, "wrong", email=email) for _ in range(6)]
        assert [a.status_code for a in answers] == [401] * 5 + [429]
        assert answers[-1].get_json()["detail"].endswith("try again in 30 seconds.")


@freeze_time("2026-05-04 08:00:00")
def test_web_and_api_share_the_count(app, client, owner):
    app.config["WTF_CSRF_ENABLED"] = False
    assert [web_login(client, "wrong").status_code for _ in range(3)] == [401] * 3
    assert [token(client, "wrong").status_code for _ in range(2)] == [401] * 2
    page = web_login(client, PASSWORD)
    assert page.status_code == 429 and page.headers["Retry-After"] == "30"
    assert "För många misslyckade inloggningar" in page.get_data(as_text=True)  # Swedish first
    assert 'name="email"' in page.get_data(as_text=True)  # the form is kept
    assert token(client, PASSWORD).status_code == 429


def test_an_address_spraying_many_accounts_is_locked_but_others_are_not(client, owner):
    statuses = [token(client, "wrong", email=f"guess{n}@region.example", address="10.9.9.9").status_code
                for n in range(20)]
    assert statuses == [401] * 20
    assert token(client, PASSWORD, address="10.9.9.9").status_code == 429  # the right account, same address
    assert token(client, PASSWORD, address="10.1.1.1").status_code == 200  # elsewhere: fine


def test_the_count_is_in_the_database_shared_by_several_app_instances(app_config, owner):
    """Two app instances (as two workers) on one database: the count is one."""
    first, second = create_app(app_config).test_client(), create_app(app_config).test_client()
    statuses = [token(client, "wrong").status_code for client in (first, second, first, second, first)]
    assert statuses == [401] * 5
    assert token(second, PASSWORD).status_code == 429
    assert token(first, PASSWORD).status_code == 429


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_gunicorn_workers_share_the_count(app, app_config, owner, tmp_path):
    """Two gunicorn workers answer five wrong passwords sent at once (so both workers serve): the count
    is exactly five, and the next attempt, whichever worker takes it, is refused. Flask-Limiter's own
    limit (10 per minute in each worker's memory) could not have done that."""
    db.session.commit()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app_config["SECRET_KEY"], "AI_REGISTER_INSTANCE_DIR": str(tmp_path),
           "AI_REGISTER_SIGNING_KEY": str(tmp_path / "key.pem"), "AI_REGISTER_UPLOAD_DIR": str(tmp_path / "up")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=60)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(server.stderr.read().decode()[-2000:] if server.poll() is not None else "no start")
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=5) as pool:
            statuses = list(pool.map(lambda _: _post(f"{base}/api/v1/auth/token",
                                                     {"email": EMAIL, "password": "wrong"})[0], range(5)))
        assert statuses == [401] * 5
        db.session.expire_all()
        account = db.session.scalar(select(SignInThrottle).where(SignInThrottle.kind == "account"))
        assert account.failures == 5  # no increment lost between the workers
        db.session.rollback()
        status, headers, body = _post(f"{base}/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})
        assert status == 429, body
        assert "failed sign-ins" in body["detail"] and 25 <= body["retry_after_seconds"] <= 30, body
        # Flask-Limiter (on here) sends the later of the lock's end and its own window's reset.
        assert int(headers["Retry-After"]) >= body["retry_after_seconds"]
    finally:
        server.terminate()
        server.wait(timeout=60)
