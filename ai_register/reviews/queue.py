"""Compliance's review queue as data: the submitted classifications and the pending phase-change
requests, oldest first, and why four eyes keep a reader from deciding one (the services' own checks
decide; these say which reason, in the reader's language). The queue page (reviews/views.py) and the
start page (main/overview_views.py) read it."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ai_register import statements
from ai_register.classification.models import SUBMITTED, Classification
from ai_register.classification.review import require_four_eyes
from ai_register.exceptions import FourEyes
from ai_register.extensions import db
from ai_register.solutions import transitions
from ai_register.solutions.access import get_solution
from ai_register.solutions.models import TransitionRequest


def submitted_classifications(limit: int | None = None) -> list[Classification]:
    """The submitted classifications, oldest first (the first `limit`); the statement built once per limit."""
    return list(db.session.scalars(statements.built(f"review.submitted:{limit}", lambda _kind: (
        select(Classification).where(Classification.status == SUBMITTED)
        .order_by(Classification.submitted_at, Classification.id).limit(limit)))))


def pending_requests(limit: int | None = None) -> list[TransitionRequest]:
    """The pending phase-change requests, oldest first (the first `limit`); the statement built once per limit."""
    return list(db.session.scalars(statements.built(f"review.pending:{limit}", lambda _kind: (
        select(TransitionRequest).where(TransitionRequest.status == "pending")
        .order_by(TransitionRequest.requested_at, TransitionRequest.id).limit(limit)))))


def _four_eyes_text(because: str | None, owns_now: bool, *, requested: bool = False) -> str:
    """The four-eyes bar (the refusal's `because`) in the reader's language."""
    if because in ("answered", "submitted"):
        return _("You answered or submitted it.")
    if because == "requested":
        return _("You requested it.")
    if because == "owner" and owns_now:
        return _("You own the solution.")
    if because == "cooling_off":
        if requested:
            return _("You were an owner or co-owner of the solution shortly before it was requested (the "
                     "cooling-off period).")
        return _("You were an owner or co-owner of the solution shortly before this version was answered "
                 "(the cooling-off period).")
    if requested:
        return _("You were an owner or co-owner of the solution after it was requested.")
    return _("You were an owner or co-owner of the solution after this version was answered.")


def classification_conflict(item: Classification, user) -> str | None:
    """Why four eyes keep `user` from reviewing it, or None. The service's own check decides; this
    only says which of its reasons it is, in the reader's language."""
    solution = get_solution(item.solution_id, user)
    try:
        require_four_eyes(item, solution, user)
    except FourEyes as refusal:
        return _four_eyes_text(refusal.extensions.get("because"), user.id in solution.owner_ids())
    return None


def request_conflict(item: TransitionRequest, user) -> str | None:
    """Why four eyes keep `user` from deciding the request, or None; the service's check decides."""
    try:
        transitions.require_four_eyes(item, item.solution, user)
    except FourEyes as refusal:
        return _four_eyes_text(refusal.extensions.get("because"), user.id in item.solution.owner_ids(),
                               requested=True)
    return None
