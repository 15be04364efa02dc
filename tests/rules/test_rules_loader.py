"""The rule set as data: loading, validation with clear messages, hashing and snapshots."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ai_register.rules import loader
from ai_register.rules.loader import (
    DEFAULT_RULES_DIR,
    get_active_ruleset,
    load_ruleset,
    load_ruleset_from_snapshot,
    ruleset_digest,
)
from ai_register.rules.ruleset import RuleSetError

ROUTE_4 = "when: {question: annex_iii_areas, in: [employment_workers_management]}"


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "risk_rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_error(directory: Path) -> RuleSetError:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(directory)
    return caught.value


def test_the_shipped_rule_set_loads(ruleset):
    assert ruleset.version == "2026.2"
    assert ruleset.contract_version == "1.1"
    assert len(ruleset.sha256) == 64
    assert set(ruleset.snapshot()) == {
        "ruleset.yaml",
        "questionnaire.yaml",
        "ai_act.yaml",
        "mdr.yaml",
        "ivdr.yaml",
        "obligations.yaml",
        "incidents.yaml",
    }
    assert set(ruleset.devices) == {"mdr", "ivdr"}


def test_every_rule_cites_the_law_and_has_dates(ruleset):
    for rule in ruleset.all_rules():
        assert rule.citation.startswith(("Regulation (EU) ", "MDCG ")), rule.id
        assert rule.explanation.sv and rule.explanation.en, rule.id
        assert rule.applies_from and rule.applies_from_original, rule.id
    for obligation in ruleset.obligations:
        # EU acts in their own form; Swedish provisions as "HSLF-FS 2021:52, 5 kap. …".
        assert obligation.citation.startswith(("Regulation (EU) ", "HSLF-FS ")), obligation.id
        # Contract 1.1: the citation names the article and, where the duty rests on part of it, the
        # paragraph or point; a whole-article duty keeps at least one paragraph or point.
        assert any(char.isdigit() for char in obligation.citation.split(",", 1)[1]), obligation.id
        assert obligation.dates_from or (obligation.applies_from and obligation.applies_from_original)


def test_application_dates_follow_the_digital_omnibus(ruleset):
    by_id = {rule.id: rule for rule in ruleset.all_rules()}

    def dates(rule_id: str) -> tuple[str, str]:
        rule = by_id[rule_id]
        return rule.applies_from.isoformat(), rule.applies_from_original.isoformat()

    assert dates("art5-1-a-subliminal-manipulation") == ("2025-02-02", "2025-02-02")
    assert dates("art5-1-ba-non-consensual-intimate-imagery")[0] == "2026-12-02"
    assert dates("art5-1-bb-child-sexual-abuse-material")[0] == "2026-12-02"
    assert dates("gpai-art53-general-purpose")[0] == "2025-08-02"
    assert dates("art50-1-interaction-with-persons")[0] == "2026-08-02"
    assert dates("annex-iii-5a-public-benefits-and-services") == ("2027-12-02", "2026-08-02")
    assert dates("annex-i-mdr-notified-body") == ("2028-08-02", "2027-08-02")
    # Contract 1.1: Art 111(2) is a rule with the public authorities' date, not an obligation.
    legacy = by_id["art111-2-legacy-public-authority"]
    assert legacy.comply_by.isoformat() == "2030-08-02"
    assert by_id["art111-2-legacy"].comply_by is None


def test_citations_are_rendered_with_the_act(ruleset):
    by_id = {rule.id: rule for rule in ruleset.all_rules()}
    assert by_id["art5-1-c-social-scoring"].citation == "Regulation (EU) 2024/1689, Art 5(1)(c)"
    assert (
        by_id["annex-iii-5d-emergency-call-triage"].citation
        == "Regulation (EU) 2024/1689, Annex III, point 5(d)"
    )
    assert by_id["mdr-rule-11a-serious"].citation == "Regulation (EU) 2017/745, Annex VIII, Rule 11(a)"
    assert by_id["art5-1-ba-non-consensual-intimate-imagery"].citation == (
        "Regulation (EU) 2024/1689, Art 5(1)(ba), as amended by Regulation (EU) 2026/1744"
    )


# ---- hash and snapshot ----


def test_the_hash_covers_file_names_and_bytes(ruleset, rules_dir):
    assert load_ruleset(rules_dir).sha256 == ruleset.sha256
    edit(rules_dir / "ai_act.yaml", "# AI Act rules", "# AI Act rules (a comment)")
    assert load_ruleset(rules_dir).sha256 != ruleset.sha256
    assert ruleset_digest({"a": "bc"}) != ruleset_digest({"ab": "c"})


def test_a_snapshot_rebuilds_the_same_rule_set(ruleset):
    snapshot = json.loads(json.dumps(ruleset.snapshot()))
    rebuilt = load_ruleset_from_snapshot(snapshot)
    assert (rebuilt.version, rebuilt.sha256) == (ruleset.version, ruleset.sha256)
    assert [rule.id for rule in rebuilt.all_rules()] == [rule.id for rule in ruleset.all_rules()]


def test_an_old_snapshot_still_classifies_the_old_way(ruleset, rules_dir):
    from ai_register.rules.evaluator import classify

    old_snapshot = ruleset.snapshot()
    edit(
        rules_dir / "ai_act.yaml",
        ROUTE_4,
        "when: {question: annex_iii_areas, in: [education_vocational_training]}",
    )
    edit(rules_dir / "ruleset.yaml", 'version: "2026.2"', 'version: "2026.3"')
    answers = {
        "ai_system": "yes",
        "prohibited_practices": [],
        "emotion_recognition": "none",
        "remote_biometric_identification": "no",
        "biometric_categorisation": "no",
        "medical_purpose": "no",
        "other_annex_i_product": "no",
        "profiling": "yes",
        "annex_iii_areas": ["employment_workers_management"],
    }
    new = load_ruleset(rules_dir)
    old = load_ruleset_from_snapshot(old_snapshot)
    assert classify(answers, old)["ai_act"]["routes"] == ["annex_iii_4"]
    assert classify(answers, new)["ai_act"]["routes"] == []
    assert classify(answers, new)["ruleset"]["version"] == "2026.3"


def test_a_snapshot_must_hold_exactly_the_listed_files(ruleset):
    snapshot = ruleset.snapshot()
    with pytest.raises(RuleSetError, match="missing: mdr.yaml"):
        load_ruleset_from_snapshot({name: text for name, text in snapshot.items() if name != "mdr.yaml"})
    with pytest.raises(RuleSetError, match="not listed: extra.yaml"):
        load_ruleset_from_snapshot({**snapshot, "extra.yaml": "obligations: []"})
    with pytest.raises(RuleSetError):
        load_ruleset_from_snapshot({"ruleset.yaml": 3})  # type: ignore[dict-item]


def test_get_active_ruleset_reloads_when_a_file_changes(rules_dir, monkeypatch):
    """The directory is checked at most once a second (not on every read of a solution); an edited rule
    file is loaded at the first call a second or more after the last check."""
    now = [1000.0]
    monkeypatch.setattr(loader, "_clock", lambda: now[0])
    first = get_active_ruleset(rules_dir)
    assert get_active_ruleset(rules_dir) is first
    ruleset_file = rules_dir / "ruleset.yaml"
    edit(ruleset_file, 'version: "2026.2"', 'version: "2026.2-b"')
    stat = ruleset_file.stat()
    os.utime(ruleset_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    now[0] += loader.RECHECK_SECONDS - 0.01
    assert get_active_ruleset(rules_dir) is first  # within the second: not looked at
    now[0] += 0.01
    second = get_active_ruleset(rules_dir)
    assert second is not first and second.version == "2026.2-b"
    assert get_active_ruleset(rules_dir) is second
    now[0] += 5 * loader.RECHECK_SECONDS
    assert get_active_ruleset(rules_dir) is second  # checked again, unchanged: the same rule set


def test_the_default_directory_is_the_repository_rule_set():
    assert Path(__file__).resolve().parents[2] / "risk_rules" == DEFAULT_RULES_DIR
    assert get_active_ruleset().sha256 == load_ruleset().sha256


# ---- validation ----


def test_an_unknown_key_names_file_and_rule(rules_dir):
    edit(
        rules_dir / "ai_act.yaml",
        "  - id: art5-1-c-social-scoring\n",
        "  - id: art5-1-c-social-scoring\n    severity: high\n",
    )
    error = load_error(rules_dir)
    assert (error.file, error.rule_id) == ("ai_act.yaml", "art5-1-c-social-scoring")
    assert "ai_act.yaml: rule 'art5-1-c-social-scoring': unknown key 'severity'" in str(error)


def test_a_duplicate_rule_id_names_both_files(rules_dir):
    edit(rules_dir / "mdr.yaml", "  - id: device-mdr\n", "  - id: art5-1-c-social-scoring\n")
    error = load_error(rules_dir)
    assert error.rule_id == "art5-1-c-social-scoring"
    assert {error.file, str(error).split("first defined in ")[1].rstrip(")")} == {"mdr.yaml", "ai_act.yaml"}
    assert "duplicate id" in str(error)


def test_an_unknown_question_value_names_file_and_rule(rules_dir):
    edit(rules_dir / "ai_act.yaml", "in: [law_enforcement]", "in: [policing]")
    error = load_error(rules_dir)
    assert (error.file, error.rule_id) == ("ai_act.yaml", "annex-iii-6-law-enforcement")
    assert "unknown value 'policing'" in str(error)


def test_an_unknown_question_id_names_file_and_rule(rules_dir):
    edit(
        rules_dir / "ai_act.yaml",
        "{question: interacts_with_persons, in:",
        "{question: chats_with_people, in:",
    )
    error = load_error(rules_dir)
    assert (error.file, error.rule_id) == ("ai_act.yaml", "art50-1-interaction-with-persons")
    assert "unknown question id 'chats_with_people'" in str(error)


def test_conditions_may_not_name_unsure(rules_dir):
    edit(
        rules_dir / "ai_act.yaml",
        '{question: ai_system, in: ["no"]}',
        '{question: ai_system, in: ["no", unsure]}',
    )
    error = load_error(rules_dir)
    assert error.rule_id == "scope-not-an-ai-system" and "may not name 'unsure'" in str(error)


@pytest.mark.parametrize("bad_date", ['"2027-02-30"', '"next year"', "2027"])
def test_a_bad_date_names_file_and_rule(rules_dir, bad_date):
    edit(rules_dir / "mdr.yaml", 'applies_from: "2021-05-26"', f"applies_from: {bad_date}")
    error = load_error(rules_dir)
    assert (error.file, error.rule_id) == ("mdr.yaml", "device-no-medical-purpose")
    assert "applies_from must be a date YYYY-MM-DD" in str(error)


def test_an_outcome_outside_the_contract_is_refused(rules_dir):
    edit(rules_dir / "ai_act.yaml", "outcome: annex_iii_7", "outcome: annex_iii_9")
    error = load_error(rules_dir)
    assert error.rule_id == "annex-iii-7-migration-border" and "outcome must be one of" in str(error)


def test_art6_3_may_not_remove_annex_i_routes(rules_dir):
    edit(rules_dir / "ai_act.yaml", "removes: annex_iii", "removes: annex_i")
    error = load_error(rules_dir)
    assert error.rule_id == "art6-3-no-significant-risk" and "never removes an Annex I route" in str(error)


def test_a_question_with_an_unknown_kind_is_refused(rules_dir):
    edit(
        rules_dir / "questionnaire.yaml",
        "  - id: profiling\n    section: high_risk\n    kind: exemption",
        "  - id: profiling\n    section: high_risk\n    kind: maybe",
    )
    error = load_error(rules_dir)
    assert (error.file, error.rule_id) == ("questionnaire.yaml", "profiling")
    assert "questionnaire.yaml: question 'profiling': kind must be one of" in str(error)


def test_a_trigger_question_cannot_default_when_omitted(rules_dir):
    edit(
        rules_dir / "questionnaire.yaml",
        "  - id: ai_system\n    section: scope\n    kind: trigger\n",
        '  - id: ai_system\n    section: scope\n    kind: trigger\n    omitted_means: "no"\n',
    )
    assert "never guessed" in str(load_error(rules_dir))


def test_yaml_duplicate_keys_and_syntax_errors_are_reported(rules_dir):
    edit(
        rules_dir / "ivdr.yaml",
        "        outcome: D\n        rule: ivdr_rule_2\n",
        "        outcome: D\n        outcome: C\n        rule: ivdr_rule_2\n",
    )
    error = load_error(rules_dir)
    assert error.file == "ivdr.yaml" and "duplicate key 'outcome'" in str(error)
    (rules_dir / "ivdr.yaml").write_text("devices: [unclosed", encoding="utf-8")
    assert "ivdr.yaml: invalid YAML" in str(load_error(rules_dir))


def test_unlisted_and_missing_files_are_reported(rules_dir):
    (rules_dir / "extra.yaml").write_text("obligations: []\n", encoding="utf-8")
    assert "extra.yaml not listed under 'files'" in str(load_error(rules_dir))
    (rules_dir / "extra.yaml").unlink()
    (rules_dir / "ivdr.yaml").unlink()
    error = load_error(rules_dir)
    assert error.file == "ivdr.yaml" and "file not found" in str(error)


def test_an_unknown_section_is_reported(rules_dir):
    edit(rules_dir / "obligations.yaml", "obligations:\n", "duties: []\nobligations:\n")
    error = load_error(rules_dir)
    assert error.file == "obligations.yaml" and "unknown section 'duties'" in str(error)


def test_an_obligation_needs_a_known_fact_and_role(rules_dir):
    edit(
        rules_dir / "obligations.yaml",
        'when: {fact: "transparency:art50_4"}',
        'when: {fact: "transparency:art50_5"}',
    )
    error = load_error(rules_dir)
    assert error.rule_id == "ai_act_art50_4" and "unknown fact 'transparency:art50_5'" in str(error)


def test_the_contract_version_must_match(rules_dir):
    edit(rules_dir / "ruleset.yaml", 'contract_version: "1.1"', "contract_version: 2")
    error = load_error(rules_dir)
    assert error.file == "ruleset.yaml" and "contract_version must be one of 1, 1.1 (quoted" in str(error)


def test_a_superseded_question_must_name_a_list_question_with_its_values(rules_dir):
    edit(rules_dir / "questionnaire.yaml", "superseded_by: ivdr_rules", "superseded_by: ivdr_sterile")
    error = load_error(rules_dir)
    assert error.rule_id == "ivdr_rule" and "list question" in str(error)


def test_new_rules_can_be_added_in_a_new_file(rules_dir):
    (rules_dir / "local.yaml").write_text(
        "obligations:\n"
        "  - id: region_ai_register_entry\n"
        "    role: deployer\n"
        '    when: {fact: "category:minimal_risk"}\n'
        '    citation: {act: ai_act, article: "4"}\n'
        '    text: {sv: "Registrera lösningen.", en: "Register the solution."}\n'
        '    applies_from: "2025-02-02"\n'
        '    applies_from_original: "2025-02-02"\n',
        encoding="utf-8",
    )
    edit(rules_dir / "ruleset.yaml", "  - obligations.yaml\n", "  - obligations.yaml\n  - local.yaml\n")
    ruleset = load_ruleset(rules_dir)
    assert ruleset.obligations[-1].id == "region_ai_register_entry"


# ---- the declared shapes: every fault names its file, entry and place ----


def test_a_fault_deep_in_an_entry_names_its_place(rules_dir):
    edit(rules_dir / "ai_act.yaml", 'citation: {act: ai_act, article: "5(1)(c)"}',
         "citation: {act: ai_act, article: 5}")
    error = load_error(rules_dir)
    assert (error.file, error.rule_id, error.what) == ("ai_act.yaml", "art5-1-c-social-scoring", "rule")
    assert str(error) == (
        "ai_act.yaml: rule 'art5-1-c-social-scoring': citation.article must be a non-empty string, got 5"
    )
    assert error.path.startswith("prohibitions[") and error.path.endswith("].citation.article")


def test_a_fault_in_an_answer_value_names_the_question_and_the_value(rules_dir):
    edit(rules_dir / "questionnaire.yaml", '{value: unsure, label: {sv: "Osäker", en: "Unsure"}}',
         '{value: unsure, label: {sv: "Osäker"}}')
    error = load_error(rules_dir)
    assert error.file == "questionnaire.yaml" and error.what == "question"
    assert f"question '{error.rule_id}': values[2].label: missing key 'en'" in str(error)


def test_an_entry_without_a_usable_id_is_named_by_its_place(rules_dir):
    edit(rules_dir / "ai_act.yaml", "  - id: art5-1-c-social-scoring\n", "  - id: art 5 1 c\n")
    error = load_error(rules_dir)
    assert error.rule_id is None and error.path.endswith(".id")
    assert "ai_act.yaml: prohibitions[" in str(error)
    assert "].id must be a plain identifier (letters, digits, _ . -), got 'art 5 1 c'" in str(error)


def test_a_device_table_fault_names_the_regulation_and_the_class(rules_dir):
    edit(rules_dir / "mdr.yaml", "{class: Im, notified_body: true}", '{class: Im, notified_body: "yes"}')
    error = load_error(rules_dir)
    assert (error.file, error.what, error.rule_id) == ("mdr.yaml", "device table", "mdr")
    assert "mdr.yaml: device table 'mdr': classes[1].notified_body must be true or false, got 'yes'" in str(error)


def test_an_entry_rule_of_its_own_is_stated_with_the_entry(rules_dir):
    # An obligation is dated by a rule section or by its own two dates, not both.
    edit(rules_dir / "obligations.yaml", 'when: {fact: "transparency:art50_4"}',
         'when: {fact: "transparency:art50_4"}\n    dates_from: transparency')
    error = load_error(rules_dir)
    assert (error.rule_id, error.what) == ("ai_act_art50_4", "obligation")
    assert "give either dates_from or applies_from with applies_from_original, not both" in str(error)
