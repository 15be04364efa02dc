"""DOMAIN.md: a role change, a deactivation or a token revocation takes effect on every worker within one
second. The real application under gunicorn with two workers on the test's PostgreSQL schema: every
worker has served (and cached) the token, the change is made through the API, then each worker is
polled until it refuses; a worker that still answered 200 to a request sent more than a second after
the change fails the test. Also with the listeners' connections terminated just before the change."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from ai_register.extensions import db
from ai_register.users.auth_cache import LISTENER_NAME

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
TOKENS, USERS = "/api/v1/tokens", "/api/v1/users"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(app, is_postgres, tmp_path):
    """The application under gunicorn (2 sync workers) on this test's database; its base URL."""
    if not is_postgres:
        pytest.skip("the per-worker cache is PostgreSQL's (LISTEN/NOTIFY); on SQLite every request reads the "
                    "database, so there is nothing to invalidate")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"], "AI_REGISTER_JWT_SECRET": app.config["JWT_SECRET"],
           "AI_REGISTER_RATELIMIT_ENABLED": "false", "AI_REGISTER_INSTANCE_DIR": str(tmp_path),
           "PYTHONPATH": str(PROJECT_ROOT)}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    # --preload: the application is built once in the master and the workers are forked from it, as a
    # deployment that preloads does; the cache's listener must start in each worker, not in the master.
    process = subprocess.Popen([gunicorn, "-w", str(WORKERS), "--preload", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "tests.users.worker_app:app"], cwd=PROJECT_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        start = time.monotonic()
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, "gunicorn stopped"
                assert time.monotonic() - start < 120, "gunicorn did not start"
                time.sleep(0.05)
        yield base
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def call(base: str, path: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, str, float]:
    """(status, the worker's pid, when the request was sent)."""
    request = urllib.request.Request(base + path, method=method, headers={"Authorization": f"Bearer {token}"})
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    sent = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["X-Test-Worker"], sent
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.headers["X-Test-Worker"], sent


def on_every_worker(base: str, path: str, token: str, done, pool: ThreadPoolExecutor, limit: int = 400) -> list:
    """Requests two at a time (so both workers are busy) until `done(answers by worker)` holds."""
    answers: dict[str, list] = {}
    for _ in range(limit // 2):
        for status, pid, sent in pool.map(lambda _: call(base, path, token), range(2)):
            answers.setdefault(pid, []).append((status, sent))
        if len(answers) >= WORKERS and done(answers):
            return answers
    pytest.fail(f"not reached on every worker in {limit} requests: {answers}")


def warm(base: str, path: str, token: str, pool) -> None:
    """Every worker has answered 200 twice (the second from its cache)."""
    on_every_worker(base, path, token, lambda a: all(sum(s == 200 for s, _ in v) >= 2 for v in a.values()), pool)


def refused_within_a_second(base: str, path: str, token: str, changed_at: float, refusal: int, pool) -> None:
    answers = on_every_worker(base, path, token, lambda a: all(any(s == refusal for s, _ in v) for v in a.values()),
                              pool)
    for pid, seen in answers.items():
        late = [sent - changed_at for status, sent in seen if status != refusal and sent - changed_at > 1.0]
        assert not late, f"worker {pid} still answered after {late} s: {seen}"


@pytest.mark.slow  # gunicorn's start on a shared machine takes several seconds; the polls under one
def test_a_revocation_role_change_and_deactivation_reach_every_worker_within_a_second(
        served, app, make_user, auth):
    make_user("admin")
    admin, person = make_user("admin"), make_user("admin")
    admin_token = auth(admin)["Authorization"].split()[1]
    person_token = auth(person)["Authorization"].split()[1]
    created = urllib.request.Request(served + TOKENS, method="POST", data=json.dumps(
        {"name": "script", "expires_in_days": 30}).encode(), headers={"Authorization": f"Bearer {person_token}",
                                                                     "Content-Type": "application/json"})
    with urllib.request.urlopen(created, timeout=30) as response:
        script = json.load(response)
    with ThreadPoolExecutor(2) as pool:
        # A named token revoked by its owner.
        warm(served, TOKENS, script["token"], pool)
        assert call(served, f"{TOKENS}/{script['id']}", person_token, "DELETE")[0] == 204
        refused_within_a_second(served, TOKENS, script["token"], time.monotonic(), 401, pool)

        # Revocation of the person's sign-in token by an administrator (sign out everywhere).
        warm(served, USERS, person_token, pool)
        assert call(served, f"/api/v1/users/{person.id}/tokens", admin_token, "DELETE")[0] == 204
        refused_within_a_second(served, USERS, person_token, time.monotonic(), 401, pool)

        # Role change: an administrator becomes an auditor; the administrators' list is refused.
        person_token = auth(person)["Authorization"].split()[1]
        warm(served, USERS, person_token, pool)
        assert call(served, f"/api/v1/users/{person.id}", admin_token, "PATCH", {"role": "auditor"})[0] == 200
        refused_within_a_second(served, USERS, person_token, time.monotonic(), 403, pool)

        # Deactivation.
        warm(served, TOKENS, person_token, pool)
        assert call(served, f"/api/v1/users/{person.id}", admin_token, "PATCH", {"active": False})[0] == 200
        refused_within_a_second(served, TOKENS, person_token, time.monotonic(), 401, pool)

        # The listeners' connections terminated just before a revocation: every worker reads the database
        # until its listener is back (and has emptied its cache), so the revocation is not missed.
        warm(served, USERS, admin_token, pool)
        with db.engine.begin() as connection:
            ended = connection.execute(text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"), {"name": LISTENER_NAME}).scalar()
        assert ended >= WORKERS
        assert call(served, f"/api/v1/users/{admin.id}/tokens", admin_token, "DELETE")[0] == 204
        refused_within_a_second(served, USERS, admin_token, time.monotonic(), 401, pool)
