"""The start page's counts of the whole register (by phase, AI Act category and device class, and the reviews
overdue) are kept in step with every write to the solutions (PostgreSQL: `solution_class_counts` and
`solution_review_counts`, kept by a trigger in the writing transaction); an owner's are counted over their own
and co-owned solutions from the owner's index. Either way they are the numbers a count of the solutions gives."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, func, insert, select, update

from ai_register.extensions import db
from ai_register.main import overview_views as overview
from ai_register.solutions.models import Solution, SolutionClassCount, SolutionReviewCount
from ai_register.solutions.services import region_today
from tests.reports.conftest import etag, register_solution


def _computed(today, *where) -> tuple[Counter, int, int]:
    keys = (Solution.phase, Solution.current_ai_act_category, Solution.current_device_class)
    by = Counter({(row[0], row[1], row[2]): row[3] for row in db.session.execute(
        select(*keys, func.count()).where(*where).group_by(*keys))})
    overdue = db.session.scalar(select(func.count()).where(Solution.next_review_on < today, *where))
    flagged = db.session.scalar(select(func.count()).where(Solution.needs_rereview.is_(True), *where))
    return by, overdue, flagged


def test_the_counts_follow_every_write_to_the_solutions(app, client, auth, users):
    """Registering, a changed review date, phase, category and device class, a bulk INSERT and UPDATE (around
    the ORM) and a DELETE: the whole register's counts and an owner's are each time what counting gives."""
    owner, other = users["owner"], users["owner2"]
    today = region_today()
    headers = auth(owner)

    def check():
        db.session.expire_all()
        with app.test_request_context("/"):
            whole = overview._counts(users["compliance"], today)
            mine = overview._counts(owner, today)
        by, overdue, _flagged = _computed(today)
        assert (whole.by, whole.overdue) == (by, overdue)
        co_owned = select(Solution.id).where(Solution.co_owners.any(id=owner.id))
        own_by, own_overdue, own_flagged = _computed(today, (Solution.owner_id == owner.id)
                                                     | Solution.id.in_(co_owned))
        assert (mine.by, mine.overdue, mine.flagged) == (own_by, own_overdue, own_flagged)
        if db.session.get_bind().dialect.name == "postgresql":
            kept = {(r.phase, r.ai_act_category, r.device_class): r.solutions
                    for r in db.session.scalars(select(SolutionClassCount))}
            assert kept == {(p, c or "", d or ""): n for (p, c, d), n in by.items()}
            days = Counter({d: n for d, n in db.session.execute(
                select(Solution.next_review_on, func.count()).where(Solution.next_review_on.is_not(None))
                .group_by(Solution.next_review_on))})
            assert {r.next_review_on: r.solutions for r in db.session.scalars(select(SolutionReviewCount))} == days

    check()
    first = register_solution(client, auth, owner, name="Först")
    second = register_solution(client, auth, owner, name="Andra")
    check()
    response = client.patch(f"/api/v1/solutions/{first}",
                            json={"next_review_on": (today - timedelta(days=2)).isoformat(), "reason": "test"},
                            headers={**headers, "If-Match": etag(client, headers, first)})
    assert response.status_code == 200, response.get_json()
    check()
    solution = db.session.get(Solution, second)
    solution.current_ai_act_category, solution.current_device_class = "high_risk", "IIa"
    solution.phase, solution.next_review_on = "pilot", today - timedelta(days=400)
    db.session.commit()
    check()
    solution.co_owners.append(other)  # a co-owner's write that changes none of the counted columns
    solution.purpose = "Ändrat syfte"
    db.session.commit()
    check()
    db.session.execute(insert(Solution), [{
        "name": f"Bulk {n}", "purpose": "Sorterar remisser.", "owner_id": (other if n % 2 else owner).id,
        "created_by_id": other.id, "phase": ("needs_analysis", "pilot", "management")[n % 3],
        "current_ai_act_category": ("high_risk", None, "minimal_risk")[n % 3],
        "current_device_class": (None, "IIb")[n % 2], "needs_rereview": n % 4 == 0,
        "next_review_on": today + timedelta(days=n % 5 - 2) if n % 3 else None} for n in range(30)])
    db.session.commit()
    check()
    shared = db.session.scalar(select(Solution).where(Solution.name == "Bulk 1"))
    shared.co_owners.append(owner)
    db.session.commit()
    db.session.execute(update(Solution).where(Solution.name.like("Bulk %"), Solution.phase == "pilot")
                       .values(phase="rollout", current_device_class=None, next_review_on=today))
    db.session.commit()
    check()
    db.session.execute(delete(Solution).where(Solution.name.like("Bulk %"), Solution.phase == "management"))
    db.session.commit()
    check()


def test_an_owner_who_reads_the_whole_register_sees_its_overdue_reviews_counted(app, client, auth, users):
    """With OWNERS_READ_ALL an owner's start page counts the whole register, as compliance's does, and the
    reviews overdue are a number on both databases (SQLite counts them in its grouped statement)."""
    owner, other = users["owner"], users["owner2"]
    today = region_today()
    mine = register_solution(client, auth, owner, name="Min")
    theirs = register_solution(client, auth, other, name="Deras")
    for solution_id in (mine, theirs):
        db.session.get(Solution, solution_id).next_review_on = today - timedelta(days=3)
    db.session.commit()
    app.config["OWNERS_READ_ALL"] = True
    try:
        with app.test_request_context("/"):
            page = overview.build(owner)
    finally:
        app.config["OWNERS_READ_ALL"] = False
    assert page["overdue_count"] == _computed(today)[1] == 2
