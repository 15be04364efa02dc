"""Helpers shared by the area test packages: a thin API client per role, and solutions made directly
with the model (so an area's tests do not depend on the solutions API)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from sqlalchemy import delete, func, select, text

from ai_register.audit.models import AuditEvent
from ai_register.classification import summaries
from ai_register.classification.models import ClassificationSummary
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from ai_register.users.auth_cache import CHANNEL


class Api:
    """A thin client: `api.post("owner", path, json=...)`.

    With `reuse_tokens` a token per user is issued once per test; without it every call gets a fresh
    one, so tests under frozen time may move the clock past a token's lifetime.
    """

    def __init__(self, client, auth, users, *, reuse_tokens: bool = True):
        self.client, self.auth, self.users = client, auth, users
        self.reuse_tokens = reuse_tokens
        self._headers: dict[int, dict] = {}

    def headers(self, who, **extra) -> dict:
        user = self.users[who] if isinstance(who, str) else who
        if not self.reuse_tokens:
            return {**self.auth(user), **extra}
        if user.id not in self._headers:
            self._headers[user.id] = self.auth(user)
        return {**self._headers[user.id], **extra}

    def open(self, method: str, who, path: str, *, headers: dict | None = None, **kwargs):
        return self.client.open(path, method=method, headers=self.headers(who, **(headers or {})), **kwargs)

    def get(self, who, path, **kwargs):
        return self.open("GET", who, path, **kwargs)

    def post(self, who, path, **kwargs):
        return self.open("POST", who, path, **kwargs)

    def put(self, who, path, **kwargs):
        return self.open("PUT", who, path, **kwargs)

    def patch(self, who, path, **kwargs):
        return self.open("PATCH", who, path, **kwargs)

    def if_match(self, who, path) -> dict:
        """`{"If-Match": <ETag>}` of the record at `path` as `who` reads it now (for a guarded write)."""
        response = self.get(who, path)
        assert response.status_code == 200, response.get_json()
        return {"If-Match": response.headers["ETag"]}

    def patch_current(self, who, path, **kwargs):
        """PATCH with If-Match naming the version `who` reads now: a write by someone up to date."""
        return self.patch(who, path, headers=self.if_match(who, path), **kwargs)

    def put_current(self, who, path, **kwargs):
        return self.put(who, path, headers=self.if_match(who, path), **kwargs)


def solution_factory(users, *, name: str, purpose: str):
    """`make(owner=None, co_owners=(), **fields)`: a committed solution with these default texts."""

    def make(owner=None, co_owners=(), **fields) -> Solution:
        owner = owner or users["owner"]
        solution = Solution(name=fields.pop("name", name), purpose=fields.pop("purpose", purpose),
                            owner_id=owner.id, created_by_id=owner.id, **fields)
        solution.co_owners.extend(co_owners)
        db.session.add(solution)
        db.session.commit()
        return solution

    return make


def events(solution_id: int, entity_type: str | None = None) -> list[AuditEvent]:
    """The solution's audit events in chain order (optionally of one entity type)."""
    query = select(AuditEvent).where(AuditEvent.solution_id == solution_id).order_by(AuditEvent.position)
    if entity_type is not None:
        query = query.where(AuditEvent.entity_type == entity_type)
    return list(db.session.scalars(query))


def problem(response, status: int) -> dict:
    """The problem+json body of a refusal with this status."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def four_eyes_bar(response) -> str:
    """Which four-eyes bar refused this (the problem's `because`: answered, submitted, requested, owner,
    cooling_off), read from the machine-readable members, not from the words of `detail`."""
    body = problem(response, 403)
    assert body["code"] == "four_eyes", body
    return body["because"]


CATALOGS = Path(__file__).resolve().parent.parent / "ai_register" / "translations"


def read_catalog(lang: str) -> Catalog:
    """A language's .po catalog; a msgid without its msgstr (a bad merge) fails."""
    with (CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang, abort_invalid=True)


def until(condition, what: str, timeout: float = 10.0) -> float:
    """Poll `condition` until it holds (failing after `timeout` s); the seconds it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"timed out waiting for {what}"
        time.sleep(0.002)
    return time.monotonic() - start


def settle_auth_cache(cache) -> None:
    """On PostgreSQL: wait until this process's token and account cache is listening and has processed
    every notification sent so far (they arrive in order), so that a test's next reads are kept."""
    marker = f"settle:{uuid.uuid4().hex}"
    until(cache.listening, "the auth cache's listener to connect")
    with db.engine.begin() as connection:
        connection.execute(text("SELECT pg_notify(:channel, :marker)"), {"channel": CHANNEL, "marker": marker})
    until(lambda: marker in cache.recent_notifications, "the auth cache's listener to catch up")


def details_read_alike_without_kept_summaries(client, headers: dict) -> None:
    """Every solution's GET /solutions/{id} (body, ETag, type) reads the same, to the byte, with the kept
    classification summaries (classification/summaries.py) as without them (computed from the versions, as
    before the rows existed); the backfill then writes exactly the rows the writes wrote."""
    ids = list(db.session.scalars(select(Solution.id).order_by(Solution.id)))

    def read_all() -> list[tuple]:
        answers = []
        for sid in ids:
            response = client.get(f"/api/v1/solutions/{sid}", headers=headers)
            assert response.status_code == 200, response.get_json()
            answers.append((response.get_data(), response.headers["ETag"], response.headers["Content-Type"]))
        return answers

    with_rows = read_all()
    columns = [c.key for c in ClassificationSummary.__table__.columns]
    kept = {row.solution_id: {c: getattr(row, c) for c in columns}
            for row in db.session.scalars(select(ClassificationSummary))}
    assert kept
    db.session.expunge_all()
    db.session.execute(delete(ClassificationSummary))
    db.session.commit()
    assert read_all() == with_rows
    assert summaries.backfill(db.session.connection()) == len(kept)
    db.session.commit()
    assert {row.solution_id: {c: getattr(row, c) for c in columns}
            for row in db.session.scalars(select(ClassificationSummary))} == kept
    assert db.session.scalar(select(func.count()).select_from(ClassificationSummary)) == len(kept)
