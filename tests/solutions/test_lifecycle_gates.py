"""Gates (DOMAIN.md, "Gates"): one row per unmet condition, the high-risk evidence table row by row,
evidence and oversight validity on the transition date, and the prohibited block."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

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
from ai_register.solutions.lifecycle.gates import check_gate, evaluate_transition
from ai_register.solutions.lifecycle.phases import Phase, Status
from ai_register.solutions.lifecycle.unmet import Unmet

ON = date(2027, 3, 1)
E = EvidenceType


def evidence(*types: EvidenceType, issued: date = ON - timedelta(days=30), expires: date | None = None):
    return tuple(EvidenceFact(t, issued, expires) for t in types)


def satisfied(**changes) -> GateFacts:
    """A minimal-risk solution whose records open every gate on ON."""
    base = GateFacts(
        need_statement="Radiology reports wait too long for a first read.",
        goals=(GoalFact("report waiting time", True, True, True, measurements=2),),
        has_benefit_estimate=True,
        classification=ClassificationFact("minimal_risk", role="deployer", public_authority=True),
        oversight_owner=OversightFact(accepted_on=ON - timedelta(days=100)),
        processes_personal_data=True,
        evidence=evidence(E.DPIA, E.PILOT_EVALUATION),
        rollout_units=(RolloutUnitFact("Sunderby akutmottagning", date(2026, 10, 1), date(2026, 10, 1)),),
        next_review_on=date(2027, 9, 1),
        decommission_rationale="Replaced by the national service.",
        decommissioning_checklist=dict.fromkeys(DECOMMISSIONING_CHECKLIST, True),
        trustworthy_assessment=AssessmentFact(ON - timedelta(days=60)),
    )
    return replace(base, **changes)


def codes(unmet: list[Unmet]) -> list[str]:
    return [u.code for u in unmet]


@pytest.mark.parametrize("to", list(Phase))
def test_satisfied_facts_open_every_gate(to):
    assert check_gate(to, satisfied(), ON) == []


@pytest.mark.parametrize(("to", "expected"), [
    (Phase.NEEDS_ANALYSIS, []),
    (Phase.PILOT, ["need_statement_missing", "goal_missing", "benefit_estimate_missing",
                   "classification_not_valid", "oversight_owner_missing", "dpia_missing",
                   "trustworthy_assessment_missing"]),
    (Phase.ROLLOUT, ["evidence_missing:pilot_evaluation", "goal_missing", "classification_not_valid",
                     "oversight_owner_missing"]),
    (Phase.MANAGEMENT, ["rollout_plan_missing", "review_schedule_missing"]),
    (Phase.DECOMMISSIONING, ["decommission_rationale_missing"]),
    (Phase.RETIRED, [f"checklist_item_open:{key}" for key in DECOMMISSIONING_CHECKLIST]),
])
def test_nothing_recorded_lists_every_condition(to, expected):
    assert codes(check_gate(to, GateFacts(), ON)) == expected


def _incomplete(indicator=True, baseline=True, target=True, measurements=1):
    return (GoalFact("g", indicator, baseline, target, measurements),)


# (gate, change to the satisfied facts, the single code it causes)
ONE_CONDITION = [
    (Phase.PILOT, {"need_statement": None}, "need_statement_missing"),
    (Phase.PILOT, {"need_statement": "  \n"}, "need_statement_missing"),
    (Phase.PILOT, {"goals": ()}, "goal_missing"),
    (Phase.PILOT, {"goals": _incomplete(indicator=False)}, "goal_incomplete"),
    (Phase.PILOT, {"goals": _incomplete(baseline=False)}, "goal_incomplete"),
    (Phase.PILOT, {"goals": _incomplete(target=False)}, "goal_incomplete"),
    (Phase.PILOT, {"has_benefit_estimate": False}, "benefit_estimate_missing"),
    (Phase.PILOT, {"classification": None}, "classification_not_valid"),
    (Phase.PILOT, {"classification": ClassificationFact("high_risk", needs_review=True, role="deployer")},
     "classification_needs_review"),
    (Phase.PILOT, {"classification": ClassificationFact("needs_review", role="deployer")},
     "classification_needs_review"),
    (Phase.PILOT, {"classification": ClassificationFact("prohibited", role="deployer")},
     "classification_prohibited"),
    (Phase.PILOT, {"prohibited_block": True}, "classification_prohibited"),
    (Phase.PILOT, {"oversight_owner": None}, "oversight_owner_missing"),
    (Phase.PILOT, {"evidence": evidence(E.PILOT_EVALUATION)}, "dpia_missing"),
    (Phase.PILOT, {"evidence": evidence(E.PILOT_EVALUATION), "processes_personal_data": None},
     "dpia_missing"),
    (Phase.ROLLOUT, {"evidence": evidence(E.DPIA)}, "evidence_missing:pilot_evaluation"),
    (Phase.ROLLOUT, {"goals": ()}, "goal_missing"),
    (Phase.ROLLOUT, {"goals": _incomplete(measurements=0)}, "goal_measurement_missing"),
    (Phase.ROLLOUT, {"classification": None}, "classification_not_valid"),
    (Phase.ROLLOUT,
     {"classification": ClassificationFact("limited_risk", needs_review=True, role="deployer")},
     "classification_needs_review"),
    (Phase.ROLLOUT, {"prohibited_block": True}, "classification_prohibited"),
    (Phase.ROLLOUT, {"oversight_owner": None}, "oversight_owner_missing"),
    (Phase.ROLLOUT, {"oversight_owner": OversightFact()}, "oversight_confirmation_missing"),
    (Phase.ROLLOUT, {"oversight_owner": OversightFact(accepted_on=date(2025, 1, 1))},
     "oversight_confirmation_expired"),
    (Phase.MANAGEMENT, {"rollout_units": ()}, "rollout_plan_missing"),
    (Phase.MANAGEMENT, {"rollout_units": (RolloutUnitFact("Kiruna vårdcentral", date(2027, 2, 1)),)},
     "rollout_unit_not_started"),
    (Phase.MANAGEMENT,
     {"rollout_units": (RolloutUnitFact("Kiruna vårdcentral", None, ON + timedelta(days=1)),)},
     "rollout_unit_not_started"),
    (Phase.MANAGEMENT, {"next_review_on": None}, "review_schedule_missing"),
    (Phase.MANAGEMENT, {"next_review_on": None, "review_interval_months": 0}, "review_schedule_missing"),
    (Phase.MANAGEMENT, {"prohibited_block": True}, "classification_prohibited"),
    (Phase.DECOMMISSIONING, {"decommission_rationale": None}, "decommission_rationale_missing"),
    (Phase.DECOMMISSIONING, {"decommission_rationale": " "}, "decommission_rationale_missing"),
    (Phase.RETIRED, {"decommissioning_checklist": {**dict.fromkeys(DECOMMISSIONING_CHECKLIST, True),
                                                   "access_removed": False}},
     "checklist_item_open:access_removed"),
    (Phase.RETIRED, {"decommissioning_checklist": {k: True for k in DECOMMISSIONING_CHECKLIST
                                                   if k != "oversight_owner_released"}},
     "checklist_item_open:oversight_owner_released"),
]


@pytest.mark.parametrize(("to", "changes", "code"), ONE_CONDITION, ids=[c for _, _, c in ONE_CONDITION])
def test_each_condition_alone(to, changes, code):
    unmet = check_gate(to, satisfied(**changes), ON)
    assert codes(unmet) == [code]
    assert unmet[0].message


@pytest.mark.parametrize("reason", list(InvalidClassification))
def test_invalid_classification_says_why(reason):
    facts = satisfied(classification=None, classification_invalid_reason=reason)
    (unmet,) = check_gate(Phase.PILOT, facts, ON)
    assert unmet.code == "classification_not_valid"
    assert unmet.details == {"reason": reason.value}


def test_one_complete_goal_is_enough_for_pilot_but_every_goal_needs_a_measurement_for_rollout():
    goals = (GoalFact("waiting time", True, True, True, 1), GoalFact("staff time", True, False, False, 0))
    assert check_gate(Phase.PILOT, satisfied(goals=goals), ON) == []
    unmet = check_gate(Phase.ROLLOUT, satisfied(goals=goals), ON)
    assert [(u.code, u.details) for u in unmet] == [("goal_measurement_missing", {"goal": "staff time"})]


def test_incomplete_goals_say_what_is_missing():
    goals = (GoalFact("a", False, True, False), GoalFact("b", True, False, True))
    (unmet,) = check_gate(Phase.PILOT, satisfied(goals=goals), ON)
    assert unmet.details == {"goals": {"a": ["indicator", "target"], "b": ["baseline"]}}


def test_no_dpia_needed_without_personal_data():
    facts = satisfied(processes_personal_data=False, evidence=evidence(E.PILOT_EVALUATION))
    assert check_gate(Phase.PILOT, facts, ON) == []


def test_every_unstarted_unit_is_listed():
    units = (RolloutUnitFact("A", date(2026, 9, 1), date(2026, 9, 1)), RolloutUnitFact("B", date(2027, 4, 1)),
             RolloutUnitFact("C", date(2027, 5, 1)))
    unmet = check_gate(Phase.MANAGEMENT, satisfied(rollout_units=units), ON)
    assert [u.details for u in unmet] == [{"unit": "B", "planned_start": "2027-04-01"},
                                         {"unit": "C", "planned_start": "2027-05-01"}]


def test_review_interval_alone_is_a_schedule():
    assert check_gate(Phase.MANAGEMENT, satisfied(next_review_on=None, review_interval_months=12), ON) == []


# --------------------------------------------------------------------------- high-risk evidence table


def hr(*routes: str, role: str | None = "deployer", public: bool | None = True, **kw) -> ClassificationFact:
    return ClassificationFact("high_risk", routes=frozenset(routes), role=role, public_authority=public, **kw)


DEPLOYER = {E.INSTRUCTIONS_FOR_USE, E.OVERSIGHT_TRAINING}
DEVICE_PROVIDER = {E.CE_CERTIFICATE, E.DECLARATION_OF_CONFORMITY, E.UDI_DI, E.EUDAMED_REGISTRATION}
ANNEX_III_PROVIDER = {E.DECLARATION_OF_CONFORMITY, E.EU_DATABASE_REGISTRATION}

HIGH_RISK_TABLE = [
    ("annex III public deployer: FRIA, Art 49(3)", hr("annex_iii_5a"),
     {E.FRIA, E.EU_DATABASE_REGISTRATION} | DEPLOYER),
    ("annex III private deployer", hr("annex_iii_4", public=False), DEPLOYER),
    ("annex III point 2 is not in the public row", hr("annex_iii_2"), DEPLOYER),
    ("annex III 5(b) private deployer: FRIA", hr("annex_iii_5b", public=False), {E.FRIA} | DEPLOYER),
    ("annex III 5(c) public deployer", hr("annex_iii_5c"), {E.FRIA, E.EU_DATABASE_REGISTRATION} | DEPLOYER),
    ("annex III provider", hr("annex_iii_5a", role="provider"), ANNEX_III_PROVIDER),
    ("annex III point 2 provider", hr("annex_iii_2", role="provider"), ANNEX_III_PROVIDER),
    ("annex I MDR device provider", hr("annex_i_mdr", role="provider", device_regulation="mdr",
                                       device_class="IIb", notified_body=True), DEVICE_PROVIDER),
    ("annex I IVDR device provider", hr("annex_i_ivdr", role="provider", device_regulation="ivdr",
                                        device_class="C", notified_body=True), DEVICE_PROVIDER),
    ("annex I device deployer", hr("annex_i_mdr", device_regulation="mdr", device_class="IIa"), DEPLOYER),
    ("annex I other product provider: no row", hr("annex_i_other", role="provider"), set()),
    ("annex I other product deployer", hr("annex_i_other"), DEPLOYER),
    ("provider and deployer get both sets",
     hr("annex_i_mdr", "annex_iii_5a", role="provider_and_deployer", device_regulation="mdr"),
     DEVICE_PROVIDER | ANNEX_III_PROVIDER | {E.FRIA} | DEPLOYER),
    ("in-house device provider, not high-risk",
     ClassificationFact("limited_risk", role="provider", device_regulation="mdr", device_class="IIa",
                        in_house_exemption=True), {E.IN_HOUSE_DECLARATION}),
    ("in-house device deployer", ClassificationFact("minimal_risk", role="deployer", device_regulation="ivdr",
                                                    in_house_exemption=True), set()),
    ("in-house device, also annex III, provider and deployer",
     hr("annex_iii_5a", role="provider_and_deployer", device_regulation="mdr", in_house_exemption=True),
     {E.IN_HOUSE_DECLARATION, E.FRIA} | ANNEX_III_PROVIDER | DEPLOYER),
    ("not high-risk: nothing", ClassificationFact("limited_risk", role="provider_and_deployer"), set()),
    ("public authority unanswered counts as public", hr("annex_iii_5a", public=None),
     {E.FRIA, E.EU_DATABASE_REGISTRATION} | DEPLOYER),
    ("role unanswered asks for both", hr("annex_iii_5a", role=None),
     {E.FRIA} | ANNEX_III_PROVIDER | DEPLOYER),
]


@pytest.mark.parametrize(("c", "expected"), [(c, e) for _, c, e in HIGH_RISK_TABLE],
                         ids=[name for name, _, _ in HIGH_RISK_TABLE])
def test_high_risk_evidence_row(c, expected):
    assert set(required_evidence(c, ON)) == expected
    unmet = check_gate(Phase.ROLLOUT, satisfied(classification=c), ON)
    role_missing = ["classification_role_missing"] if c.role is None else []
    assert sorted(codes(unmet)) == sorted(role_missing + [f"evidence_missing:{t.value}" for t in expected])
    with_all = satisfied(classification=c, evidence=evidence(*EvidenceType))
    assert codes(check_gate(Phase.ROLLOUT, with_all, ON)) == role_missing


def test_evidence_unmet_cites_its_basis_once():
    c = hr("annex_iii_5b")  # FRIA from both the public row and the 5(b) row
    unmet = {u.code: u for u in check_gate(Phase.ROLLOUT, satisfied(classification=c), ON)}
    fria = unmet["evidence_missing:fria"]
    assert fria.details == {"evidence_type": "fria", "reason": "none_recorded", "on": "2027-03-01",
                            "basis": "AI Act Art 27"}
    assert unmet["evidence_missing:eu_database_registration"].details["basis"] == "AI Act Art 49(3)"


def test_notified_body_certificate_counts_as_ce_certificate():
    c = hr("annex_i_mdr", role="provider", device_regulation="mdr")
    present = evidence(E.PILOT_EVALUATION, E.NOTIFIED_BODY_CERTIFICATE, E.DECLARATION_OF_CONFORMITY, E.UDI_DI,
                       E.EUDAMED_REGISTRATION)
    assert check_gate(Phase.ROLLOUT, satisfied(classification=c, evidence=present), ON) == []


def test_high_risk_evidence_is_not_asked_for_pilot():
    assert check_gate(Phase.PILOT, satisfied(classification=hr("annex_iii_5a")), ON) == []


# --------------------------------------------------------------------------- application dates

RELAXED = GateSettings(enforce_before_application_date=False)


@pytest.mark.parametrize(("c", "on", "expected"), [
    (hr("annex_iii_5a"), date(2027, 12, 1), set()),
    (hr("annex_iii_5a"), date(2027, 12, 2), {E.FRIA, E.EU_DATABASE_REGISTRATION} | DEPLOYER),
    (hr("annex_i_mdr", role="provider"), date(2028, 8, 1), set()),
    (hr("annex_i_mdr", role="provider"), date(2028, 8, 2), DEVICE_PROVIDER),
    # the deployer row applies from the earliest of its routes' dates
    (hr("annex_i_mdr", "annex_iii_4", public=False), date(2027, 12, 2), DEPLOYER),
    (hr("annex_i_mdr", "annex_iii_4", public=False), date(2027, 12, 1), set()),
    # MDR/IVDR Art 5(5) already applies: no AI Act date to wait for
    (ClassificationFact("minimal_risk", role="provider", device_regulation="mdr", in_house_exemption=True),
     date(2026, 1, 1), {E.IN_HOUSE_DECLARATION}),
])
def test_relaxed_setting_applies_evidence_from_the_application_date(c, on, expected):
    assert set(required_evidence(c, on, RELAXED)) == expected
    assert set(required_evidence(c, date(2026, 1, 1))) >= expected  # enforced by default, even early


def test_application_dates_are_settings():
    settings = GateSettings(enforce_before_application_date=False, annex_iii_applies_from=date(2026, 8, 2))
    assert set(required_evidence(hr("annex_iii_4", public=False), date(2026, 8, 2), settings)) == DEPLOYER


# --------------------------------------------------------------------------- validity on the transition date


@pytest.mark.parametrize(("issued", "expires", "reason"), [
    (ON - timedelta(days=400), ON - timedelta(days=1), "expired"),
    (ON - timedelta(days=400), ON, "expired"),  # it expires on that day
    (ON + timedelta(days=1), None, "not_yet_issued"),
    (ON - timedelta(days=400), ON + timedelta(days=1), None),
    (ON, None, None),
])
@pytest.mark.parametrize(("to", "etype", "code", "c"), [
    (Phase.PILOT, E.DPIA, "dpia_missing", ClassificationFact("minimal_risk", role="deployer")),
    (Phase.ROLLOUT, E.PILOT_EVALUATION, "evidence_missing:pilot_evaluation",
     ClassificationFact("minimal_risk", role="deployer")),
    (Phase.ROLLOUT, E.FRIA, "evidence_missing:fria", hr("annex_iii_5b", public=False)),
])
def test_evidence_counts_only_when_valid_on_the_transition_date(issued, expires, reason, to, etype, code, c):
    others = [t for t in EvidenceType if t is not etype]
    facts = satisfied(classification=c, evidence=evidence(*others) + (EvidenceFact(etype, issued, expires),))
    unmet = check_gate(to, facts, ON)
    if reason is None:
        assert unmet == []
    else:
        assert [(u.code, u.details["reason"]) for u in unmet] == [(code, reason)]


def test_evidence_type_may_be_given_as_its_string():
    assert EvidenceFact("fria", ON).type is E.FRIA  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EvidenceFact("photo", ON)  # type: ignore[arg-type]


def test_a_valid_record_beside_an_expired_one_counts():
    records = (EvidenceFact(E.DPIA, date(2024, 1, 1), date(2025, 1, 1)),
               EvidenceFact(E.DPIA, date(2025, 1, 1)))
    assert check_gate(Phase.PILOT, satisfied(evidence=records + evidence(E.PILOT_EVALUATION)), ON) == []


@pytest.mark.parametrize(("on", "owner", "code"), [
    (date(2027, 3, 1), OversightFact(accepted_on=date(2026, 3, 1)), None),  # the anniversary still counts
    (date(2027, 3, 1), OversightFact(accepted_on=date(2026, 2, 28)), "oversight_confirmation_expired"),
    (date(2027, 3, 1), OversightFact(date(2020, 1, 1), last_confirmed_on=date(2026, 6, 1)), None),
    (date(2027, 3, 1), OversightFact(accepted_on=date(2027, 3, 2)), "oversight_confirmation_missing"),
    (date(2028, 2, 29), OversightFact(accepted_on=date(2027, 2, 28)), None),
    (date(2028, 2, 29), OversightFact(accepted_on=date(2027, 2, 27)), "oversight_confirmation_expired"),
])
def test_oversight_owner_confirmed_within_twelve_months(on, owner, code):
    facts = satisfied(oversight_owner=owner, evidence=evidence(*EvidenceType, issued=on))
    unmet = check_gate(Phase.ROLLOUT, facts, on)
    assert codes(unmet) == ([] if code is None else [code])


def test_an_unconfirmed_owner_is_enough_for_pilot():
    assert check_gate(Phase.PILOT, satisfied(oversight_owner=OversightFact()), ON) == []


# --------------------------------------------------------------------------- prohibited block


@pytest.mark.parametrize("source", ["earlier_version", "valid_classification"])
@pytest.mark.parametrize(("to", "blocked"), [(Phase.NEEDS_ANALYSIS, True), (Phase.PILOT, True),
                                             (Phase.ROLLOUT, True), (Phase.MANAGEMENT, True),
                                             (Phase.DECOMMISSIONING, False), (Phase.RETIRED, False)])
def test_prohibited_blocks_everything_but_the_exit(to, blocked, source):
    if source == "earlier_version":
        facts = satisfied(prohibited_block=True)
    else:
        facts = satisfied(classification=ClassificationFact("prohibited", role="deployer"))
    unmet = [u for u in check_gate(to, facts, ON) if u.code == "classification_prohibited"]
    assert [u.details for u in unmet] == ([{"source": source}] if blocked else [])


def test_prohibited_solution_can_be_terminated_while_paused():
    facts = satisfied(prohibited_block=True)
    assert evaluate_transition(Phase.ROLLOUT, Status.PAUSED, Phase.DECOMMISSIONING, facts, ON) == []
    assert evaluate_transition(Phase.DECOMMISSIONING, Status.ACTIVE, Phase.RETIRED, facts, ON) == []


# --------------------------------------------------------------------------- evaluate_transition


def test_illegal_move_is_reported_without_the_gate():
    unmet = evaluate_transition(Phase.NEEDS_ANALYSIS, Status.ACTIVE, Phase.ROLLOUT, GateFacts(), ON)
    assert codes(unmet) == ["move_skips_phase"]


def test_legal_move_reports_the_gate():
    unmet = evaluate_transition(Phase.PILOT, Status.ACTIVE, Phase.ROLLOUT, satisfied(goals=()), ON)
    assert codes(unmet) == ["goal_missing"]


def test_paused_solution_cannot_move_on_even_when_the_gate_holds():
    assert codes(evaluate_transition(Phase.PILOT, Status.PAUSED, Phase.ROLLOUT, satisfied(), ON)) == [
        "move_paused"]


def test_unmet_as_dict():
    (unmet,) = check_gate(Phase.DECOMMISSIONING, GateFacts(), ON)
    assert unmet.as_dict() == {"code": "decommission_rationale_missing",
                               "message": "Give the rationale for decommissioning.", "details": {}}


# --------------------------------------------------------------------------- ClassificationFact


CONTRACT_EXAMPLE = {
    "ai_act": {"category": "high_risk", "routes": ["annex_i_mdr", "annex_iii_5a"], "art6_3_exemption": False,
               "transparency": ["art50_1"], "gpai": None},
    "medical_device": {"regulation": "mdr", "class": "IIb", "rule": "mdr_rule_11a", "notified_body": True,
                       "in_house_exemption": False},
    "needs_review": False,
    "missing": [],
}


def test_from_result_reads_the_contract_shape():
    c = ClassificationFact.from_result(CONTRACT_EXAMPLE, {"role": "deployer", "public_authority": "yes"})
    assert c == ClassificationFact("high_risk", frozenset({"annex_i_mdr", "annex_iii_5a"}), "mdr", "IIb",
                                   notified_body=True, in_house_exemption=False, needs_review=False,
                                   role="deployer", public_authority=True)


def test_from_result_unanswered_role_and_public_authority_are_none():
    c = ClassificationFact.from_result(CONTRACT_EXAMPLE, {})
    assert (c.role, c.public_authority) == (None, None)


def test_override_takes_the_officers_category_and_class_and_decides():
    result = {**CONTRACT_EXAMPLE, "needs_review": True,
              "medical_device": {**CONTRACT_EXAMPLE["medical_device"], "class": None}}
    c = ClassificationFact.from_result(result, {"role": "deployer"}, override_category="limited_risk",
                                       override_device_class="IIa")
    assert (c.category, c.device_class, c.needs_review) == ("limited_risk", "IIa", False)
    assert ClassificationFact.from_result(result, {"role": "deployer"}).needs_review is True


def test_an_override_decides_only_the_parts_it_sets():
    both_open = {**CONTRACT_EXAMPLE, "needs_review": True,
                 "ai_act": {**CONTRACT_EXAMPLE["ai_act"], "category": "needs_review", "routes": []},
                 "medical_device": {**CONTRACT_EXAMPLE["medical_device"], "regulation": "needs_review",
                                    "class": None}}
    device_open = {**CONTRACT_EXAMPLE, "needs_review": True,
                   "medical_device": {**CONTRACT_EXAMPLE["medical_device"], "class": None}}

    def review(result, **override):
        return ClassificationFact.from_result(result, {}, **override).needs_review

    assert review(both_open, override_category="minimal_risk") is True
    assert review(both_open, override_device_class="IIa") is True
    assert review(both_open, override_category="minimal_risk", override_device_class="IIa") is False
    assert review(device_open, override_category="limited_risk") is True
    assert review(device_open, override_device_class="IIb") is False
    assert review(CONTRACT_EXAMPLE, override_category="limited_risk") is False


@pytest.mark.parametrize("bad", [{"category": "high"}, {"category": "high_risk", "role": "user"},
                                 {"category": "high_risk", "device_regulation": "fda"}])
def test_unknown_values_are_refused(bad):
    with pytest.raises(ValueError):
        ClassificationFact(**bad)
