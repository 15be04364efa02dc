"""Properties of the lifecycle: moves never skip or go back, retired is absorbing, random walks of
decisions and transitions keep the invariants, and a gate never opens with one required fact gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_register.solutions.lifecycle.decisions import DecisionKind, DecisionNotAllowed, allowed_decisions, plan_decision
from ai_register.solutions.lifecycle.evidence_table import required_evidence
from ai_register.solutions.lifecycle.facts import (
    DECOMMISSIONING_CHECKLIST,
    AssessmentFact,
    ClassificationFact,
    EvidenceFact,
    EvidenceType,
    GateFacts,
    GateSettings,
    GoalFact,
    InvalidClassification,
    OversightFact,
    RolloutUnitFact,
)
from ai_register.solutions.lifecycle.gates import check_gate
from ai_register.solutions.lifecycle.phases import (
    BEFORE_DECOMMISSIONING,
    PHASE_ORDER,
    Phase,
    Status,
    allowed_targets,
    check_move,
    requires_approval,
    status_after_move,
)

RANK = {phase: rank for rank, phase in enumerate(PHASE_ORDER)}
phases = st.sampled_from(Phase)
statuses = st.sampled_from(Status)
kinds = st.sampled_from(DecisionKind)


# --------------------------------------------------------------------------- moves and decisions


@given(phases, statuses, phases)
def test_no_move_skips_or_goes_back(phase, status, to):
    allowed = not check_move(phase, status, to)
    assert allowed == (to in allowed_targets(phase, status))
    if allowed:
        one_step = RANK[to] == RANK[phase] + 1
        assert one_step or (to is Phase.DECOMMISSIONING and phase in BEFORE_DECOMMISSIONING)


@given(statuses, phases, kinds)
def test_retired_is_absorbing(status, to, kind):
    assert allowed_targets(Phase.RETIRED, status) == []
    assert check_move(Phase.RETIRED, status, to) != []
    with pytest.raises(DecisionNotAllowed):
        plan_decision(kind, Phase.RETIRED, status)


steps = st.one_of(
    st.tuples(st.just("move"), phases, st.booleans()),
    st.tuples(st.just("decide"), kinds, st.booleans()),
)


def assert_invariants(before: tuple[Phase, Status], after: tuple[Phase, Status]) -> None:
    (old_phase, old_status), (phase, status) = before, after
    assert RANK[phase] >= RANK[old_phase], "no going back"
    assert RANK[phase] - RANK[old_phase] <= 1 or phase is Phase.DECOMMISSIONING, "no skipping"
    if old_phase is Phase.RETIRED:
        assert after == before, "retired is absorbing"
    if old_status is Status.PAUSED and phase is not old_phase:
        assert phase is Phase.DECOMMISSIONING, "paused moves only by terminate"
    if status is Status.PAUSED:
        assert phase in BEFORE_DECOMMISSIONING
        assert set(allowed_decisions(phase, status)) == {DecisionKind.RESUME, DecisionKind.TERMINATE}
        assert allowed_targets(phase, status) == [Phase.DECOMMISSIONING]


@given(st.lists(steps, max_size=60))
def test_random_walk_keeps_invariants(walk):
    """Moves and decisions drawn at random; a requested move takes effect only when approved."""
    phase, status = Phase.NEEDS_ANALYSIS, Status.ACTIVE
    for action, what, approved in walk:
        before = (phase, status)
        if action == "move":
            if check_move(phase, status, what) or (requires_approval(what) and not approved):
                continue
            phase, status = what, status_after_move(status, what)
        else:
            try:
                effect = plan_decision(what, phase, status)
            except DecisionNotAllowed:
                assert what not in allowed_decisions(phase, status)
                continue
            if status is Status.PAUSED:
                assert what in (DecisionKind.RESUME, DecisionKind.TERMINATE)
            if effect.transition_to is not None:
                assert check_move(phase, status, effect.transition_to) == []
                assert effect.new_status == status_after_move(status, effect.transition_to)
                if approved or not effect.transition_requested:
                    phase = effect.transition_to
            status = effect.new_status
        assert_invariants(before, (phase, status))


# --------------------------------------------------------------------------- gates: knock one fact out

ROUTES = ["annex_i_mdr", "annex_i_ivdr", "annex_i_other", "annex_iii_1a", "annex_iii_1b", "annex_iii_1c",
          "annex_iii_2", "annex_iii_3", "annex_iii_4", "annex_iii_5a", "annex_iii_5b", "annex_iii_5c",
          "annex_iii_5d", "annex_iii_6", "annex_iii_7", "annex_iii_8"]
ROLES = ["provider", "deployer", "provider_and_deployer"]
PI, RO, MA, DE, RE = Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT, Phase.DECOMMISSIONING, Phase.RETIRED


def days(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda n: timedelta(days=n))


@st.composite
def classifications(draw) -> ClassificationFact:
    category = draw(st.sampled_from(["out_of_scope", "minimal_risk", "limited_risk", "high_risk"]))
    high = category == "high_risk"
    return ClassificationFact(
        category=category,
        routes=draw(st.frozensets(st.sampled_from(ROUTES))) if high else frozenset(),
        device_regulation=draw(st.sampled_from(["none", "mdr", "ivdr"])),
        device_class=draw(st.sampled_from([None, "I", "IIa", "IIb", "III", "B", "C"])),
        notified_body=draw(st.booleans()),
        in_house_exemption=draw(st.booleans()),
        role=draw(st.sampled_from(ROLES if high else [None, *ROLES])),
        public_authority=draw(st.sampled_from([True, False, None])),
    )


@st.composite
def worlds(draw) -> tuple[GateFacts, date, GateSettings]:
    """Facts that open every gate on `on`: every evidence type valid, plus some expired noise."""
    on = draw(st.dates(date(2025, 1, 1), date(2030, 12, 31)))
    valid = [EvidenceFact(t, on - draw(days(0, 1500)), draw(st.none() | days(1, 1500).map(on.__add__)))
             for t in EvidenceType]
    noise = [EvidenceFact(t, on - timedelta(days=2000), on - draw(days(0, 400)))
             for t in draw(st.lists(st.sampled_from(EvidenceType), max_size=4))]
    goal = st.builds(GoalFact, st.text(min_size=1, max_size=8), st.just(True), st.just(True), st.just(True),
                     st.integers(1, 5))
    unit = st.builds(RolloutUnitFact, st.text(min_size=1, max_size=8), st.none() | st.dates(),
                     days(0, 900).map(lambda d: on - d))
    schedule = draw(st.sampled_from(["date", "interval", "both"]))
    facts = GateFacts(
        need_statement=draw(st.sampled_from(["Long waits for reports.", "Too many no-shows"])),
        goals=tuple(draw(st.lists(goal, min_size=1, max_size=3))),
        has_benefit_estimate=True,
        classification=draw(classifications()),
        oversight_owner=OversightFact(on - draw(days(0, 3000)), on - draw(days(0, 360))),
        processes_personal_data=draw(st.sampled_from([True, False, None])),
        evidence=tuple(draw(st.permutations(valid + noise))),
        rollout_units=tuple(draw(st.lists(unit, min_size=1, max_size=3))),
        next_review_on=on + timedelta(days=90) if schedule != "interval" else None,
        review_interval_months=draw(st.integers(1, 36)) if schedule != "date" else None,
        decommission_rationale=draw(st.sampled_from(["Replaced.", "Pilot failed its goals"])),
        decommissioning_checklist=dict.fromkeys(DECOMMISSIONING_CHECKLIST, True),
        trustworthy_assessment=AssessmentFact(on - draw(days(0, 1500))),
        critical_for_patient_care=draw(st.sampled_from([True, False, None])),
        recovery_plan_tested_on=on - draw(days(0, 1500)),
    )
    return facts, on, GateSettings(enforce_before_application_date=draw(st.booleans()),
                                   require_trustworthy_assessment=draw(st.booleans()))


Knockout = Callable[[st.DataObject, GateFacts, date, GateSettings], "GateFacts | None"]
KNOCKOUTS: list[tuple[str, Knockout, frozenset[Phase]]] = []


def knocks_out(*gates: Phase) -> Callable[[Knockout], Knockout]:
    """Register a knockout: it removes one required fact (or returns None when the fact is not
    required for these facts), and each of `gates` must then refuse."""
    def register(knockout: Knockout) -> Knockout:
        KNOCKOUTS.append((knockout.__name__, knockout, frozenset(gates)))
        return knockout
    return register


def _lose_evidence(data, facts: GateFacts, on: date, types: tuple[EvidenceType, ...]) -> GateFacts:
    """Remove every record of `types`, or make each one expired or not yet issued on `on`."""
    how = data.draw(st.sampled_from(["remove", "expire", "future"]))
    kept = [e for e in facts.evidence if e.type not in types]
    if how == "remove":
        return replace(facts, evidence=tuple(kept))
    spoilt = [replace(e, expires_on=on - data.draw(days(0, 30))) if how == "expire"
              else replace(e, issued_on=on + data.draw(days(1, 30)))
              for e in facts.evidence if e.type in types]
    return replace(facts, evidence=tuple(kept + spoilt))


def _replace_one(data, items: tuple, **changes) -> tuple:
    index = data.draw(st.integers(0, len(items) - 1))
    return tuple(replace(item, **changes) if i == index else item for i, item in enumerate(items))


@knocks_out(PI)
def need_statement(d, f, on, s):
    return replace(f, need_statement=d.draw(st.sampled_from([None, "", " \n"])))


@knocks_out(PI, RO)
def goals(d, f, on, s):
    return replace(f, goals=())


@knocks_out(PI)
def every_goal_complete(d, f, on, s):
    part = st.sampled_from(["has_indicator", "has_baseline", "has_target"])
    return replace(f, goals=tuple(replace(g, **{d.draw(part): False}) for g in f.goals))


@knocks_out(RO)
def a_goal_measured(d, f, on, s):
    return replace(f, goals=_replace_one(d, f.goals, measurements=0))


@knocks_out(PI)
def benefit_estimate(d, f, on, s):
    return replace(f, has_benefit_estimate=False)


@knocks_out(PI, RO)
def valid_classification(d, f, on, s):
    reason = d.draw(st.none() | st.sampled_from(InvalidClassification))
    return replace(f, classification=None, classification_invalid_reason=reason)


@knocks_out(PI, RO)
def decided_classification(d, f, on, s):
    return replace(f, classification=replace(f.classification, needs_review=True))


@knocks_out(Phase.NEEDS_ANALYSIS, PI, RO, MA)
def no_prohibited_version(d, f, on, s):
    return replace(f, prohibited_block=True)


@knocks_out(Phase.NEEDS_ANALYSIS, PI, RO, MA)
def classification_not_prohibited(d, f, on, s):
    return replace(f, classification=replace(f.classification, category="prohibited", routes=frozenset()))


@knocks_out(PI, RO)
def oversight_owner(d, f, on, s):
    return replace(f, oversight_owner=None)


@knocks_out(RO)
def oversight_confirmed_within_a_year(d, f, on, s):
    stale = on - d.draw(days(367, 3000))
    return replace(f, oversight_owner=d.draw(st.sampled_from([
        OversightFact(), OversightFact(stale, stale), OversightFact(on + d.draw(days(1, 30)))])))


@knocks_out(PI)
def dpia(d, f, on, s):
    if f.processes_personal_data is False:
        return None
    return _lose_evidence(d, f, on, (EvidenceType.DPIA,))


@knocks_out(PI)
def trustworthy_assessment(d, f, on, s):
    if not s.require_trustworthy_assessment:
        return None
    return replace(f, trustworthy_assessment=d.draw(st.sampled_from([
        None, AssessmentFact(on + d.draw(days(1, 30))), AssessmentFact(on, ("accountability",))])))


@knocks_out(RO)
def continuity_of_a_critical_solution(d, f, on, s):
    if not f.critical_for_patient_care:
        return None
    if d.draw(st.booleans()):
        return replace(f, recovery_plan_tested_on=d.draw(st.none() | days(1, 30).map(on.__add__)))
    return _lose_evidence(d, f, on, (d.draw(st.sampled_from([EvidenceType.FALLBACK_ROUTINE,
                                                              EvidenceType.RECOVERY_PLAN])),))


@knocks_out(RO)
def pilot_evaluation(d, f, on, s):
    return _lose_evidence(d, f, on, (EvidenceType.PILOT_EVALUATION,))


@knocks_out(RO)
def high_risk_evidence(d, f, on, s):
    needed = sorted(required_evidence(f.classification, on, s).values(), key=lambda need: need.type)
    if not needed:
        return None
    return _lose_evidence(d, f, on, d.draw(st.sampled_from(needed)).accepted)


@knocks_out(RO)
def role(d, f, on, s):
    if f.classification.category != "high_risk":
        return None
    return replace(f, classification=replace(f.classification, role=None))


@knocks_out(MA)
def rollout_plan(d, f, on, s):
    return replace(f, rollout_units=())


@knocks_out(MA)
def every_unit_started(d, f, on, s):
    late = d.draw(st.none() | days(1, 60).map(on.__add__))
    return replace(f, rollout_units=_replace_one(d, f.rollout_units, actual_start=late))


@knocks_out(MA)
def review_schedule(d, f, on, s):
    return replace(f, next_review_on=None, review_interval_months=d.draw(st.sampled_from([None, 0, -3])))


@knocks_out(DE)
def decommission_rationale(d, f, on, s):
    return replace(f, decommission_rationale=d.draw(st.sampled_from([None, "", "\t"])))


@knocks_out(RE)
def every_checklist_item(d, f, on, s):
    item = d.draw(st.sampled_from(sorted(DECOMMISSIONING_CHECKLIST)))
    checklist = dict(f.decommissioning_checklist)
    if d.draw(st.booleans()):
        checklist[item] = False
    else:
        del checklist[item]
    return replace(f, decommissioning_checklist=checklist)


@settings(max_examples=200)
@given(worlds(), st.data())
def test_a_gate_never_opens_with_one_required_fact_knocked_out(world, data):
    facts, on, gate_settings = world
    for to in Phase:
        assert check_gate(to, facts, on, gate_settings) == [], to
    for name, knock_out, gates in KNOCKOUTS:
        knocked = knock_out(data, facts, on, gate_settings)
        if knocked is None:
            continue
        for to in gates:
            assert check_gate(to, knocked, on, gate_settings) != [], (name, to)


def test_every_gate_has_a_knockout():
    knocked_gates = set().union(*(gates for _, _, gates in KNOCKOUTS))
    assert knocked_gates == set(Phase)
