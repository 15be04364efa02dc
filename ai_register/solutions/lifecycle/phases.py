"""Phases and status, and the moves between phases.

DOMAIN.md, "Lifecycle": "one step forward along the list; from any phase before `decommissioning` to
`decommissioning`; no skipping, no going back ... While `paused`, only `resume` and `terminate` are possible.
Transitions into `pilot` and `rollout` are requested ... and take effect when a compliance officer approves them."
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from ai_register.solutions.lifecycle.labels import N_, Label
from ai_register.solutions.lifecycle.unmet import Unmet


class Phase(StrEnum):
    NEEDS_ANALYSIS = "needs_analysis"
    PILOT = "pilot"
    ROLLOUT = "rollout"
    MANAGEMENT = "management"
    DECOMMISSIONING = "decommissioning"
    RETIRED = "retired"

    def label(self) -> Label:
        return PHASE_LABELS[self]


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"

    def label(self) -> Label:
        return STATUS_LABELS[self]


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_LABELS: Mapping[Phase, Label] = {
    Phase.NEEDS_ANALYSIS: Label(N_("Needs analysis")),
    Phase.PILOT: Label(N_("Pilot")),
    Phase.ROLLOUT: Label(N_("Rollout")),
    Phase.MANAGEMENT: Label(N_("Management")),
    Phase.DECOMMISSIONING: Label(N_("Decommissioning")),
    Phase.RETIRED: Label(N_("Retired")),
}

STATUS_LABELS: Mapping[Status, Label] = {
    Status.ACTIVE: Label(N_("Active")),
    Status.PAUSED: Label(N_("Paused")),
}

BEFORE_DECOMMISSIONING: frozenset[Phase] = frozenset(
    {Phase.NEEDS_ANALYSIS, Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT}
)


# --------------------------------------------------------------------------- moves

# "One step forward along the list; from any phase before decommissioning to decommissioning;
# no skipping, no going back." Retired is terminal.
MOVES: Mapping[Phase, tuple[Phase, ...]] = {
    Phase.NEEDS_ANALYSIS: (Phase.PILOT, Phase.DECOMMISSIONING),
    Phase.PILOT: (Phase.ROLLOUT, Phase.DECOMMISSIONING),
    Phase.ROLLOUT: (Phase.MANAGEMENT, Phase.DECOMMISSIONING),
    Phase.MANAGEMENT: (Phase.DECOMMISSIONING,),
    Phase.DECOMMISSIONING: (Phase.RETIRED,),
    Phase.RETIRED: (),
}

# "While paused, only resume and terminate are possible": the only move is terminate's.
MOVES_WHILE_PAUSED: tuple[Phase, ...] = (Phase.DECOMMISSIONING,)

# "Transitions into pilot and rollout are requested ... and take effect when a compliance
# officer approves them (four eyes). Other transitions take effect at once."
APPROVAL_REQUIRED: frozenset[Phase] = frozenset({Phase.PILOT, Phase.ROLLOUT})


def requires_approval(to: Phase) -> bool:
    return to in APPROVAL_REQUIRED


def allowed_targets(phase: Phase, status: Status) -> list[Phase]:
    targets = MOVES[phase]
    if status is Status.PAUSED:
        targets = tuple(t for t in targets if t in MOVES_WHILE_PAUSED)
    return list(targets)


def status_after_move(status: Status, to: Phase) -> Status:
    """The status once the move into `to` has taken effect. Pausing keeps the phase, but leaving
    service ends the pause: decommissioning and retired cannot be paused (the checklist is work to
    be done), so a paused solution terminated into decommissioning becomes active."""
    return status if to in BEFORE_DECOMMISSIONING else Status.ACTIVE


def check_move(phase: Phase, status: Status, to: Phase) -> list[Unmet]:
    """Whether `to` is a legal next phase; empty means the move itself is allowed (gates aside)."""
    allowed = [t.value for t in allowed_targets(phase, status)]
    details = {"from": phase.value, "to": to.value, "allowed": allowed}
    here, there = PHASE_ORDER.index(phase), PHASE_ORDER.index(to)
    unmet: list[Unmet] = []
    if phase is Phase.RETIRED:
        unmet.append(Unmet("move_retired_terminal", "A retired solution is read-only; it has no next phase.",
                           details))
    elif there == here:
        unmet.append(Unmet("move_same_phase", f"The solution is already in {phase.label()}.", details))
    elif there < here:
        unmet.append(Unmet("move_backwards", f"No going back from {phase.label()} to {to.label()}; "
                           "terminate and start a new needs analysis instead.", details))
    elif to not in MOVES[phase]:
        unmet.append(Unmet("move_skips_phase", f"{phase.label()} cannot skip ahead to {to.label()}.",
                           details))
    if status is Status.PAUSED and to not in MOVES_WHILE_PAUSED and phase is not Phase.RETIRED:
        unmet.append(Unmet("move_paused", "The solution is paused; only resume or terminate are possible.",
                           details))
    return unmet
