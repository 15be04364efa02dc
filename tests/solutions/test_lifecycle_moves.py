"""Moves between phases and follow-up decisions (DOMAIN.md, "Lifecycle"), as explicit tables."""

from __future__ import annotations

import pytest

from ai_register.solutions.lifecycle.decisions import (
    DecisionEffect,
    DecisionKind,
    DecisionNotAllowed,
    allowed_decisions,
    plan_decision,
)
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST, EVIDENCE_LABELS, EvidenceType
from ai_register.solutions.lifecycle.phases import (
    PHASE_LABELS,
    Phase,
    Status,
    allowed_targets,
    check_move,
    requires_approval,
)
from tests.helpers import read_catalog

NA, PI, RO, MA, DE, RE = (Phase.NEEDS_ANALYSIS, Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT,
                          Phase.DECOMMISSIONING, Phase.RETIRED)
ACTIVE, PAUSED = Status.ACTIVE, Status.PAUSED

# from → {to: the move's single unmet code, or None when allowed}, written out by hand.
ACTIVE_MOVES = {
    NA: {NA: "move_same_phase", PI: None, RO: "move_skips_phase", MA: "move_skips_phase", DE: None,
         RE: "move_skips_phase"},
    PI: {NA: "move_backwards", PI: "move_same_phase", RO: None, MA: "move_skips_phase", DE: None,
         RE: "move_skips_phase"},
    RO: {NA: "move_backwards", PI: "move_backwards", RO: "move_same_phase", MA: None, DE: None,
         RE: "move_skips_phase"},
    MA: {NA: "move_backwards", PI: "move_backwards", RO: "move_backwards", MA: "move_same_phase", DE: None,
         RE: "move_skips_phase"},
    DE: {NA: "move_backwards", PI: "move_backwards", RO: "move_backwards", MA: "move_backwards",
         DE: "move_same_phase", RE: None},
    RE: dict.fromkeys(Phase, "move_retired_terminal"),
}


@pytest.mark.parametrize(("phase", "to", "expected"),
                         [(p, t, code) for p, row in ACTIVE_MOVES.items() for t, code in row.items()])
def test_move_while_active(phase, to, expected):
    codes = [u.code for u in check_move(phase, ACTIVE, to)]
    assert codes == ([] if expected is None else [expected])
    assert (to in allowed_targets(phase, ACTIVE)) == (expected is None)


@pytest.mark.parametrize("phase", [NA, PI, RO, MA])
def test_paused_allows_only_terminate_move(phase):
    assert allowed_targets(phase, PAUSED) == [DE]
    assert check_move(phase, PAUSED, DE) == []
    for to in set(Phase) - {DE}:
        assert "move_paused" in [u.code for u in check_move(phase, PAUSED, to)]


def test_paused_next_step_is_refused_with_reason():
    unmet = check_move(PI, PAUSED, RO)
    assert [u.code for u in unmet] == ["move_paused"]
    assert unmet[0].details == {"from": "pilot", "to": "rollout", "allowed": ["decommissioning"]}


def test_paused_backwards_lists_both_reasons():
    assert [u.code for u in check_move(RO, PAUSED, PI)] == ["move_backwards", "move_paused"]


def test_retired_is_terminal_in_any_status():
    for status in Status:
        assert allowed_targets(RE, status) == []
        for to in Phase:
            assert [u.code for u in check_move(RE, status, to)] == ["move_retired_terminal"]


@pytest.mark.parametrize(("to", "approval"), [(NA, False), (PI, True), (RO, True), (MA, False), (DE, False),
                                              (RE, False)])
def test_requires_approval(to, approval):
    assert requires_approval(to) is approval


# (decision, phase, status) → effect, for every combination that is allowed; all others raise.
ALLOWED_DECISIONS = {
    (DecisionKind.SCALE_UP, PI, ACTIVE): DecisionEffect(ACTIVE, RO, True),
    (DecisionKind.SCALE_UP, RO, ACTIVE): DecisionEffect(ACTIVE, MA, False),
    **{(DecisionKind.ADJUST, p, ACTIVE): DecisionEffect(ACTIVE) for p in (PI, RO, MA)},
    **{(DecisionKind.PAUSE, p, ACTIVE): DecisionEffect(PAUSED) for p in (NA, PI, RO, MA)},
    **{(DecisionKind.RESUME, p, PAUSED): DecisionEffect(ACTIVE) for p in (NA, PI, RO, MA)},
    **{(DecisionKind.TERMINATE, p, s): DecisionEffect(ACTIVE, DE, False) for p in (NA, PI, RO, MA)
       for s in (ACTIVE, PAUSED)},
}

