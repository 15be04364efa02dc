"""Follow-up decisions (scale up, adjust, pause, resume, terminate): where each is possible and what it does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ai_register.solutions.lifecycle.labels import N_, Label
from ai_register.solutions.lifecycle.phases import BEFORE_DECOMMISSIONING, PHASE_ORDER, Phase, Status, requires_approval


class DecisionKind(StrEnum):
    SCALE_UP = "scale_up"
    ADJUST = "adjust"
    PAUSE = "pause"
    RESUME = "resume"
    TERMINATE = "terminate"

    def label(self) -> Label:
        return DECISION_LABELS[self]


DECISION_LABELS: Mapping[DecisionKind, Label] = {
    DecisionKind.SCALE_UP: Label(N_("Scale up")),
    DecisionKind.ADJUST: Label(N_("Adjust")),
    DecisionKind.PAUSE: Label(N_("Pause")),
    DecisionKind.RESUME: Label(N_("Resume")),
    DecisionKind.TERMINATE: Label(N_("Terminate")),
}


@dataclass(frozen=True)
class DecisionEffect:
    """What a decision does. When `transition_requested`, the move waits for a compliance approval."""

    new_status: Status
    transition_to: Phase | None = None
    transition_requested: bool = False


class DecisionNotAllowed(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class _DecisionRule:
    phases: frozenset[Phase]
    statuses: frozenset[Status]
    new_status: Status
    moves: Mapping[Phase, Phase] = field(default_factory=dict)


_ACTIVE = frozenset({Status.ACTIVE})
_PAUSED = frozenset({Status.PAUSED})

# DOMAIN.md: "`scale_up` exists only in `pilot` (→ request `rollout`) and `rollout` (→
# `management`); `terminate` moves to `decommissioning`." `adjust` keeps the phase ("stays in
# pilot after an adjust"). Terminate sets the status to active, as `status_after_move` does for
# any move into decommissioning.
DECISIONS: Mapping[DecisionKind, _DecisionRule] = {
    DecisionKind.SCALE_UP: _DecisionRule(
        frozenset({Phase.PILOT, Phase.ROLLOUT}), _ACTIVE, Status.ACTIVE,
        {Phase.PILOT: Phase.ROLLOUT, Phase.ROLLOUT: Phase.MANAGEMENT},
    ),
    DecisionKind.ADJUST: _DecisionRule(
        frozenset({Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT}), _ACTIVE, Status.ACTIVE,
    ),
    DecisionKind.PAUSE: _DecisionRule(BEFORE_DECOMMISSIONING, _ACTIVE, Status.PAUSED),
    DecisionKind.RESUME: _DecisionRule(BEFORE_DECOMMISSIONING, _PAUSED, Status.ACTIVE),
    DecisionKind.TERMINATE: _DecisionRule(
        BEFORE_DECOMMISSIONING, _ACTIVE | _PAUSED, Status.ACTIVE,
        {phase: Phase.DECOMMISSIONING for phase in BEFORE_DECOMMISSIONING},
    ),
}


def plan_decision(kind: DecisionKind, phase: Phase, status: Status) -> DecisionEffect:
    """The effect of a follow-up decision, or `DecisionNotAllowed` saying why not."""
    rule = DECISIONS[kind]
    if phase not in rule.phases:
        where = ", ".join(p.label() for p in PHASE_ORDER if p in rule.phases)
        raise DecisionNotAllowed(
            "decision_wrong_phase",
            f"{kind.label()} is possible only in: {where}; the solution is in {phase.label()}.",
        )
    if status not in rule.statuses:
        if status is Status.PAUSED:
            raise DecisionNotAllowed("decision_paused",
                                     "The solution is paused; only resume or terminate are possible.")
        raise DecisionNotAllowed("decision_not_paused", "Only a paused solution can be resumed.")
    to = rule.moves.get(phase)
    return DecisionEffect(rule.new_status, to, to is not None and requires_approval(to))


def allowed_decisions(phase: Phase, status: Status) -> list[DecisionKind]:
    return [kind for kind, rule in DECISIONS.items() if phase in rule.phases and status in rule.statuses]
