"""The deviation form's solution search reads a bounded part of the register (issue 22): the first solutions
in use by name from their index, a search's matches first among them, then through the trigram indexes; it
answers exactly what sorting every solution in use that matches would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import String, cast, event, func, insert, or_, select

from ai_register.extensions import db
from ai_register.incidents import deviations
from ai_register.incidents.models import DEVIATION_IN_TRIAGE, Deviation
from ai_register.solutions.models import IN_USE_PHASES, Solution

PHASES = ("needs_analysis", "pilot", "rollout", "management", "retired")
UNITS = (["Akutmottagningen Sunderby"], ["Vårdcentral Kiruna", "Kardiologi"], [], ["Onkologi"])


def test_the_search_indexes_name_the_phases_of_a_solution_in_use():
    assert IN_USE_PHASES == deviations.IN_USE


def _old_search(q: str, limit: int = deviations.SEARCH_LIMIT) -> list[int]:
    """The search as it was written first: every solution in use that matches, sorted (the definition)."""
    query = select(Solution.id).where(Solution.phase.in_(deviations.IN_USE))
    needle = q.strip().lower()[:200]
    if needle:
        pattern = "%" + needle.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        query = query.where(or_(func.lower(Solution.name).like(pattern, escape="/"),
                                func.lower(cast(Solution.care_units, String)).like(pattern, escape="/")))
    return list(db.session.scalars(query.order_by(Solution.name, Solution.id).limit(limit)))


@pytest.fixture
def register(users):
    """60 solutions: names that sort apart ("Alfa …") and a block that sorts together late ("Sepsis …"),
    in every phase, with care units."""
    owner = users["owner"].id
    rows = [{"name": f"{'Alfa' if n < 40 else 'Sepsis'} {n % 7}{n:02d}", "purpose": "x", "owner_id": owner,
             "created_by_id": owner, "phase": PHASES[n % len(PHASES)], "care_units": UNITS[n % len(UNITS)]}
            for n in range(60)]
    db.session.execute(insert(Solution), rows)
    db.session.commit()


def test_the_search_answers_as_sorting_every_match(app, register, monkeypatch):
    # Few entries read first, so that a block of matches further on (Sepsis) is found through the second read.
    monkeypatch.setattr(deviations, "FIRST", 8)
    statements: list[str] = []

    def remember(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for q in ("", "a", "alfa", "sepsis", "Sepsis 3", "kiruna", "KARD", "onkologi", "zzz", "%", "_", "a_", "1",
                  " 05 "):
            for limit in (3, 20):
                statements.clear()
                found = deviations.search_solutions(q, limit=limit)
                assert len(statements) <= (1 if not q else 2), (q, statements)
                assert [row.id for row in found] == _old_search(q, limit), (q, limit)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    # What a person types is what they look for: `%` and `_` are characters, not wildcards (no name holds them).
    assert deviations.search_solutions("%") == deviations.search_solutions("_") == []
    assert len(deviations.search_solutions("a")) == deviations.SEARCH_LIMIT
    names = [row.name for row in deviations.search_solutions("seps")]
    assert names and all(name.startswith("Sepsis") for name in names) and names == sorted(names)
    assert all(isinstance(row.care_units, list) for row in deviations.search_solutions("kiruna"))


def test_the_triage_queue_reads_its_reporters_with_the_reports(app, users, make_user, web, without_auth_cache):
    """The triage page sends as many statements for several waiting reports (each from another member of
    staff) as for one."""
    def waiting(count: int) -> None:
        for _ in range(count):
            reporter = make_user("staff")
            db.session.add(Deviation(reported_by_id=reporter.id, reported_at=datetime.now(UTC),
                                     what_happened="Varningen uteblev.", occurred_at=datetime.now(UTC),
                                     patient_harm="unknown", status=DEVIATION_IN_TRIAGE))
        db.session.commit()

    def statements_of_the_page() -> tuple[int, str]:
        client = web("compliance")
        client.get("/deviations/triage")  # the session's first page settles its own reads
        counted: list[str] = []

        def count(*args):
            counted.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = client.get("/deviations/triage")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert page.status_code == 200
        return len(counted), page.get_data(as_text=True)

    waiting(1)
    one, _ = statements_of_the_page()
    waiting(3)
    four, page = statements_of_the_page()
    assert four == one
    assert page.count('data-test="triage-item"') == 4 and page.count("Staff ") >= 4
    assert 'rel="next"' not in page


def test_the_triage_queue_is_paged_oldest_first(app, make_user, web, monkeypatch):
    monkeypatch.setattr(deviations, "TRIAGE_PER_PAGE", 3)
    reporter = make_user("staff")
    for n in range(5):
        db.session.add(Deviation(reported_by_id=reporter.id, reported_at=datetime(2026, 12, 1, 8, n, tzinfo=UTC),
                                 what_happened=f"Rapport nummer {n}", occurred_at=datetime(2026, 12, 1, 7, tzinfo=UTC),
                                 patient_harm="no", status=DEVIATION_IN_TRIAGE))
    db.session.commit()
    client = web("compliance")
    first = client.get("/deviations/triage?q=x").get_data(as_text=True)
    assert [f"Rapport nummer {n}" in first for n in range(5)] == [True, True, True, False, False]
    assert 'href="/deviations/triage?q=x&amp;page=2" rel="next"' in first
    second = client.get("/deviations/triage?q=x&page=2").get_data(as_text=True)
    assert [f"Rapport nummer {n}" in second for n in range(5)] == [False, False, False, True, True]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    past = client.get("/deviations/triage?page=9").get_data(as_text=True)  # past the last: the last
    assert "Rapport nummer 4" in past and "Rapport nummer 0" not in past
    # a search and a triage sent from page 2 come back to page 2 (with the search)
    assert second.count('<input type="hidden" name="page" value="2">') == 3  # the search and each item's form
    assert second.count('<input type="hidden" name="q" value="x">') == 2
    waiting = db.session.scalars(select(Deviation.id).where(Deviation.what_happened == "Rapport nummer 3")).one()
    sent = client.post(f"/deviations/{waiting}/triage", data={"solution_id": "", "triage_note": "Inte AI.",
                                                              "page": "2", "q": "x"})
    assert sent.status_code == 302 and sent.headers["Location"] == "/deviations/triage?q=x&page=2"
    refused = client.post(f"/deviations/{waiting}/triage", data={"solution_id": "", "page": "2"})
    assert refused.status_code == 302 and refused.headers["Location"] == "/deviations/triage?page=2"
