"""Helpers of the reliability tests: count SQL statements, build solutions with many related rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from ai_register import create_app
from ai_register.extensions import db
from tests.answers import MINIMAL

BASE = "/api/v1/solutions"


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


@pytest.fixture
def two_apps(app_config, is_postgres):
    """Two more apps on the test's PostgreSQL database (two workers' engines and sessions), for races and
    lock orders: PostgreSQL's locks only (SQLite writes one transaction at a time)."""
    if not is_postgres:
        pytest.skip("PostgreSQL's row and advisory locks (SQLite writes one transaction at a time)")
    made = [create_app(app_config) for _ in range(2)]
    yield made
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


class Builder:
    """Solutions through the real API, with as many co-owners, classification versions and updates as asked."""

    def __init__(self, client, auth, users, make_user):
        self.client, self.auth, self.users, self.make_user = client, auth, users, make_user
        self.owner = auth(users["owner"])
        self.compliance = auth(users["compliance"])

    def solution(self, name: str = "Triagestöd", **fields) -> int:
        response = self.client.post(BASE, json={"name": name, "purpose": "Sorterar remisser.", **fields},
                                    headers=self.owner)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def etag(self, sid: int) -> str:
        return self.client.get(f"{BASE}/{sid}", headers=self.compliance).headers["ETag"]

    def grow(self, sid: int, related: int) -> None:
        """`related` classification versions and audited updates, and co-owners (at most 20, the API's limit)."""
        co_owners = [self.make_user("owner").id for _ in range(min(related, 20))]
        response = self.client.patch(f"{BASE}/{sid}", json={"co_owner_ids": co_owners},
                                     headers={**self.owner, "If-Match": self.etag(sid)})
        assert response.status_code == 200, response.get_json()
        for n in range(related):
            response = self.client.post(f"{BASE}/{sid}/classifications", json={"answers": MINIMAL},
                                        headers=self.owner)
            assert response.status_code == 201, response.get_json()
            response = self.client.patch(f"{BASE}/{sid}", json={"product_version": f"1.{n}"},
                                         headers={**self.owner, "If-Match": self.etag(sid)})
            assert response.status_code == 200, response.get_json()


@pytest.fixture
def build(client, auth, users, make_user) -> Builder:
    return Builder(client, auth, users, make_user)