ALL_COMBINATIONS = [(k, p, s) for k in DecisionKind for p in Phase for s in Status]


@pytest.mark.parametrize(("kind", "phase", "status"), ALL_COMBINATIONS)
def test_plan_decision_table(kind, phase, status):
    expected = ALLOWED_DECISIONS.get((kind, phase, status))
    if expected is None:
        with pytest.raises(DecisionNotAllowed) as refused:
            plan_decision(kind, phase, status)
        assert refused.value.code in {"decision_wrong_phase", "decision_paused", "decision_not_paused"}
        assert refused.value.reason
    else:
        assert plan_decision(kind, phase, status) == expected
    assert (kind in allowed_decisions(phase, status)) == (expected is not None)


@pytest.mark.parametrize(("kind", "phase", "status", "code"), [
    (DecisionKind.SCALE_UP, NA, ACTIVE, "decision_wrong_phase"),
    (DecisionKind.SCALE_UP, MA, ACTIVE, "decision_wrong_phase"),
    (DecisionKind.SCALE_UP, PI, PAUSED, "decision_paused"),
    (DecisionKind.ADJUST, NA, ACTIVE, "decision_wrong_phase"),
    (DecisionKind.ADJUST, RO, PAUSED, "decision_paused"),
    (DecisionKind.PAUSE, PI, PAUSED, "decision_paused"),
    (DecisionKind.PAUSE, DE, ACTIVE, "decision_wrong_phase"),
    (DecisionKind.RESUME, PI, ACTIVE, "decision_not_paused"),
    (DecisionKind.TERMINATE, DE, ACTIVE, "decision_wrong_phase"),
    (DecisionKind.TERMINATE, RE, ACTIVE, "decision_wrong_phase"),
])
def test_refused_decision_says_why(kind, phase, status, code):
    with pytest.raises(DecisionNotAllowed) as refused:
        plan_decision(kind, phase, status)
    assert refused.value.code == code
    assert str(refused.value) == refused.value.reason


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("phase", [NA, PI, RO, MA])
def test_decisions_cause_only_legal_moves(phase, status):
    for kind in allowed_decisions(phase, status):
        effect = plan_decision(kind, phase, status)
        if effect.transition_to is not None:
            assert check_move(phase, status, effect.transition_to) == []
            assert effect.transition_requested == requires_approval(effect.transition_to)


def test_paused_allows_only_resume_and_terminate():
    for phase in (NA, PI, RO, MA):
        assert allowed_decisions(phase, PAUSED) == [DecisionKind.RESUME, DecisionKind.TERMINATE]


def test_labels_are_complete_in_both_languages():
    """Labels are catalog messages (English msgid); the Swedish comes from the catalog, with the
    domain's words for the phases."""
    swedish = {message.id: message.string for message in read_catalog("sv") if message.id}
    assert PHASE_LABELS[RO] == "Rollout" and swedish[PHASE_LABELS[RO]] == "Breddinförande"
    assert swedish[Phase.MANAGEMENT.label()] == "Förvaltning"
    assert swedish[Status.PAUSED.label()] == "Pausad"
    assert DecisionKind.SCALE_UP.label() == "Scale up"
    for labels in (PHASE_LABELS, EVIDENCE_LABELS, DECOMMISSIONING_CHECKLIST):
        assert all(label.en and swedish.get(str(label)) for label in labels.values())
    assert set(EVIDENCE_LABELS) == set(EvidenceType)
    assert set(PHASE_LABELS) == set(Phase)


def test_checklist_keys_are_the_domain_list():
    assert list(DECOMMISSIONING_CHECKLIST) == [
        "users_patients_informed", "access_removed", "integrations_switched_off", "data_archived_or_erased",
        "model_and_docs_archived", "eu_database_eudamed_updated", "oversight_owner_released",
    ]
