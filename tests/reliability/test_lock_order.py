"""One lock order for every writer on PostgreSQL: the audit chain's lock first, then a row kept in step with
the records (the portfolio's basis row). An approval takes them in that order (it audits the classification,
then writes the solution's category); a write of another score input used to lock the basis row at its flush
and the chain only when it was audited, so the two could wait for each other in a circle and PostgreSQL
aborted one of them ("deadlock detected", a 500 for that person)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from ai_register.audit import services as audit
from ai_register.extensions import db
from ai_register.portfolio import stored
from ai_register.portfolio.models import PortfolioScoreBasis
from ai_register.solutions.models import Solution
from tests.portfolio.conftest import API, Api

pytestmark = pytest.mark.postgres


def _waits_for_the_chain(pid: int) -> bool:
    return bool(db.session.execute(text(
        "SELECT count(*) FROM pg_locks WHERE pid = :pid AND locktype = 'advisory' AND NOT granted"),
        {"pid": pid}).scalar())


def test_a_category_write_and_another_score_input_written_at_once_both_commit(client, auth, users, two_apps):
    api = Api(client, auth, users)
    approved = api.solution(name="Alpha")["id"]
    other = api.solution(name="Beta")["id"]
    assert api.get("compliance", f"{API}/portfolio").status_code == 200  # the basis row exists from here
    assert db.session.get(PortfolioScoreBasis, stored.BASIS) is not None
    db.session.rollback()
    chain_held, waiting_pid = threading.Event(), []
    failures: list[BaseException] = []

    def approval() -> None:  # the chain (auditing the decision), then the solution's category (the basis row)
        with two_apps[0].app_context():
            try:
                audit.lock_chain(db.session.connection())
                chain_held.set()
                deadline = time.monotonic() + 10
                while not (waiting_pid and _waits_for_the_chain(waiting_pid[0])):
                    assert time.monotonic() < deadline, "the other writer never waited for the chain"
                    time.sleep(0.02)
                db.session.get(Solution, approved).current_ai_act_category = "high_risk"
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
                db.session.rollback()

    def care_change() -> None:  # another aggregated input, flushed, then audited (as audit.record does)
        with two_apps[1].app_context():
            try:
                chain_held.wait(timeout=10)
                waiting_pid.append(db.session.execute(text("SELECT pg_backend_pid()")).scalar())
                db.session.get(Solution, other).critical_for_patient_care = True
                db.session.flush()
                audit.lock_chain(db.session.connection())
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
                db.session.rollback()

    threads = [threading.Thread(target=approval), threading.Thread(target=care_change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert failures == []
    db.session.expire_all()
    assert db.session.get(Solution, approved).current_ai_act_category == "high_risk"
    assert db.session.get(Solution, other).critical_for_patient_care is True
    body = api.get("compliance", f"{API}/portfolio").get_json()
    assert {row["id"]: row["ai_act_category"] for row in body["items"]}[approved] == "high_risk"
