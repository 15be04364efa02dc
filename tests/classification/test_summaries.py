"""The classification summary kept per solution (classification/summaries.py) says what the computation
from the versions says, after every kind of write. That every demo solution's detail reads the same, to the
byte, with the kept rows as without them is checked on the demo region tests/test_demo.py loads anyway
(tests/helpers.details_read_alike_without_kept_summaries)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from ai_register.classification import summaries
from ai_register.classification.models import Classification, ClassificationSummary
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.validity import current_classification_summary, result_changes
from ai_register.config import PROJECT_ROOT
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.answers import EMPLOYMENT, HIGH_RISK, MINIMAL, PROHIBITED

EMPLOYMENT_RULE = "when: {question: annex_iii_areas, in: [employment_workers_management]}"
EDUCATION_RULE = "when: {question: annex_iii_areas, in: [education_vocational_training]}"


@pytest.fixture
def changed_rules(tmp_path) -> Path:
    """The shipped rules with Annex III 4 no longer mapping employment (another rule set)."""
    new = tmp_path / "rules_new"
    shutil.copytree(PROJECT_ROOT / "risk_rules", new)
    ai_act = new / "ai_act.yaml"
    ai_act.write_text(ai_act.read_text(encoding="utf-8").replace(EMPLOYMENT_RULE, EDUCATION_RULE), encoding="utf-8")
    index = new / "ruleset.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace('version: "2026.2"', 'version: "2026.2-test"'),
                     encoding="utf-8")
    return new


def kept_equals_computed(solution_id: int) -> dict | None:
    """The summary from the kept row equals the one computed from the versions; returns it."""
    db.session.expire_all()
    solution = db.session.get(Solution, solution_id)
    computed = current_classification_summary(solution)
    row = db.session.get(ClassificationSummary, solution_id)
    assert (row is None) == (computed is None)
    kept = summaries.classification_summary(solution)
    assert kept == computed
    ruleset = active_ruleset()
    if row is not None and row.decided_id is not None and row.checked_sha256 == ruleset.sha256:
        # The verdict kept is the one the active rule set gives.
        decided = db.session.get(Classification, row.decided_id)
        assert row.result_changed == (result_changes(decided, ruleset) is not None)
    return kept


def test_the_kept_summary_follows_every_write(app, api, users, solution, make_solution, decided, classify_as,
                                              changed_rules):
    sid = solution.id
    unaffected = make_solution(name="Call transcription")
    decided(unaffected, MINIMAL)
    assert kept_equals_computed(sid) is None  # no version: no row

    def submit(record):
        assert api("post", f"/classifications/{record['id']}/submit", users["owner"]).status_code == 200

    def review(record, outcome, body):
        response = api("post", f"/classifications/{record['id']}/{outcome}", users["compliance"], body)
        assert response.status_code == 200, response.get_json()

    draft = classify_as(solution, users["owner"], MINIMAL)
    assert kept_equals_computed(sid)["status"] == "draft"
    submit(draft)
    assert kept_equals_computed(sid)["status"] == "submitted"
    review(draft, "reject", {"justification": "Not so"})
    assert kept_equals_computed(sid)["invalid_reason"] == "none_approved"

    approved = classify_as(solution, users["owner"], EMPLOYMENT)
    submit(approved)
    review(approved, "approve", {})
    summary = kept_equals_computed(sid)
    assert (summary["id"], summary["valid"], summary["category"]) == (approved["id"], True, "high_risk")
    assert summary["obligations"] and summary["ai_act_role"] == "deployer" and summary["public_authority"] is True

    prohibited = classify_as(solution, users["owner"], PROHIBITED)  # a newer draft: the approved one is shown
    summary = kept_equals_computed(sid)
    assert summary["id"] == approved["id"] and summary["prohibited_block"] is True
    submit(prohibited)
    review(prohibited, "override", {"justification": "Officer's reading", "category": "high_risk"})
    summary = kept_equals_computed(sid)
    assert (summary["id"], summary["status"], summary["prohibited_block"]) == (prohibited["id"], "overridden", False)
    assert summary["needs_review"] is False

    again = classify_as(solution, users["owner"], EMPLOYMENT)
    submit(again)
    review(again, "approve", {})
    assert kept_equals_computed(sid)["valid"] is True

    # Another rule set decides the approved answers differently: asked at read, before anyone applies it.
    app.config["RISK_RULES_DIR"] = str(changed_rules)
    assert kept_equals_computed(sid)["invalid_reason"] == "result_changed_under_current_ruleset"
    # Applying its impact flags the solution for re-review.
    assert kept_equals_computed(unaffected.id)["valid"] is True
    assert api("post", "/rulesets/impact", users["compliance"], {"apply": True}).status_code == 200
    assert kept_equals_computed(sid)["invalid_reason"] == "flagged_for_review"
    # The run kept its verdicts under the new rule set: reads under it need not load the decided versions.
    sha = active_ruleset().sha256
    rows = {row.solution_id: row for row in db.session.scalars(select(ClassificationSummary))}
    assert (rows[sid].checked_sha256, rows[sid].result_changed) == (sha, True)
    assert (rows[unaffected.id].checked_sha256, rows[unaffected.id].result_changed) == (sha, False)
    assert kept_equals_computed(unaffected.id)["valid"] is True
    # Classified again under it and approved: the kept verdict is the new rule set's.
    latest = classify_as(solution, users["owner"], HIGH_RISK)
    submit(latest)
    review(latest, "approve", {})
    summary = kept_equals_computed(sid)
    assert summary["valid"] is True and summary["ruleset"]["version"] == "2026.2-test"
    assert db.session.get(ClassificationSummary, sid).checked_sha256 == active_ruleset().sha256


def test_a_read_in_the_writing_transaction_sees_the_new_row(app, api, users, solution, classify_as):
    """The detail read after a write in the same session (a page that writes and shows) is not stale."""
    assert summaries.classification_summary(db.session.get(Solution, solution.id)) is None
    stored = classify_as(solution, users["owner"], MINIMAL)
    held = db.session.get(Solution, solution.id)  # the session still holds the solution read above
    assert summaries.classification_summary(held)["id"] == stored["id"]


def test_a_solution_without_its_row_is_read_from_its_versions_and_backfilled(api, users, solution, classify_as):
    stored = classify_as(solution, users["owner"], MINIMAL)
    db.session.execute(delete(ClassificationSummary))  # as after a load around the ORM
    db.session.commit()
    held = db.session.get(Solution, solution.id)
    assert summaries.classification_summary(held) == current_classification_summary(held)  # from the versions
    assert summaries.classification_summary(held)["id"] == stored["id"]
    detail = api("get", f"/solutions/{solution.id}", users["compliance"]).get_json()
    assert detail["current_classification"]["id"] == stored["id"]
    assert summaries.backfill(db.session.connection()) == 1
    assert summaries.backfill(db.session.connection()) == 0
    db.session.commit()
    assert kept_equals_computed(solution.id)["id"] == stored["id"]
