"""A solution with 5,000 audit events: the report, the PDF and the bundle work, in bounded memory."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from ai_register.audit import services as audit
from ai_register.audit.chain import link_hash
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from tests.reports.conftest import register_solution

EVENTS = 5000


def add_events(solution_id: int, count: int, actor_id: int) -> None:
    """`count` chained events of the solution, inserted in one statement (as `audit.record` would
    chain them: one at a time is correct too, but slow for a test)."""
    head = audit.chain_head()
    seq = db.session.scalar(select(func.max(AuditEvent.solution_seq))
                            .where(AuditEvent.solution_id == solution_id))
    prev_hash, position, rows = head["hash"], head["position"], []
    start = datetime.now(UTC)
    for n in range(count):
        fields = {"position": position + n + 1, "occurred_at": start + timedelta(microseconds=n),
                  "actor_id": actor_id, "channel": "api", "action": "update", "entity_type": "solution",
                  "entity_id": str(solution_id),
                  "solution_id": solution_id, "solution_seq": seq + n + 1,
                  "data": {"changes": {"tags": {"before": [f"t{n}"], "after": [f"t{n + 1}"]}}},
                  "reason": f"ändring {n} – åäö", "request_id": None}
        digest = link_hash(prev_hash, fields)
        rows.append({**fields, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    db.session.execute(insert(AuditEvent), rows)
    db.session.commit()


def test_report_of_a_solution_with_5000_events(client, auth, users):
    owner = users["owner"]
    solution_id = register_solution(client, auth, owner, name="Stor historik")
    add_events(solution_id, EVENTS, owner.id)
    headers = auth(users["auditor"])

    response = client.get(f"/api/v1/solutions/{solution_id}/report", headers=headers)
    report = json.loads(response.data)
    assert response.status_code == 200
    assert len(report["audit_events"]) == report["chain"]["events_of_solution"] == EVENTS + 1
    assert report["chain"]["verification"]["intact"] is True
    # Replaying all 5,000 diffs rebuilds the state they describe.
    today = date.today().isoformat()  # the region's today (tests run in its time zone): as_of=D is the end of D there
    replayed = json.loads(client.get(f"/api/v1/solutions/{solution_id}/report?as_of={today}",
                                     headers=headers).data)
    assert replayed["solution"]["tags"] == [f"t{EVENTS}"] and len(replayed["audit_events"]) == EVENTS + 1

    response = client.get(f"/api/v1/solutions/{solution_id}/report?format=pdf", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")

    response = client.get(f"/api/v1/solutions/{solution_id}/bundle", headers=headers)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sum(1 for _ in archive.read("events.jsonl").splitlines()) == EVENTS + 1


def test_the_pdf_story_is_consumed_lazily():
    """Bounded memory: platypus pulls flowables as it lays them out; only a few wait at any time."""
    from reportlab.platypus import Spacer

    from ai_register.reports.pdf.document import Footer, build_pdf

    produced = {"n": 0, "most_waiting": 0}
    laid_out = []

    class Counted(Spacer):
        def drawOn(self, canvas, x, y, _sW=0):
            laid_out.append(1)
            return super().drawOn(canvas, x, y, _sW)

    def story():
        for _ in range(3000):
            produced["n"] += 1
            produced["most_waiting"] = max(produced["most_waiting"], produced["n"] - len(laid_out))
            yield Counted(10, 2)

    footer = Footer("2026-11-23 10:00 UTC", "Test", "—", "—", "en", "Test")
    pages = build_pdf(io.BytesIO(), story(), footer)
    assert produced["n"] == 3000 and pages > 5
    assert produced["most_waiting"] <= 20


def test_pdf_memory_stays_bounded(client, auth, users):
    """Peak Python memory of the PDF of 500 events (tracemalloc is slow, so not 5,000); the
    figure for 1,000 events, with the time, is in bench/bench_report_pdf.py."""
    owner = users["owner"]
    solution_id = register_solution(client, auth, owner, name="Mellanstor historik")
    add_events(solution_id, 500, owner.id)
    headers = auth(users["auditor"])
    tracemalloc.start()
    response = client.get(f"/api/v1/solutions/{solution_id}/report?format=pdf", headers=headers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 25 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
