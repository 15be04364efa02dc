"""A register larger than any parameter list: more than 65,535 solutions a user may see, built in one
INSERT ... SELECT on PostgreSQL (its driver refuses a statement with more than 65,535 parameters, so
any id list sent from Python would fail here). Visibility and selection must be subqueries or joins."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ai_register import errors
from ai_register.extensions import db
from ai_register.solutions.models import Solution

MORE_THAN_PARAMETERS = 66_000
OVERDUE_EVERY = 10_000  # every 10,000th solution's review is overdue


def insert_solutions(count: int, owner_id: int, *, public: bool = False) -> None:
    """`count` solutions in management owned by `owner_id`, in one statement (PostgreSQL)."""
    db.session.execute(text(f"""
        INSERT INTO solutions (version, name, purpose, care_units, user_groups, sourcing, kind,
                               confidentiality, integrity, availability, owner_id, public, tags, phase, status,
                               phase_changed_at, needs_rereview, created_by_id, created_at, updated_at,
                               next_review_on)
        SELECT 1, 'Lösning ' || g, 'Sorterar remisser.', '["Akuten"]', '[]', 'procured', 'machine_learning',
               2, 2, 2, :owner, :public, '[]', 'management', 'active', now(), false, :owner, now(), now(),
               CASE WHEN g % {OVERDUE_EVERY} = 0 THEN current_date - 30 END
        FROM generate_series(1, :count) AS g"""), {"owner": owner_id, "public": public, "count": count})
    db.session.commit()


@pytest.fixture
def large_register(app, users, is_postgres) -> int:
    if not is_postgres:
        pytest.skip("the 65,535-parameter limit is PostgreSQL's driver's; the register is built in its SQL")
    insert_solutions(MORE_THAN_PARAMETERS, users["owner"].id, public=True)
    return MORE_THAN_PARAMETERS


@pytest.mark.parametrize("role", ["owner", "compliance", "auditor"])
def test_follow_up_agenda_over_more_solutions_than_parameters(client, users, auth, large_register, role):
    response = client.get("/api/v1/follow-up", headers=auth(users[role]))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    # One page (overdue first); the counts cover the whole agenda.
    overdue = [item for item in body["items"] if item["kind"] == "review_overdue"]
    assert len(overdue) == large_register // OVERDUE_EVERY == body["overdue"]
    assert len(body["items"]) == min(50, body["total"])
    second = client.get("/api/v1/follow-up?overdue=true&per_page=4&page=2", headers=auth(users[role])).get_json()
    assert second["total"] == body["overdue"] and len(second["items"]) == body["overdue"] - 4


def test_follow_up_agenda_of_one_solution_in_a_large_register(client, users, auth, large_register):
    sid = db.session.scalar(text("SELECT id FROM solutions WHERE next_review_on IS NOT NULL ORDER BY id LIMIT 1"))
    response = client.get(f"/api/v1/follow-up?solution_id={sid}", headers=auth(users["owner"]))
    assert response.status_code == 200
    assert [item["solution_id"] for item in response.get_json()["items"]] == [sid]
    response = client.get(f"/api/v1/follow-up?solution_id={sid}", headers=auth(users["owner2"]))
    assert response.status_code == 200 and response.get_json()["items"] == []  # not theirs


def test_another_owner_sees_nothing_of_a_large_register(client, users, auth, large_register):
    response = client.get("/api/v1/follow-up", headers=auth(users["owner2"]))
    assert response.status_code == 200 and response.get_json()["total"] == 0


def test_public_csv_of_more_solutions_than_parameters(client, large_register):
    response = client.get("/api/v1/public/solutions?format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + large_register
    names = [row[1] for row in rows[1:]]
    assert names == sorted(names, key=str.lower) and len(set(names)) == large_register
    assert len({row[0] for row in rows[1:]}) == large_register  # opaque ids, one per solution


def test_public_json_pages_of_a_large_register(client, large_register):
    response = client.get("/api/v1/public/solutions?page=300&per_page=200")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == large_register and len(body["items"]) == 200


def test_a_refused_statement_is_a_500_with_its_own_log_line_not_the_outage_503(app, users, large_register,
                                                                               caplog):
    """The driver refuses more than 65,535 parameters: the database is up, so this is our bug (500)."""
    ids = list(db.session.scalars(db.select(Solution.id)))
    assert len(ids) > 65_535
    with pytest.raises(DBAPIError) as refused:
        db.session.execute(db.select(Solution.id).where(Solution.id.in_(ids))).all()
    with app.test_request_context("/api/v1/solutions"), caplog.at_level(logging.ERROR, logger=errors.log.name):
        response = errors.handle_database_unavailable(refused.value)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "database" not in response.get_json()["detail"].lower()
    lines = [r for r in caplog.records if r.name == errors.log.name]
    assert [r.levelno for r in lines] == [logging.ERROR]
    assert "not an outage" in lines[0].getMessage() and "/api/v1/solutions" in lines[0].getMessage()
    assert db.session.scalar(text("SELECT 1")) == 1  # the session is usable again
