"""The follow-up agenda's pages are the agenda itself: for every reader (an owner who sees part of the
register, a co-owner, compliance, the auditor), every page size, the overdue filter and one solution, the
pages put together are exactly the whole agenda (`agenda.collect`, read without a limit) cut to the
solutions the reader may see, in its order, with the same counts. The pages count every source in one
statement, test visibility on each source's own solution row, and read only overdue rows when the page
holds only overdue items: this holds those shortcuts to the plain reading."""

from __future__ import annotations

from datetime import date, timedelta

from freezegun import freeze_time

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.oversight.models import OversightAssignment
from ai_register.reviews import agenda
from ai_register.solutions.access import can_read

TODAY = "2026-05-04 08:00:00"


def _register(make_solution, users) -> list:
    """Nine solutions of two owners (one co-owned by the other), each with a review, an expiring or
    expired piece of evidence and an oversight re-confirmation, overdue or not, on spread-out days."""
    owner, other = users["owner"], users["owner2"]
    solutions = []
    for n in range(9):
        solution = make_solution(name=f"Spread {n}", owner=owner if n % 3 else other,
                                 co_owners=[other] if n == 4 else [], phase=("management", "pilot", "rollout")[n % 3],
                                 next_review_on=date(2026, 4, 22) + timedelta(days=3 * n))
        db.session.add(Evidence(solution_id=solution.id, type="dpia", title=f"DPIA {n}", issued_on=date(2024, 1, 1),
                                expires_on=date(2026, 4, 30) + timedelta(days=2 * n), created_by_id=owner.id))
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=owner.id, created_by_id=owner.id,
                                           authority_to_suspend=True,
                                           accepted_on=date(2025, 4, 26) + timedelta(days=4 * n)))
        solutions.append(solution)
    db.session.commit()
    return solutions


def _get(client, headers: dict, query: str) -> dict:
    response = client.get(f"/api/v1/follow-up?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_page_of_every_reader_is_the_whole_agenda_cut_to_what_they_see(client, auth, make_solution, users):
    with freeze_time(TODAY):
        solutions = _register(make_solution, users)
        everything = agenda.collect()
        assert len({item.kind for item in everything}) >= 5
        one = solutions[4].id
        for who in ("owner", "owner2", "compliance", "auditor"):
            headers = auth(users[who])
            seen = [item for item in everything if can_read(item.solution, users[who])]
            for query, keep in (("", lambda i: True), ("overdue=true", lambda i: i.overdue),
                                ("overdue=false", lambda i: not i.overdue),
                                (f"solution_id={one}", lambda i: i.solution.id == one)):
                wanted = [(i.kind, i.subject_id, i.overdue) for i in seen if keep(i)]
                counts = (len(wanted), sum(1 for *_, overdue in wanted if overdue))
                whole = _get(client, headers, f"{query}&per_page=100")
                assert [(i["kind"], i["subject_id"], i["overdue"]) for i in whole["items"]] == wanted, (who, query)
                assert (whole["total"], whole["overdue"]) == counts, (who, query)
                # Pages of three: the first ones hold only overdue items (read from the overdue rows alone),
                # then a page crosses into the rest, then the rest.
                pages = range(1, len(wanted) // 3 + 2) if not query else (2,)
                for number in pages:
                    body = _get(client, headers, f"{query}&per_page=3&page={number}")
                    got = [(i["kind"], i["subject_id"], i["overdue"]) for i in body["items"]]
                    assert got == wanted[3 * (number - 1):3 * number], (who, query, number)
                    assert (body["total"], body["overdue"]) == counts, (who, query, number)
        # The readers differ: the other owner sees their own three and the one they co-own, the owner six.
        assert {i.solution.id for i in everything if can_read(i.solution, users["owner2"])} == \
            {solutions[n].id for n in (0, 3, 4, 6)}
        assert client.get("/api/v1/follow-up", headers=auth(users["admin"])).status_code == 403
