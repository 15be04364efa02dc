"""Recording periodic reviews and keeping the solution's next review date. Services flush and audit."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from ai_register.apikit import page_of, page_window
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.exceptions import InvalidInput
from ai_register.extensions import db
from ai_register.notifications import services as notifications
from ai_register.notifications.settings import setting
from ai_register.reviews import agenda, realisation, schedule, sources
from ai_register.reviews.agenda import REVIEWED_PHASES
from ai_register.reviews.models import Review
from ai_register.security import OWNER
from ai_register.solutions.access import get_solution, require_id, visible_condition, visible_solutions_query
from ai_register.solutions.models import Solution
from ai_register.solutions.services import record_solution_change, region_today, solution_record
from ai_register.users.models import User, utcnow

ENTITY = "review"


def interval_for(solution: Solution) -> int:
    return schedule.interval_months(setting("REVIEW_INTERVAL_MONTHS"),
                                    category=solution.current_ai_act_category,
                                    device_class=solution.current_device_class,
                                    override=solution.review_interval_months)


def last_review(solution_id: int) -> Review | None:
    return db.session.scalar(select(Review).where(Review.solution_id == solution_id)
                             .order_by(Review.reviewed_on.desc(), Review.id.desc()).limit(1))


def last_reviews(solution_ids: list[int]) -> dict[int, Review]:
    """The latest review of each of these solutions (a page of them), in one statement."""
    if not solution_ids:
        return {}
    latest = (select(Review.id, func.row_number().over(
        partition_by=Review.solution_id, order_by=(Review.reviewed_on.desc(), Review.id.desc())).label("n"))
        .where(Review.solution_id.in_(solution_ids)).subquery())
    reviews = db.session.scalars(select(Review).join(latest, latest.c.id == Review.id).where(latest.c.n == 1))
    return {review.solution_id: review for review in reviews}


_UNREAD = object()


def review_status(solution: Solution, today: date | None = None, last: Review | None | object = _UNREAD) -> dict:
    """The solution's schedule: interval, next date and whether it is due or overdue. `last`: its latest
    review when the caller read it already (None: it has none)."""
    today = today or region_today()
    if last is _UNREAD:
        last = last_review(solution.id)
    return {
        "solution_id": solution.id,
        "interval_months": interval_for(solution),
        "interval_source": "solution" if solution.review_interval_months else "risk",
        "risk_category": solution.current_ai_act_category,
        "next_review_on": solution.next_review_on,
        "state": schedule.review_state(solution.next_review_on, today, int(setting("REVIEW_REMINDER_DAYS"))),
        "last_reviewed_on": last.reviewed_on if last else None,
        "last_review_id": last.id if last else None,
    }


def list_reviews(solution_id: int, user: User, *, page: int = 1, per_page: int = 50) -> dict:
    solution = get_solution(require_id(solution_id, "solution"), user)
    query = select(Review).where(Review.solution_id == solution.id).order_by(Review.reviewed_on.desc(),
                                                                              Review.id.desc())
    return {**page_of(query, {"page": page, "per_page": per_page}), "schedule": review_status(solution)}


def record_review(solution_id: int, data: dict, *, by: User) -> Review:
    """A review; it sets the solution's next review date (audited on the solution) and prompts the
    owners for a follow-up decision."""
    solution = get_solution(require_id(solution_id, "solution"), by, write=True)
    today = region_today()
    reviewed_on = data.get("reviewed_on") or today
    errors = {}
    checked = [item.strip() for item in data.get("checked") or () if item and item.strip()]
    if not checked:
        errors["checked"] = ["Say what was checked."]
    if reviewed_on > today:
        errors["reviewed_on"] = ["A review cannot be dated later than today."]
    months = interval_for(solution)
    next_on = data.get("next_review_on") or schedule.next_review_on(reviewed_on, months)
    if next_on <= reviewed_on:
        errors["next_review_on"] = ["The next review must come after this one."]
    if errors:
        raise InvalidInput("Invalid input: " + ", ".join(sorted(errors)), errors=errors)
    review = Review(solution_id=solution.id, reviewed_on=reviewed_on, checked=list(dict.fromkeys(checked)),
                    outcome=data["outcome"], notes=(data.get("notes") or "").strip() or None,
                    interval_months=months, next_review_on=next_on, reviewed_by_id=by.id,
                    created_at=utcnow())
    db.session.add(review)
    audit.record_create(review, ENTITY, solution_id=solution.id, reason=data.get("reason"))
    before = solution_record(solution)
    solution.next_review_on = next_on
    record_solution_change(solution, before, reason=coded("review_sets_next_date", review=review.id),
                           data={"review_id": review.id})
    _prompt_follow_up(solution, review)
    return review


def _prompt_follow_up(solution: Solution, review: Review) -> None:
    notifications.notify_many(
        notifications.active_users(solution.owner_ids()), "follow_up_decision", subject_type="review",
        subject_id=review.id, solution_id=solution.id, due_on=review.reviewed_on,
        params={"solution": solution.name, "event": "review", "on": review.reviewed_on.isoformat(),
                "outcome": review.outcome},
        link=f"/solutions/{solution.id}",
    )


def schedule_list(user: User, *, state: str | None = None, page: int = 1, per_page: int = 50) -> dict:
    """Review schedules of the solutions `user` may read, in phases that are reviewed; by default the
    due and overdue ones, the most overdue first."""

    today = region_today()
    horizon = today + timedelta(days=int(setting("REVIEW_REMINDER_DAYS")))
    query = visible_solutions_query(user).where(Solution.phase.in_(REVIEWED_PHASES))
    column = Solution.next_review_on
    query = query.where({
        None: column <= horizon,
        "overdue": column < today,
        "due": (column >= today) & (column <= horizon),
        "scheduled": column > horizon,
        "unscheduled": column.is_(None),
    }[state])
    found = page_of(query.order_by(column.asc().nulls_last(), Solution.id), {"page": page, "per_page": per_page})
    last = last_reviews([solution.id for solution in found["items"]])
    found["items"] = [{**review_status(solution, today, last.get(solution.id)), "solution_name": solution.name}
                      for solution in found["items"]]
    return found


def realisation_for(solution_id: int, user: User, *, as_of: date | None = None) -> dict:
    """Benefit realisation of the solution's goals, for the solution page's charts."""

    solution = get_solution(require_id(solution_id, "solution"), user)
    goals = sources.goals_with_measurements(solution.id)
    return {"solution_id": solution.id, **realisation.realisation(goals, as_of=as_of)}


def agenda_for(user: User, *, overdue: bool | None = None, kind: str | None = None,
               solution_id: int | None = None, page: int = 1, per_page: int = 50) -> dict:
    """One page of the follow-up agenda of the solutions `user` may read (overdue first, then by due date),
    with how many items and overdue items there are in all."""

    visible = visible_condition(user)
    # An owner's visibility is their owned and co-owned solutions (access.visible_condition), which some sources
    # count from the owner's index.
    owner = user if user.role == OWNER and visible is not None and solution_id is None else None
    if solution_id is not None:
        one = Solution.id == solution_id
        visible = one if visible is None else and_(visible, one)
    offset, limit = page_window(page, per_page)
    items, total, late = agenda.page(visible=visible, overdue=overdue, kind=kind, offset=offset, limit=limit,
                                     owner=owner)
    return {"items": [item.as_dict() for item in items], "total": total, "overdue": late, "page": page,
            "per_page": per_page}
