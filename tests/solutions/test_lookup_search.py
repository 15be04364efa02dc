"""The solution fields' search as you type (/solutions/lookup, issue 22) reads a bounded part of the register:
the matches among the first solutions by name (an index walk), then, when fewer than it shows are there,
every match (trigram indexes on PostgreSQL). It answers exactly what sorting every match the reader may see
(`write=1`: may change) answered, in as many statements for a large register as for a small one."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import insert, select

from ai_register.extensions import db
from ai_register.solutions import name_order, views
from ai_register.solutions.access import READ_ONLY_PHASES, visible_solutions_query, writable_solutions_query
from ai_register.solutions.labels import phase_label
from ai_register.solutions.models import Solution, solution_co_owners
from tests.reliability.conftest import counted_statements
from tests.webclient import WebClient

PHASES = ("needs_analysis", "pilot", "rollout", "management", "decommissioning", "retired")
STEMS = ("Alfa", "Sepsis", "Öronkliniken", "Åre ärende", "Röntgen_50%")
TERMS = ("a", "A", "ö", "Ö", "å", "ä", "ar", "ll", "alfa", "ALF", "sepsis", "Sepsis 3", "öron", "Åre", "ärende",
         "_", "%", "50%", "n_5", "zzz", "1", "17", "#17", "3", "#3", "05", " 12 ", "9999999999", "²")


def _old_lookup(user, text: str, write: bool) -> list[dict]:
    """The lookup as it was written first: every match the reader may see, sorted (the definition)."""
    text = text.strip()[:200]
    query = visible_solutions_query(user)
    if write:
        query = writable_solutions_query(user).where(Solution.phase.not_in(READ_ONLY_PHASES))
    number = text.removeprefix("#")
    matches = Solution.name.icontains(text, autoescape=True)
    if number.isdecimal() and len(number) < 10:
        matches = matches | (Solution.id == int(number))
    found = db.session.scalars(query.where(matches).order_by(Solution.name, Solution.id).limit(views.LOOKUP_LIMIT))
    return [{"id": s.id, "name": s.name, "detail": f"#{s.id} · {phase_label(s.phase)}"} for s in found]


def _add(users, start: int, count: int) -> None:
    """`count` solutions from number `start` on: names that sort apart, blocks that sort together further on,
    Swedish letters and LIKE's wildcards; every phase; owned by the owner, the second owner, or co-owned."""
    owner, other = users["owner"].id, users["owner2"].id
    rows = [{"name": f"{STEMS[n % len(STEMS)] if n % 3 else 'Alfa'} {n % 7}{n:02d}", "purpose": "x",
             "owner_id": owner if n % 4 == 0 else other, "created_by_id": owner,
             "phase": PHASES[n % len(PHASES)]} for n in range(start, start + count)]
    db.session.execute(insert(Solution), rows)
    ids = db.session.scalars(select(Solution.id).where(Solution.owner_id == other).order_by(Solution.id)).all()
    kept = set(db.session.scalars(select(solution_co_owners.c.solution_id)))
    co_owned = [{"solution_id": sid, "user_id": owner} for sid in ids[::5] if sid not in kept]
    if co_owned:
        db.session.execute(insert(solution_co_owners), co_owned)
    db.session.commit()


def _get(client: WebClient, url: str) -> tuple[dict, int]:
    with counted_statements() as statements:
        response = client.get(url)
        answer = response.get_json()
    assert response.status_code == 200, url
    return answer, len(statements)


@pytest.mark.parametrize("first", [6, name_order.FIRST])
def test_the_lookup_answers_as_sorting_every_match(app, users, monkeypatch, first, without_auth_cache):
    # Few entries read first (6), so that matches further on are found through the second read.
    monkeypatch.setattr(name_order, "FIRST", first)
    _add(users, 0, 70)
    readers = [(who, write) for who in ("compliance", "auditor", "owner") for write in (False, True)]
    clients = {who: WebClient(app, users[who]) for who in ("compliance", "auditor", "owner")}
    nothing = {who: _get(client, "/solutions/lookup?q=")[1] for who, client in clients.items()}
    seen = set()
    for who, write in readers:
        for term in TERMS:
            answer, count = _get(clients[who], f"/solutions/lookup?q={quote(term)}{'&write=1' if write else ''}")
            expected = [] if write and who == "auditor" else _old_lookup(users[who], term, write)
            assert answer == {"items": expected}, (who, write, term)
            assert count - nothing[who] <= (0 if write and who == "auditor" else 2), (who, write, term)
            seen.add(len(expected))
    assert {0, 1, views.LOOKUP_LIMIT} <= seen and len(seen) > 3  # empty, single, full and partial answers
    db.session.rollback()


def test_the_lookup_sends_as_many_statements_for_a_large_register(app, users, without_auth_cache):
    _add(users, 0, 8)
    client = {who: WebClient(app, users[who]) for who in ("compliance", "owner")}
    urls = [("compliance", "/solutions/lookup?q=a"), ("compliance", "/solutions/lookup?q=zzz"),
            ("compliance", "/solutions/lookup?q=sepsis&write=1"), ("owner", "/solutions/lookup?q=a"),
            ("owner", "/solutions/lookup?q=%233&write=1")]
    small = [_get(client[who], url)[1] for who, url in urls]
    _add(users, 8, 1200)
    large = [_get(client[who], url)[1] for who, url in urls]
    nothing = _get(client["compliance"], "/solutions/lookup?q=")[1]
    assert all(count <= nothing + 2 for count in small + large), (small, large)
    # "zzz" matches nothing: the first read, then the search of every solution, whatever their number.
    assert small[1] == large[1] == nothing + 2
    # "a" in the first 1,000 of 1,208 names: found by the first read alone.
    assert large[0] == nothing + 1
