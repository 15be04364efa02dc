"""A rule-set change: impact report, re-review flags, snapshots that reproduce old results, the CLI."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.classification import impact
from ai_register.classification.models import Classification, RulesetImpactRun
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.validity import (
    answers_change,
    classification_validity,
    decide,
    valid_classification,
)
from ai_register.config import PROJECT_ROOT
from ai_register.extensions import db
from ai_register.rules.evaluator import classify
from ai_register.rules.loader import load_ruleset_from_snapshot
from ai_register.solutions.lifecycle.facts import InvalidClassification
from ai_register.solutions.models import Solution
from tests.answers import EMPLOYMENT, MINIMAL

EMPLOYMENT_RULE = "when: {question: annex_iii_areas, in: [employment_workers_management]}"
EDUCATION_RULE = "when: {question: annex_iii_areas, in: [education_vocational_training]}"


@pytest.fixture
def rule_dirs(app, tmp_path) -> tuple[Path, Path]:
    """The shipped rules copied to `old`, and `new` where Annex III 4 no longer maps employment."""
    old, new = tmp_path / "rules_old", tmp_path / "rules_new"
    shutil.copytree(PROJECT_ROOT / "risk_rules", old)
    shutil.copytree(PROJECT_ROOT / "risk_rules", new)
    ai_act = new / "ai_act.yaml"
    text = ai_act.read_text(encoding="utf-8")
    assert EMPLOYMENT_RULE in text
    ai_act.write_text(text.replace(EMPLOYMENT_RULE, EDUCATION_RULE), encoding="utf-8")
    index = new / "ruleset.yaml"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace('version: "2026.2"', 'version: "2026.2-test"'), encoding="utf-8")
    app.config["RISK_RULES_DIR"] = str(old)
    return old, new


@pytest.fixture
def changed_register(app, users, make_solution, decided, classify_as, rule_dirs):
    """Under the old rules: an approved employment system, an approved minimal one, an employment draft."""
    affected = make_solution(name="Shift planner")
    approved = decided(affected, EMPLOYMENT)
    unaffected = make_solution(name="Call transcription")
    decided(unaffected, MINIMAL)
    drafted = make_solution(name="Draft only")
    draft = classify_as(drafted, users["owner"], EMPLOYMENT)
    app.config["RISK_RULES_DIR"] = str(rule_dirs[1])
    return {"affected": affected, "approved": approved, "unaffected": unaffected, "drafted": drafted,
            "draft": draft}


def test_impact_lists_the_changed_results_without_flagging(api, users, changed_register):
    affected, approved = changed_register["affected"], changed_register["approved"]
    response = api("post", "/rulesets/impact", users["compliance"], {"apply": False})
    assert response.status_code == 200
    report = response.get_json()
    assert report["ruleset"]["version"] == "2026.2-test"
    assert report["checked"] == 3
    assert report["applied"] is False and report["flagged"] == []
    by_id = {c["classification_id"]: c for c in report["changed"]}
    assert set(by_id) == {approved["id"], changed_register["draft"]["id"]}
    change = by_id[approved["id"]]
    assert change["solution_id"] == affected.id
    assert change["counts_for_gates"] is True
    assert change["ruleset"] == approved["ruleset"]
    assert change["old"]["category"] == "high_risk" and change["old"]["routes"] == ["annex_iii_4"]
    assert change["new"]["routes"] == [] and change["new"]["category"] != "high_risk"
    assert by_id[changed_register["draft"]["id"]]["counts_for_gates"] is False
    assert report["flag"] == [affected.id]
    db.session.expire_all()
    assert db.session.get(Solution, affected.id).needs_rereview is False
    # The changed result already stops counting, before anyone applies the flags.
    validity = classification_validity(db.session.get(Solution, affected.id))
    assert validity.reason is InvalidClassification.RESULT_CHANGED


def test_apply_flags_the_solution_once(api, users, changed_register):
    affected = changed_register["affected"]
    response = api("post", "/rulesets/impact", users["compliance"], {"apply": True})
    assert response.status_code == 200
    report = response.get_json()
    assert report["applied"] is True
    assert report["flagged"] == [affected.id]
    assert report["run_id"] is not None
    db.session.expire_all()
    solution = db.session.get(Solution, affected.id)
    assert solution.needs_rereview is True
    assert db.session.get(Solution, changed_register["drafted"].id).needs_rereview is False
    assert db.session.get(Solution, changed_register["unaffected"].id).needs_rereview is False
    assert valid_classification(solution) is None
    assert classification_validity(solution).reason is InvalidClassification.FLAGGED_FOR_REVIEW

    flags = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "flag_rereview")).all()
    assert [(e.entity_type, e.solution_id) for e in flags] == [("solution", affected.id)]
    assert flags[0].data["changes"]["needs_rereview"] == {"before": False, "after": True}
    run = db.session.get(RulesetImpactRun, report["run_id"])
    assert run.applied_by_id == users["compliance"].id
    assert run.flagged_solution_ids == [affected.id]

    again = api("post", "/rulesets/impact", users["compliance"], {"apply": True}).get_json()
    assert again["flagged"] == [] and again["already_flagged"] == [affected.id]
    assert again["run_id"] is None
    flag_events = select(func.count(AuditEvent.id)).where(AuditEvent.action == "flag_rereview")
    assert db.session.scalar(flag_events) == 1
    assert db.session.scalar(select(func.count(RulesetImpactRun.id))) == 1


def test_a_retired_solution_is_listed_but_never_flagged(api, users, changed_register, make_solution, decided, app,
                                                       rule_dirs):
    app.config["RISK_RULES_DIR"] = str(rule_dirs[0])
    retired = make_solution(name="Old shift planner")
    decided(retired, EMPLOYMENT)
    retired.phase = "retired"
    db.session.commit()
    app.config["RISK_RULES_DIR"] = str(rule_dirs[1])
    report = api("post", "/rulesets/impact", users["compliance"], {"apply": True}).get_json()
    assert retired.id in {c["solution_id"] for c in report["changed"]}
    assert report["flag"] == report["flagged"] == [changed_register["affected"].id]
    db.session.expire_all()
    assert db.session.get(Solution, retired.id).needs_rereview is False


def test_the_old_classification_keeps_its_rule_set_and_reproduces(api, users, changed_register):
    approved = changed_register["approved"]
    api("post", "/rulesets/impact", users["compliance"], {"apply": True})
    old = api("get", f"/classifications/{approved['id']}", users["auditor"]).get_json()
    assert old["ruleset"] == approved["ruleset"]
    assert old["ruleset"]["version"] == "2026.2"
    assert old["result"] == approved["result"]

    stored = db.session.get(Classification, approved["id"])
    rebuilt = load_ruleset_from_snapshot(stored.snapshot.files)
    assert rebuilt.sha256 == stored.ruleset_sha256
    assert classify(stored.answers, rebuilt) == stored.result

    listed = api("get", "/rulesets", users["auditor"]).get_json()
    assert listed["items"][0]["active"] is True and listed["items"][0]["version"] == "2026.2-test"
    assert listed["items"][0]["snapshotted"] is False
    versions = {(item["version"], item["active"]) for item in listed["items"]}
    assert versions == {("2026.2-test", True), ("2026.2", False)}
    by_sha = api("get", f"/rulesets/{approved['ruleset']['sha256']}", users["auditor"]).get_json()
    assert by_sha["active"] is False and by_sha["snapshotted"] is True
    assert by_sha["files"] == stored.snapshot.files
    by_label = api("get", "/rulesets/2026.2", users["compliance"]).get_json()
    assert by_label["sha256"] == approved["ruleset"]["sha256"]
    assert api("get", "/rulesets/1999.9", users["compliance"]).status_code == 404


def test_a_new_approval_under_the_new_rules_clears_the_flag(api, users, changed_register, decided):
    affected = changed_register["affected"]
    api("post", "/rulesets/impact", users["compliance"], {"apply": True})
    record = decided(affected, EMPLOYMENT)
    assert record["ruleset"]["version"] == "2026.2-test"
    db.session.expire_all()
    solution = db.session.get(Solution, affected.id)
    assert solution.needs_rereview is False
    assert valid_classification(solution).id == record["id"]
    assert api("post", "/rulesets/impact", users["compliance"], {"apply": False}).get_json()["flag"] == []


def test_cli_rules_impact_reports_and_applies(app, runner, changed_register):
    from ai_register.rules.cli import rules_cli

    affected = changed_register["affected"]
    result = runner.invoke(rules_cli, ["impact"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["flag"] == [affected.id] and report["applied"] is False
    db.session.expire_all()
    assert db.session.get(Solution, affected.id).needs_rereview is False

    result = runner.invoke(rules_cli, ["impact", "--apply"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["flagged"] == [affected.id]
    db.session.expire_all()
    assert db.session.get(Solution, affected.id).needs_rereview is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "flag_rereview"))
    assert event.channel == "cli"


@pytest.mark.parametrize("batch", [impact.IMPACT_BATCH, 2])
def test_impact_decides_each_version_as_if_compared_on_its_own(app, users, changed_register, make_solution,
                                                                classify_as, rule_dirs, monkeypatch, batch):
    """The run remembers how it decided an answer set and what a stored result said, by their stored text:
    versions that share answers but not results, or results but not answers, and answers the rule set no
    longer accepts, are each reported as comparing that version alone would report them. With batches of
    two, four batches pass through the read-ahead thread (PostgreSQL) while the engine works."""
    monkeypatch.setattr(impact, "IMPACT_BATCH", batch)
    app.config["RISK_RULES_DIR"] = str(rule_dirs[0])
    shared = [make_solution(name=f"Shared {n}") for n in range(4)]
    records = [classify_as(solution, users["owner"], answers)
               for solution, answers in zip(shared, (EMPLOYMENT, EMPLOYMENT, MINIMAL, MINIMAL), strict=True)]
    records.append(classify_as(shared[0], users["owner"], MINIMAL))  # a second version of the same solution
    app.config["RISK_RULES_DIR"] = str(rule_dirs[1])
    table = Classification.__table__
    # A stored result that says needs_review, beside a version with the same answers and the engine's result;
    # and a version whose answers the rule set refuses (an unknown question).
    tampered = {**records[2]["result"], "needs_review": True}
    db.session.execute(table.update().where(table.c.id == records[2]["id"]).values(result=tampered))
    db.session.execute(table.update().where(table.c.id == records[1]["id"])
                       .values(answers={**EMPLOYMENT, "no_such_question": "yes"}))
    db.session.commit()

    ruleset = active_ruleset()
    report = impact.impact(ruleset)
    expected = []
    for version in db.session.scalars(select(Classification).order_by(Classification.solution_id,
                                                                       Classification.version)):
        change = answers_change(version.answers, version.result, ruleset)
        if change is not None:
            expected.append((version.id, change[0], change[1], impact.what_changed(*change)))
    got = [(c["classification_id"], c["old"], c["new"], c["what_changed"]) for c in report["changed"]]
    assert got == expected
    assert report["checked"] == 8
    by_id = {c["classification_id"]: c for c in report["changed"]}
    assert by_id[records[2]["id"]]["what_changed"] == [{"field": "needs_review", "old": True, "new": False}]
    assert records[3]["id"] not in by_id  # same answers, the engine's own result: unchanged
    assert "no_such_question" in by_id[records[1]["id"]]["new"]["invalid_answers"]
    assert by_id[records[0]["id"]]["new"]["routes"] == []  # employment, no longer Annex III 4


def test_an_error_while_deciding_stops_the_read_ahead_and_leaves_the_session_usable(
        app, users, changed_register, monkeypatch):
    """The engine failing on the second version, with the reader a batch or two ahead (PostgreSQL): the
    error reaches the caller, the reader thread has stopped, and the session's connection answers again."""
    monkeypatch.setattr(impact, "IMPACT_BATCH", 1)
    calls = []

    def failing(answers, ruleset):
        calls.append(answers)
        if len(calls) == 2:
            raise RuntimeError("engine failed")
        return decide(answers, ruleset)

    monkeypatch.setattr(impact, "decide", failing)
    with pytest.raises(RuntimeError, match="engine failed"):
        impact.impact(active_ruleset())
    assert not [thread for thread in threading.enumerate() if thread.name == "impact-read-ahead"]
    assert db.session.scalar(select(func.count(Classification.id))) == 3
    monkeypatch.setattr(impact, "decide", decide)
    assert impact.impact(active_ruleset())["checked"] == 3


def test_an_error_while_reading_reaches_the_caller(app):
    """A batch the database fails to give (after one it gave) is the caller's error, not a short run."""

    class FailingResult:
        def partitions(self):
            yield [("row",)]
            raise RuntimeError("connection lost")

        def close(self):
            pass

    read = impact._read_ahead(FailingResult())
    assert next(read) == [("row",)]
    with pytest.raises(RuntimeError, match="connection lost"):
        next(read)
    assert not [thread for thread in threading.enumerate() if thread.name == "impact-read-ahead"]
