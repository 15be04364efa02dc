"""How many classifications each rule set produced is kept per snapshot (`ruleset_classification_counts`, kept
by triggers on `classifications` in the writing transaction, on PostgreSQL and SQLite alike): after every kind
of write that stores, reviews, re-classifies, moves or removes classifications the kept counts, and the counts
the rule sets' list answers with, are what counting the classifications gives; and the list reads them in one
statement however many classifications and snapshots there are."""

from __future__ import annotations

import shutil
from collections import Counter

from sqlalchemy import delete, func, insert, select, update

from ai_register.classification.models import Classification, RulesetClassificationCount, RuleSetSnapshot
from ai_register.extensions import db
from tests.answers import EMPLOYMENT, MINIMAL
from tests.reliability.conftest import counted_statements
from tests.rules.test_rules_contract_1_1 import FIXTURE_2026_1


def _counted() -> Counter:
    return Counter(dict(db.session.execute(select(Classification.ruleset_sha256, func.count())
                                           .group_by(Classification.ruleset_sha256)).all()))


def test_the_counts_follow_every_write_to_the_classifications(app, api, users, make_solution, classify_as,
                                                              decided, tmp_path):
    def check() -> list[dict]:
        db.session.expire_all()
        counted = _counted()
        kept = {row.ruleset_sha256: row.classifications
                for row in db.session.scalars(select(RulesetClassificationCount))}
        assert kept == dict(counted)  # no row for a snapshot without classifications
        for user in (users["compliance"], users["auditor"]):
            with counted_statements() as statements:
                response = api("get", "/rulesets", user)
            assert response.status_code == 200, response.get_json()
            listed = response.get_json()["items"]
            assert {item["sha256"]: item["classifications"] for item in listed} == {
                sha: counted[sha] for sha in [item["sha256"] for item in listed]}
            # The account and token (no cache on SQLite, read anew here too) and the list: one for the counts.
            assert len([s for s in statements if "ruleset_snapshots" in s]) == 1, statements
        return listed

    shipped = app.config["RISK_RULES_DIR"]
    first, second = make_solution(name="Triage"), make_solution(name="Schemaläggning")
    listed = check()
    assert [item["classifications"] for item in listed] == [0]  # the active rule set, never used yet
    stored = classify_as(first, users["owner"], MINIMAL)  # an INSERT through the API
    check()
    decided(second, EMPLOYMENT)  # stored, submitted, approved: a status change counts nothing
    decided(first, MINIMAL, override={"category": "limited_risk"})  # a new version, overridden
    listed = check()
    assert listed[0]["classifications"] == 3

    old = tmp_path / "ruleset-2026.1"  # re-classification under another rule set: its own snapshot
    shutil.copytree(FIXTURE_2026_1, old)
    app.config["RISK_RULES_DIR"] = str(old)
    decided(second, MINIMAL)
    classify_as(first, users["owner"], EMPLOYMENT)
    listed = check()
    assert [(item["version"], item["active"], item["classifications"]) for item in listed] == [
        ("2026.1", True, 2), ("2026.2", False, 3)]
    app.config["RISK_RULES_DIR"] = shipped

    shas = [item["sha256"] for item in listed]
    template = db.session.get(Classification, stored["id"])
    columns = {c.key: getattr(template, c.key) for c in Classification.__table__.columns
               if c.key not in ("id", "solution_id", "version", "ruleset_sha256")}
    db.session.execute(insert(Classification), [  # a bulk INSERT around the ORM, both rule sets in one statement
        {**columns, "solution_id": (first, second)[n % 2].id, "version": 10 + n, "ruleset_sha256": shas[n % 3 == 0]}
        for n in range(9)])
    db.session.commit()
    check()
    db.session.execute(update(Classification).values(result=Classification.result))  # every row, no rule set moved
    db.session.commit()
    check()
    db.session.execute(update(Classification).where(Classification.version >= 12)  # maintenance: rule sets moved
                       .values(ruleset_sha256=shas[0]))
    db.session.commit()
    check()
    db.session.execute(update(Classification).where(Classification.version.in_((10, 11)))
                       .values(ruleset_sha256=shas[1]))
    db.session.commit()
    check()
    db.session.execute(delete(Classification).where(Classification.ruleset_sha256 == shas[0],
                                                    Classification.version >= 10))
    db.session.commit()
    check()
    # Every classification of one rule set removed: its count row goes, the list shows the snapshot with 0.
    db.session.execute(update(Classification).where(Classification.ruleset_sha256 == shas[0])
                       .values(ruleset_sha256=shas[1]))
    db.session.commit()
    listed = check()
    assert {item["sha256"]: item["classifications"] for item in listed} == {shas[0]: 0, shas[1]: 7}
    db.session.rollback()
    db.session.execute(update(Classification).values(ruleset_sha256=shas[0]))
    db.session.rollback()  # a rolled-back write leaves the counts as they were
    check()


def test_the_list_reads_one_statement_for_many_snapshots_and_classifications(app, api, users, make_solution,
                                                                            without_auth_cache):
    """As many statements with 1 snapshot and 0 classifications as with 30 snapshots and 300 classifications."""
    solution = make_solution()

    def statements() -> int:
        db.session.expire_all()
        with counted_statements() as seen:
            response = api("get", "/rulesets", users["auditor"])
        assert response.status_code == 200
        return len(seen)

    small = statements()
    shas = [f"{n:064x}" for n in range(1, 31)]
    db.session.execute(insert(RuleSetSnapshot), [{"sha256": sha, "version": f"2025.{n}", "files": {}}
                                                  for n, sha in enumerate(shas)])
    db.session.execute(insert(Classification), [
        {"solution_id": solution.id, "version": n + 1, "answers": MINIMAL, "result": {"ai_act": {}},
         "ruleset_sha256": shas[n % 30], "ruleset_version": "2025", "answered_by_id": users["owner"].id,
         "status": "draft"} for n in range(300)])
    db.session.commit()
    assert statements() == small
    listed = api("get", "/rulesets", users["auditor"]).get_json()["items"]
    assert sorted(item["classifications"] for item in listed) == [0] + [10] * 30
