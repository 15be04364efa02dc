"""Properties the contract demands of every answers object, checked with hypothesis.

The strongest check compares the engine's three-valued reasoning with brute force: an open
trigger answer stands for every value it could take, so a decided result must be the result of
every completion of the open answers ("never guess"), and `needs_review` must mean that some
completion would indeed be stricter.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_register.rules.contract import CATEGORIES, DEVICE_CLASSES, REGULATIONS, ROUTES, STRICTNESS
from ai_register.rules.evaluator import classify, classify_validated, decision
from ai_register.rules.loader import load_ruleset
from ai_register.rules.questionnaire import relevant_questions
from ai_register.rules.ruleset import Question

RULESET = load_ruleset()
# The questions the questionnaire asks (contract 1.1: `ivdr_rule` is only an accepted alias of
# `ivdr_rules`; giving both is invalid, and the alias is tested on its own in the evaluator tests).
QUESTIONS = RULESET.asked_questions
INDEX = RULESET.question_index
TRIGGERS = [question.id for question in QUESTIONS if question.kind == "trigger"]
ART5_QUESTIONS = ("prohibited_practices", "emotion_recognition")
# What limited_risk needs answered besides the device questions (contract, "What each category
# needs answered"); minimal_risk needs the three Art 50 questions as well.
LIMITED_NEEDS = (
    *ART5_QUESTIONS,
    "remote_biometric_identification",
    "biometric_categorisation",
    "other_annex_i_product",
    "annex_iii_areas",
)
ART50_QUESTIONS = ("interacts_with_persons", "generates_synthetic_content", "deep_fake_or_public_text")
ART6_3_CONDITIONS = (
    "narrow_procedural_task",
    "improves_completed_human_activity",
    "detects_decision_patterns_without_replacing_review",
    "preparatory_task",
)
# Biased towards in-scope, otherwise minimal medical devices (each value below is drawn about
# four times in five), so that opening one or two answers reaches the interesting boundaries.
COMMON = {
    "ai_system": "yes",
    "excluded_purpose": "none",
    "prohibited_practices": [],
    "emotion_recognition": "none",
    "remote_biometric_identification": "no",
    "biometric_categorisation": "no",
    "other_annex_i_product": "no",
    "annex_iii_areas": [],
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no",
    "mdr_decision_support": "no",
    "mdr_monitoring": "none",
    "mdr_closed_loop_therapy": "no",
    "mdr_measuring_function": "no",
    "mdr_drives_device": "no",
    "ivdr_drives_device": "no",
    "ivdr_sterile": "no",
    "in_house_exemption": "no",
    "interacts_with_persons": "no",
    "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no",
}

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_strategy(question: Question, *, allow_unsure: bool = True) -> st.SearchStrategy[Any]:
    if question.multiple:
        # A device rule list (`ivdr_rules`) is never empty: an empty one counts as unanswered.
        least = 1 if question.id in RULESET.device_questions else 0
        strategy = st.lists(st.sampled_from(question.value_ids), min_size=least, max_size=3, unique=True)
        if allow_unsure and question.accepts_unsure:
            strategy = st.one_of(strategy, st.just("unsure"))
    else:
        strategy = st.sampled_from(question.value_ids if allow_unsure else question.definite_values)
    if question.id in COMMON:
        return st.one_of(*[st.just(COMMON[question.id])] * 4, strategy)
    return strategy


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid answers object: each question omitted (about one in four) or answered."""
    answers = {}
    for question in QUESTIONS:
        if draw(st.integers(0, 3)) == 0:
            continue
        answers[question.id] = draw(value_strategy(question))
    return answers


@st.composite
def mostly_answered(draw: st.DrawFn) -> dict[str, Any]:
    """Every question answered with a definite value, then up to three trigger questions opened
    (omitted or `unsure`), so that all completions can be enumerated."""
    answers = {question.id: draw(value_strategy(question, allow_unsure=False)) for question in QUESTIONS}
    for question_id in draw(st.lists(st.sampled_from(TRIGGERS), max_size=3, unique=True)):
        if INDEX[question_id].accepts_unsure and draw(st.booleans()):
            answers[question_id] = "unsure"
        else:
            del answers[question_id]
    return answers


def is_open(answers: dict[str, Any], question_id: str) -> bool:
    return answers.get(question_id) in (None, "unsure")


