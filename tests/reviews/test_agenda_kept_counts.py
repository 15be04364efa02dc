"""The follow-up agenda of a reader who sees every solution counts its reviews due from the solutions kept per
phase and review day (PostgreSQL: `solution_phase_review_counts`, kept by the trigger on solutions): the agenda's
counts equal counting the solutions, for every filter of the agenda, after every kind of write to the solutions
(phase and review date changed through the API and the ORM, bulk INSERT, UPDATE and DELETE around the ORM) and as
days pass with nothing written (sums over days: nothing to recount at midnight). An owner's are counted from
their own index (`access.owned_rows`) as their visibility condition counts them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, insert, select, true, update

from ai_register.extensions import db
from ai_register.reviews import agenda
from ai_register.solutions.access import visible_condition
from ai_register.solutions.models import Solution, SolutionPhaseReviewCount
from ai_register.solutions.services import region_today
from tests.reports.conftest import etag, register_solution

FILTERS = ({}, {"overdue": True}, {"overdue": False}, {"kind": "review_due"}, {"kind": "review_overdue"},
           {"kind": "review_overdue", "overdue": False}, {"overdue": True, "offset": 2, "limit": 3})


def _check(today, *, every_filter: bool = False, owners: tuple = ()) -> None:
    db.session.expire_all()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres and not every_filter:
        return  # SQLite keeps no counts: both sides count the solutions, once at the end is enough
    if postgres:
        kept = {(r.phase, r.next_review_on): r.solutions for r in db.session.scalars(select(SolutionPhaseReviewCount))}
        counted = db.session.execute(
            select(Solution.phase, Solution.next_review_on, func.count()).where(Solution.next_review_on.is_not(None))
            .group_by(Solution.phase, Solution.next_review_on))
        assert kept == {(phase, day): n for phase, day, n in counted}
    days = (today, today - timedelta(days=45), today + timedelta(days=400)) if every_filter else (today,)
    for day in days:
        for wanted in FILTERS if every_filter else FILTERS[:3]:
            # The whole register (kept counts on PostgreSQL) against the same sources counted row by row.
            items, total, late = agenda.page(today=day, **wanted)
            counted_items, counted_total, counted_late = agenda.page(today=day, visible=true(), **wanted)
            assert (total, late) == (counted_total, counted_late), (day, wanted)
            assert [(i.kind, i.subject_id) for i in items] == [(i.kind, i.subject_id) for i in counted_items]
            for owner in owners:  # an owner's counted from their own index, against their visibility condition
                visible = visible_condition(owner)
                mine = agenda.page(today=day, visible=visible, owner=owner, **wanted)
                counted = agenda.page(today=day, visible=visible, **wanted)
                assert mine[1:] == counted[1:], (owner.email, day, wanted)
                assert [(i.kind, i.subject_id) for i in mine[0]] == [(i.kind, i.subject_id) for i in counted[0]]
    reviewed = select(func.count()).where(Solution.phase.in_(agenda.REVIEWED_PHASES),
                                          Solution.next_review_on <= today + timedelta(days=30))
    due = db.session.scalar(reviewed)
    assert agenda.page(today=today, kind="review_due")[1] + agenda.page(today=today, kind="review_overdue")[1] == due


def test_the_agenda_counts_the_reviews_due_as_counting_the_solutions_does(app, client, auth, users):
    owner, other = users["owner"], users["owner2"]
    today = region_today()
    with app.test_request_context("/"):
        _check(today)
        first = register_solution(client, auth, owner, name="Först")
        second = register_solution(client, auth, owner, name="Andra")
        _check(today)
        response = client.patch(f"/api/v1/solutions/{first}",
                                json={"next_review_on": (today - timedelta(days=2)).isoformat(), "reason": "test"},
                                headers={**auth(owner), "If-Match": etag(client, auth(owner), first)})
        assert response.status_code == 200, response.get_json()
        _check(today)
        solution = db.session.get(Solution, second)
        solution.phase, solution.next_review_on = "decommissioning", today + timedelta(days=3)  # not reviewed
        db.session.commit()
        _check(today)
        solution.phase = "management"  # back among the reviewed phases, same day
        db.session.commit()
        _check(today)
        phases = ("needs_analysis", "pilot", "rollout", "management", "decommissioning", "retired")
        db.session.execute(insert(Solution), [{  # every phase, reviews from 45 days ago to 44 days ahead
            "name": f"Bulk {n}", "purpose": "Sorterar remisser.", "owner_id": (other if n % 2 else owner).id,
            "created_by_id": other.id, "phase": phases[n % 6],
            "next_review_on": today + timedelta(days=(n * 7) % 90 - 45) if n % 5 else None} for n in range(40)])
        db.session.commit()
        _check(today)
        db.session.execute(update(Solution).where(Solution.name.like("Bulk %"), Solution.phase == "pilot")
                           .values(phase="retired", next_review_on=today - timedelta(days=1)))
        db.session.execute(update(Solution).where(Solution.name.like("Bulk %"), Solution.phase == "rollout")
                           .values(next_review_on=today + timedelta(days=20)))
        db.session.commit()
        _check(today)
        shared = db.session.scalar(select(Solution).where(Solution.name == "Bulk 2"))  # owner's, co-owned by other
        shared.co_owners.append(other)
        theirs = db.session.scalar(select(Solution).where(Solution.name == "Bulk 1"))  # other's, co-owned by owner
        theirs.co_owners.append(owner)
        db.session.commit()
        db.session.execute(delete(Solution).where(Solution.name.like("Bulk %"), Solution.phase == "management"))
        db.session.commit()
        _check(today, every_filter=True, owners=(owner, other))
