"""The worked classification cases: the shared golden set (tested from its copy here) and our own
extra cases, each citing the contract line it exercises."""

from __future__ import annotations

import pytest

from ai_register.rules.evaluator import classify
from tests.rules.casefile import (
    EXTRA_CASES,
    GOLDEN_COPY,
    SCORED,
    SHARED_GOLDEN,
    load_cases,
    mismatches,
)

GOLDEN = load_cases(GOLDEN_COPY)
EXTRA = load_cases(EXTRA_CASES)


@pytest.mark.parametrize("case", GOLDEN, ids=[case["id"] for case in GOLDEN])
def test_golden_case(ruleset, case):
    assert mismatches(case, classify(case["answers"], ruleset)) == [], case["why"]


@pytest.mark.parametrize("case", EXTRA, ids=[case["id"] for case in EXTRA])
def test_extra_case(ruleset, case):
    assert mismatches(case, classify(case["answers"], ruleset)) == [], case["why"]


def test_golden_copy_matches_the_shared_original():
    if not SHARED_GOLDEN.exists():
        pytest.skip("../shared is not beside this checkout")
    assert load_cases(GOLDEN_COPY) == load_cases(SHARED_GOLDEN)


def test_case_files_are_well_formed():
    ids = [case["id"] for case in GOLDEN + EXTRA]
    assert len(ids) == len(set(ids))
    assert len(EXTRA) >= 40
    for case in GOLDEN + EXTRA:
        assert {"id", "title", "answers", "expected", "why"} <= set(case), case["id"]
        for section, field in SCORED:
            assert field in case["expected"][section], (case["id"], field)


def test_extra_cases_cover_every_category_route_duty_and_class(ruleset):
    results = [classify(case["answers"], ruleset) for case in GOLDEN + EXTRA]
    categories = {result["ai_act"]["category"] for result in results}
    routes = {route for result in results for route in result["ai_act"]["routes"]}
    duties = {duty for result in results for duty in result["ai_act"]["transparency"]}
    classes = {result["medical_device"]["class"] for result in results} - {None}
    regulations = {result["medical_device"]["regulation"] for result in results}
    assert categories == {
        "out_of_scope",
        "prohibited",
        "high_risk",
        "limited_risk",
        "minimal_risk",
        "needs_review",
    }
    assert {
        "annex_i_mdr",
        "annex_i_ivdr",
        "annex_i_other",
        "annex_iii_1a",
        "annex_iii_1c",
        "annex_iii_3",
        "annex_iii_4",
        "annex_iii_5a",
        "annex_iii_5b",
        "annex_iii_5d",
        "annex_iii_6",
        "annex_iii_7",
        "annex_iii_8",
    } <= routes
    assert duties == {"art50_1", "art50_2", "art50_3", "art50_4"}
    assert classes == {"I", "Im", "IIa", "IIb", "III", "A", "A_sterile", "B", "C", "D"}
    assert regulations == {"none", "mdr", "ivdr", "needs_review"}