def completions(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Every way to answer the open trigger questions (lists: none or one of each value, which
    is all a category can depend on)."""
    open_ids = [question_id for question_id in TRIGGERS if is_open(answers, question_id)]
    choices = []
    for question_id in open_ids:
        question = INDEX[question_id]
        if question.multiple and question_id in RULESET.device_questions:
            # A device rule list (`ivdr_rules`): at least one rule always applies (Rule 6 is the
            # catch-all), and the strictest listed decides, so one-element lists are all there is.
            choices.append([[value] for value in question.value_ids])
        elif question.multiple:
            choices.append([[], *([value] for value in question.value_ids)])
        else:
            choices.append(list(question.definite_values))
    return [{**answers, **dict(zip(open_ids, values, strict=True))} for values in product(*choices)]


def art6_3_granted(answers: dict[str, Any]) -> bool:
    return answers.get("art6_3_condition") in ART6_3_CONDITIONS and answers.get("profiling") == "no"


# ---- determinism and shape ----


@PROPERTY_SETTINGS
@given(answer_sets(), st.randoms(use_true_random=False))
def test_same_answers_give_the_same_result_whatever_their_order(answers, random):
    shuffled_items = list(answers.items())
    random.shuffle(shuffled_items)
    assert classify(answers, RULESET) == classify(dict(shuffled_items), RULESET) == classify(answers, RULESET)


@PROPERTY_SETTINGS
@given(answer_sets())
def test_result_matches_the_contract_schema(answers):
    result = classify(answers, RULESET)
    assert list(result) == [
        "ai_act",
        "medical_device",
        "needs_review",
        "missing",
        "obligations",
        "fired_rules",
        "ruleset",
    ]
    act, device = result["ai_act"], result["medical_device"]
    assert list(act) == ["category", "routes", "art6_3_exemption", "transparency", "gpai"]
    assert act["category"] in CATEGORIES
    assert set(act["routes"]) <= set(ROUTES) and len(act["routes"]) == len(set(act["routes"]))
    assert act["routes"] == [] or act["category"] == "high_risk"
    assert isinstance(act["art6_3_exemption"], bool)
    assert set(act["transparency"]) <= {"art50_1", "art50_2", "art50_3", "art50_4"}
    assert act["gpai"] in (None, "art53", "art53_open_source", "art55")
    if act["category"] == "out_of_scope":
        assert act["transparency"] == [] and act["art6_3_exemption"] is False
    if answers.get("excluded_purpose", "none") != "none":
        assert act["gpai"] is None  # contract 1.1: only an excluded purpose removes the GPAI part
    assert list(device) == ["regulation", "class", "rule", "notified_body", "in_house_exemption"]
    assert device["regulation"] in REGULATIONS
    if device["class"] is not None:
        assert device["class"] in DEVICE_CLASSES[device["regulation"]]
    else:
        assert device["rule"] is None
    assert device["notified_body"] in (True, False, None)
    assert isinstance(result["needs_review"], bool)
    assert result["needs_review"] == (
        act["category"] == "needs_review"
        or device["regulation"] == "needs_review"
        or (device["regulation"] in ("mdr", "ivdr") and device["class"] is None)
    )
    assert set(result["missing"]) <= set(INDEX) and len(result["missing"]) == len(set(result["missing"]))
    assert bool(result["missing"]) == result["needs_review"]
    assert all(is_open(answers, question_id) for question_id in result["missing"])
    for obligation in result["obligations"]:
        keys = ["id", "role", "citation", "text", "applies_from", "applies_from_original"]
        assert list(obligation) in (keys, [*keys, "condition"])
        assert obligation["role"] in ("provider", "deployer")
        # Contract 1.1: only an Art 111(2) condition leaves the date open.
        assert obligation["applies_from"] is not None or obligation.get("condition") == "significant_change"
    assert all(list(rule) == ["id", "citation"] and rule["citation"] for rule in result["fired_rules"])
    assert result["ruleset"] == {"version": RULESET.version, "sha256": RULESET.sha256}


@PROPERTY_SETTINGS
@given(answer_sets())
def test_transparency_is_listed_for_every_in_scope_result(answers):
    result = classify(answers, RULESET)
    expected = {
        duty
        for duty, fires in (
            ("art50_1", answers.get("interacts_with_persons") == "yes"),
            ("art50_2", answers.get("generates_synthetic_content") == "yes"),
            (
                "art50_3",
                answers.get("emotion_recognition")
                in ("other_setting", "workplace_or_education_medical_or_safety")
                or answers.get("biometric_categorisation") == "yes",
            ),
            ("art50_4", answers.get("deep_fake_or_public_text") == "yes"),
        )
        if fires
    }
    if result["ai_act"]["category"] == "out_of_scope":
        expected = set()
    assert set(result["ai_act"]["transparency"]) == expected


# ---- never guess ----


@PROPERTY_SETTINGS
@given(answer_sets())
def test_never_minimal_or_limited_while_a_relevant_trigger_is_open(answers):
    result = classify(answers, RULESET)
    category = result["ai_act"]["category"]
    if category not in ("minimal_risk", "limited_risk"):
        return
    assert answers["ai_system"] == "yes"
    for question_id in LIMITED_NEEDS:
        assert not is_open(answers, question_id), question_id
    if category == "minimal_risk":
        for question_id in ART50_QUESTIONS:
            assert not is_open(answers, question_id), question_id
    # The device questions that decide whether a notified body is involved (none in-house).
    assert result["medical_device"]["notified_body"] is not None


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mostly_answered())
def test_decided_results_hold_for_every_completion_of_the_open_answers(answers):
    result = classify(answers, RULESET)
    completed = [classify(completion, RULESET) for completion in completions(answers)]
    categories = {other["ai_act"]["category"] for other in completed}
    regulations = {other["medical_device"]["regulation"] for other in completed}
    device_classes = {other["medical_device"]["class"] for other in completed}
    category, device = result["ai_act"]["category"], result["medical_device"]

    if category != "needs_review":
        assert categories == {category}
    elif not is_open(answers, "ai_system") and not art6_3_granted(answers):
        # needs_review only when the completions differ: in category, or in the route that makes
        # them high-risk (MDR or IVDR undecided: "high_risk: ... one established route").
        assert (
            len({(other["ai_act"]["category"], tuple(other["ai_act"]["routes"])) for other in completed}) > 1
        )
    if device["regulation"] != "needs_review":
        assert regulations == {device["regulation"]}
    else:
        assert len(regulations) > 1
    if device["class"] is not None:
        assert device_classes == {device["class"]}
    elif device["regulation"] in ("mdr", "ivdr"):
        assert len(device_classes) > 1
    if result["ai_act"]["category"] == "high_risk":
        for other in completed:
            assert set(result["ai_act"]["routes"]) <= set(other["ai_act"]["routes"])


@PROPERTY_SETTINGS
@given(answer_sets())
def test_an_open_scope_question_always_leaves_the_category_open(answers):
    category = classify(answers, RULESET)["ai_act"]["category"]
    excluded = answers.get("excluded_purpose", "none") != "none"
    if answers.get("ai_system") == "no" or excluded:
        assert category == "out_of_scope"
    elif is_open(answers, "ai_system"):
        assert category == "needs_review"


# ---- what more answers can do ----


@PROPERTY_SETTINGS
@given(answer_sets(), st.sampled_from(INDEX["prohibited_practices"].value_ids))
def test_adding_a_prohibited_practice_makes_it_prohibited_unless_out_of_scope(answers, practice):
    before = classify(answers, RULESET)["ai_act"]["category"]
    listed = answers.get("prohibited_practices")
    changed = {
        **answers,
        "prohibited_practices": sorted({*(listed if isinstance(listed, list) else []), practice}),
    }
    after = classify(changed, RULESET)["ai_act"]["category"]
    if before == "out_of_scope":
        assert after == "out_of_scope"
    elif is_open(answers, "ai_system"):
        assert after == "needs_review"  # scope first
    else:
        assert after == "prohibited"


@PROPERTY_SETTINGS
@given(answer_sets(), st.sampled_from(INDEX["annex_iii_areas"].value_ids))
def test_adding_an_annex_iii_area_never_lowers_the_category(answers, area):
    """Monotonicity on the strictness scale; needs_review (not on the scale) can only stay, or
    be settled as high_risk by the new route; Art 6(3) may remove the new route."""
    listed = answers.get("annex_iii_areas")
    if not isinstance(listed, list) or area in listed:
        listed = []
    before = classify({**answers, "annex_iii_areas": listed}, RULESET)["ai_act"]
    after = classify({**answers, "annex_iii_areas": [*listed, area]}, RULESET)["ai_act"]
    if before["category"] in ("out_of_scope", "prohibited", "high_risk"):
        assert after["category"] == before["category"]
    elif before["category"] == "needs_review":
        assert after["category"] in ("needs_review", "high_risk")
    else:
        assert after["category"] in (before["category"], "high_risk")
        assert STRICTNESS[after["category"]] >= STRICTNESS[before["category"]]
        if after["category"] == before["category"]:
            assert after["art6_3_exemption"]  # only Art 6(3) can keep the new route away
    if before["category"] == after["category"] == "high_risk":
        assert set(before["routes"]) <= set(after["routes"])


@PROPERTY_SETTINGS
@given(answer_sets())
def test_role_public_authority_and_gpai_never_change_the_category(answers):
    category = classify(answers, RULESET)["ai_act"]["category"]
    for question_id in ("role", "public_authority", "gpai_model"):
        for value in (None, *INDEX[question_id].value_ids):
            changed = {key: item for key, item in answers.items() if key != question_id}
            if value is not None:
                changed[question_id] = value
            assert classify(changed, RULESET)["ai_act"]["category"] == category


@PROPERTY_SETTINGS
@given(answer_sets())
def test_an_open_exemption_question_never_causes_needs_review_by_itself(answers):
    """Setting an open exemption answer to its non-exempting value changes nothing."""
    not_exempting = {
        "excluded_purpose": "none",
        "in_house_exemption": "no",
        "art6_3_condition": "none",
        "profiling": "yes",
    }
    result = classify(answers, RULESET)
    claimed = {**answers}
    for question_id, value in not_exempting.items():
        if is_open(answers, question_id):
            claimed[question_id] = value
    other = classify(claimed, RULESET)
    assert other["ai_act"] == result["ai_act"]
    assert other["needs_review"] == result["needs_review"]


# ---- branching ----


@PROPERTY_SETTINGS
@given(answer_sets(), st.data())
def test_a_question_left_out_by_the_branching_cannot_change_the_result(answers, data):
    """Contract: "A question may be left out only when no value of it could change the result"."""
    relevant = set(relevant_questions(answers, RULESET))
    skipped = [question.id for question in QUESTIONS if question.id not in relevant]
    if not skipped:
        return
    question = INDEX[data.draw(st.sampled_from(skipped))]
    result = classify(answers, RULESET)
    without = {key: value for key, value in answers.items() if key != question.id}
    assert classify(without, RULESET) == result
    assert classify({**without, question.id: data.draw(value_strategy(question))}, RULESET) == result
    assert set(result["missing"]) <= relevant


# ---- contract 1.1 ----


@PROPERTY_SETTINGS
@given(mostly_answered(), st.sampled_from(["mdr_drives_device", "ivdr_drives_device"]), st.booleans())
def test_never_minimal_while_a_drives_device_answer_is_open(answers, question_id, unsure):
    """An open drives-device answer of a device that a driven device could lift into a
    notified-body class never leaves the result minimal (MDR Annex VIII 3.3, IVDR 1.4)."""
    answers = {**answers, question_id: "unsure"} if unsure else {k: v for k, v in answers.items() if k != question_id}
    result = classify(answers, RULESET)
    regulation = "mdr" if question_id == "mdr_drives_device" else "ivdr"
    if result["medical_device"]["regulation"] != regulation or answers.get("in_house_exemption") == "yes":
        return
    could_need_body = any(
        classify({**answers, question_id: value}, RULESET)["medical_device"]["notified_body"]
        for value in INDEX[question_id].definite_values
    )
    if could_need_body:
        assert result["ai_act"]["category"] != "minimal_risk"


@PROPERTY_SETTINGS
@given(answer_sets())
def test_open_source_never_lowers_a_prohibited_high_risk_or_limited_result(answers):
    """Art 2(12): "unless ... placed on the market or put into service as high-risk AI systems or
    as an AI system that falls under Article 5 or 50"."""
    closed = classify({**answers, "open_source_release": "no"}, RULESET)
    released = classify({**answers, "open_source_release": "yes"}, RULESET)
    if closed["ai_act"]["category"] in ("prohibited", "high_risk", "limited_risk", "needs_review"):
        assert released["ai_act"] == closed["ai_act"] or (
            released["ai_act"]["gpai"] != closed["ai_act"]["gpai"]
            and {**released["ai_act"], "gpai": None} == {**closed["ai_act"], "gpai": None}
        )
    if closed["ai_act"]["art6_3_exemption"]:
        assert released["ai_act"]["category"] == closed["ai_act"]["category"]
    if released["ai_act"]["category"] != closed["ai_act"]["category"]:
        assert (closed["ai_act"]["category"], released["ai_act"]["category"]) == ("minimal_risk", "out_of_scope")


@PROPERTY_SETTINGS
@given(answer_sets())
def test_art25_and_art111_never_change_the_category(answers):
    """Contract 1.1, changes 5 and 6: substantial_modification and legacy_system change
    obligations only."""
    categories = {
        classify({**answers, "substantial_modification": modification, "legacy_system": legacy}, RULESET)[
            "ai_act"
        ]["category"]
        for modification in ("yes", "no", "unsure")
        for legacy in ("yes", "no", "unsure")
    }
    assert len(categories) == 1


@PROPERTY_SETTINGS
@given(answer_sets())
def test_decision_is_the_head_of_the_whole_result(answers):
    """`decision` (what the impact run compares) equals the same keys of `classify`'s whole result."""
    whole = classify(answers, RULESET)
    assert decision(answers, RULESET) == {key: whole[key] for key in ("ai_act", "medical_device", "needs_review")}
    assert classify_validated(answers, RULESET) == whole
