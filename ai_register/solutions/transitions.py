"""Phase changes and follow-up decisions: requests, four-eyes approval, and their effect.

The pure lifecycle (`lifecycle/`) says whether a move or decision is allowed and what it does; this
module reads the facts, refuses with every unmet condition (409), and writes the change and its
audit events in the request's one transaction.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from typing import Any

from ai_register.apikit import N_, Message
from ai_register.audit import services as audit
from ai_register.exceptions import Conflict, FourEyes, GateNotMet, InvalidInput
from ai_register.extensions import db
from ai_register.oversight import services as oversight
from ai_register.solutions.gate_facts import build_gate_facts, gate_settings
from ai_register.solutions.lifecycle.decisions import DecisionKind, DecisionNotAllowed, plan_decision
from ai_register.solutions.lifecycle.gates import evaluate_transition
from ai_register.solutions.lifecycle.phases import Phase, Status, requires_approval, status_after_move
from ai_register.solutions.lifecycle.unmet import Unmet
from ai_register.solutions.models import Decision, Solution, TransitionRequest
from ai_register.solutions.services import (
    owner_ids_around,
    pending_request,
    record_solution_change,
    region_today,
    solution_record,
    touch,
)
from ai_register.users.models import User, utcnow


def _check_transition(solution: Solution, to: Phase, *, on: date, rationale: str | None = None) -> None:
    facts = build_gate_facts(solution, on=on)
    if to is Phase.DECOMMISSIONING and rationale and not (facts.decommission_rationale or "").strip():
        facts = replace(facts, decommission_rationale=rationale)
    phase, status = Phase(solution.phase), Status(solution.status)
    unmet = evaluate_transition(phase, status, to, facts, on, gate_settings())
    if unmet:
        raise GateNotMet(f"The solution cannot move from {solution.phase} to {to.value}: "
                         f"{len(unmet)} condition(s) not met.", unmet)


def _refuse_second_request(solution: Solution) -> None:
    pending = pending_request(solution)
    if pending is not None:
        raise GateNotMet(
            f"A request to move to {pending.to_phase} is already pending (request {pending.id}); "
            "it must be decided or withdrawn first.",
            [Unmet("transition_pending", "Another transition request is pending.",
                   {"request_id": pending.id, "to": pending.to_phase})],
            pending_request_id=pending.id)


def _add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _close_request(request: TransitionRequest, status: str, by: User, reason: str | None,
                   action: str) -> None:
    before = audit.snapshot(request)
    request.status = status
    request.decided_by_id, request.decided_by = by.id, by
    request.decided_at = utcnow()
    request.decision_reason = reason
    audit.record_update(request, "transition_request", before, solution_id=request.solution_id,
                        reason=reason, action=action)


def _new_request(solution: Solution, to: Phase, by: User, reason: str | None, *,
                 approval_required: bool) -> TransitionRequest:
    request = TransitionRequest(solution_id=solution.id, from_phase=solution.phase, to_phase=to.value,
                                reason=reason, approval_required=approval_required, requested_by_id=by.id,
                                requested_by=by, requested_at=utcnow(), status="pending")
    if not approval_required:
        request.status, request.decided_by_id, request.decided_by = "applied", by.id, by
        request.decided_at = request.requested_at
    db.session.add(request)
    audit.record_create(request, "transition_request", solution_id=solution.id, reason=reason)
    return request


def _move(solution: Solution, to: Phase, by: User, *, reason: str | None, request: TransitionRequest,
          before: dict | None = None, on: date) -> None:
    """The phase change itself. A move ends any other pending request (it no longer fits the phase)."""
    before = before or solution_record(solution)
    other = pending_request(solution)
    if other is not None and other.id != request.id:
        _close_request(other, "withdrawn", by, f"Superseded by the move to {to.value}.", "withdraw")
    solution.phase = to.value
    solution.status = status_after_move(Status(solution.status), to).value
    solution.phase_changed_at = utcnow()
    if to is Phase.DECOMMISSIONING and reason and not (solution.decommission_rationale or "").strip():
        solution.decommission_rationale = reason
    if to is Phase.MANAGEMENT and solution.next_review_on is None and solution.review_interval_months:
        solution.next_review_on = _add_months(on, solution.review_interval_months)
    record_solution_change(solution, before, action="transition", reason=reason,
                           data={"from": before["phase"], "to": to.value,
                                 "transition_request_id": request.id})
    if to is Phase.RETIRED:
        oversight.end_on_retirement(solution, by=by)


def request_transition(solution: Solution, to: Phase, by: User,
                       reason: str | None) -> tuple[TransitionRequest, bool]:
    """Ask to move the solution to `to`. Returns the request and whether the move took effect now
    (False: into pilot or rollout, it waits for a compliance officer's approval)."""
    on = region_today()
    if requires_approval(to):
        _refuse_second_request(solution)
    _check_transition(solution, to, on=on, rationale=reason)
    if requires_approval(to):
        request = _new_request(solution, to, by, reason, approval_required=True)
        touch(solution)
        return request, False
    before = solution_record(solution)
    request = _new_request(solution, to, by, reason, approval_required=False)
    _move(solution, to, by, reason=reason, request=request, before=before, on=on)
    return request, True


def _require_pending(request: TransitionRequest) -> None:
    if request.status != "pending":
        raise Conflict(f"The request is {request.status}, not pending.")


def require_four_eyes(request: TransitionRequest, solution: Solution, by: User) -> None:
    """Who may not decide the request: its requester, and anyone who owns or owned the solution since."""
    if by.id == request.requested_by_id:
        raise FourEyes("Four eyes: you requested this transition, so another compliance officer "
                       "must decide it.", because="requested")
    owners, cooling_off = owner_ids_around(solution, request.requested_at)
    if by.id in owners:
        raise FourEyes("Four eyes: you are, or were since the request, an owner or co-owner of this "
                       "solution, so another compliance officer must decide it.", because="owner")
    if by.id in cooling_off:
        raise FourEyes("Four eyes: you were an owner or co-owner of this solution within the cooling-off period "
                       "before the request, so another compliance officer must decide it.", because="cooling_off")


def approve_request(request: TransitionRequest, by: User, reason: str | None) -> TransitionRequest:
    """Approve a pending move into pilot or rollout; the gate is checked again on the approval date."""
    solution = request.solution
    _require_pending(request)
    require_four_eyes(request, solution, by)
    on = region_today()
    if solution.phase != request.from_phase:
        raise GateNotMet("The solution is no longer in the phase the request was made from.", [
            Unmet("request_phase_changed", "The solution has changed phase since the request.",
                  {"requested_from": request.from_phase, "now": solution.phase})])
    _check_transition(solution, Phase(request.to_phase), on=on)
    before = solution_record(solution)
    _close_request(request, "approved", by, reason, "approve")
    _move(solution, Phase(request.to_phase), by, reason=reason or request.reason, request=request,
          before=before, on=on)
    return request


def reject_request(request: TransitionRequest, by: User, reason: str) -> TransitionRequest:
    solution = request.solution
    _require_pending(request)
    require_four_eyes(request, solution, by)
    _close_request(request, "rejected", by, reason, "reject")
    touch(solution)
    return request


def withdraw_request(request: TransitionRequest, by: User, reason: str | None) -> TransitionRequest:
    _require_pending(request)
    _close_request(request, "withdrawn", by, reason, "withdraw")
    touch(request.solution)
    return request


# --------------------------------------------------------------------------- follow-up decisions


def record_decision(solution: Solution, data: dict[str, Any], by: User) -> Decision:
    """A follow-up decision and its effect, in one transaction. Everything is checked before
    anything is written, so a refused decision leaves no record and no audit event."""
    if not (data.get("rationale") or "").strip():
        raise InvalidInput("Invalid input: rationale", errors={"rationale": [Message(N_("Give the rationale."))]})
    kind = DecisionKind(data["kind"])
    phase, status = Phase(solution.phase), Status(solution.status)
    try:
        effect = plan_decision(kind, phase, status)
    except DecisionNotAllowed as exc:
        raise GateNotMet(exc.reason, [Unmet(exc.code, exc.reason, {"kind": kind.value, "phase": phase.value,
                                                                    "status": status.value})]) from exc
    on = region_today()
    decided_on = data.get("decided_on") or on
    if decided_on > on:
        raise InvalidInput("Invalid input: decided_on",
                           errors={"decided_on": ["A decision cannot be dated later than today."]})
    to = effect.transition_to
    if to is not None:
        if effect.transition_requested:
            _refuse_second_request(solution)
        _check_transition(solution, to, on=on, rationale=data["rationale"])

    before = solution_record(solution)
    request = None
    if to is not None:
        request = _new_request(solution, to, by, data["rationale"],
                               approval_required=effect.transition_requested)
    decision = Decision(solution_id=solution.id, kind=kind.value, rationale=data["rationale"],
                        decided_on=decided_on, decided_by_id=by.id, decided_by=by,
                        follow_up_data=data.get("follow_up_data"),
                        meeting_reference=data.get("meeting_reference"), phase=phase.value,
                        status_before=status.value, status_after=effect.new_status.value,
                        transition_request_id=request.id if request else None, transition_request=request)
    db.session.add(decision)
    audit.record_create(decision, "decision", solution_id=solution.id, reason=data["rationale"])
    if to is not None and not effect.transition_requested:
        _move(solution, to, by, reason=data["rationale"], request=request, before=before, on=on)
        return decision
    solution.status = effect.new_status.value
    # The decision is guarded by If-Match, so it moves the version on even when nothing else changes.
    touch(solution)
    if solution.status != status.value:
        record_solution_change(solution, before, action=kind.value, reason=data["rationale"],
                               data={"decision_id": decision.id})
    return decision
