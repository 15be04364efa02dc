"""`flask rules classify`: the contract's CLI, on a throwaway app (no database, no secret key)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask

from ai_register.rules.cli import rules_cli
from ai_register.rules.loader import DEFAULT_RULES_DIR
from tests.rules.casefile import GOLDEN_COPY, load_cases, mismatches

GOLDEN = load_cases(GOLDEN_COPY)


@pytest.fixture
def app() -> Flask:
    app = Flask("rules-cli-test")
    app.cli.add_command(rules_cli)
    return app


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(args=["rules", "classify", *args], input=input)

    return invoke


def test_one_answers_object_gives_one_result(run):
    case = GOLDEN[0]
    result = run("-", input=json.dumps(case["answers"]))
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert isinstance(output, dict)
    assert mismatches(case, output) == []


def test_a_list_gives_results_in_the_same_order(run):
    result = run("-", input=json.dumps([case["answers"] for case in GOLDEN]))
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert len(output) == len(GOLDEN)
    for case, item in zip(GOLDEN, output, strict=True):
        assert mismatches(case, item) == [], case["id"]


def test_a_file_argument_and_compact_swedish_output(run, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(GOLDEN[11]["answers"]), encoding="utf-8")
    result = run(str(path), "--compact", "--lang", "sv")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    output = json.loads(result.stdout)
    assert "ä" in result.stdout  # ensure_ascii=False: Swedish obligation texts as they are
    assert output["ai_act"]["category"] == "high_risk"


def test_an_empty_list_gives_an_empty_list(run):
    result = run("-", input="[]")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_needs_review_is_still_a_success(run):
    result = run("-", input=json.dumps({"ai_system": "unsure"}))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ai_act"]["category"] == "needs_review"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([{}, {}, {}, {"foo": "yes"}], "error: item 3: unknown question id 'foo'"),
        (
            [{"ai_system": "maybe"}],
            "error: item 0: question 'ai_system': value 'maybe' not allowed (yes, no, unsure)",
        ),
        ({"ai_system": "maybe"}, "error: question 'ai_system': value 'maybe' not allowed (yes, no, unsure)"),
        ([{}, "yes"], "error: item 1: answers must be a JSON object"),
        ("ai_system", "error: input must be a JSON object of answers, or a JSON list of them"),
    ],
)
def test_invalid_answers_exit_2_naming_item_and_question(run, payload, message):
    result = run("-", input=json.dumps(payload))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "error: input is not valid JSON: "),
        ("", "error: input is not valid JSON: "),
        (
            '{"ai_system": "yes", "ai_system": "no"}',
            "error: input is not valid JSON: duplicate key 'ai_system'",
        ),
        (b"\xff\xfe{}", "error: input is not valid UTF-8"),
    ],
)
def test_invalid_input_exits_2(run, raw, message):
    result = run("-", input=raw)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_many_errors_are_capped(run):
    result = run("-", input=json.dumps([{"foo": 1}] * 50))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 21 and lines[-1] == "error: … and 30 more"


def test_a_missing_file_exits_2(run, tmp_path):
    result = run(str(tmp_path / "absent.json"))
    assert result.exit_code == 2


def test_the_app_can_point_at_another_rule_set(app, run, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    ruleset_file = rules / "ruleset.yaml"
    ruleset_file.write_text(
        ruleset_file.read_text(encoding="utf-8").replace('"2026.2"', '"2026.2-local"'), encoding="utf-8"
    )
    app.config["RISK_RULES_DIR"] = str(rules)
    result = run("-", input="{}")
    assert json.loads(result.stdout)["ruleset"]["version"] == "2026.2-local"


def test_a_broken_rule_set_exits_1_with_its_file(app, run, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "ivdr.yaml").write_text("devices: [", encoding="utf-8")
    app.config["RISK_RULES_DIR"] = str(rules)
    result = run("-", input="{}")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: rule set: ivdr.yaml: invalid YAML")


def test_ten_thousand_answer_sets(run):
    answers = ([case["answers"] for case in GOLDEN] * 400)[:10_000]
    result = run("-", "--compact", input=json.dumps(answers))
    assert result.exit_code == 0
    output = json.loads(result.stdout)
    assert len(output) == 10_000
    assert [item["ai_act"]["category"] for item in output[: len(GOLDEN)]] == [
        case["expected"]["ai_act"]["category"] for case in GOLDEN
    ]


def test_the_group_has_room_for_more_commands():
    assert rules_cli.name == "rules"
    assert "classify" in rules_cli.commands


def test_stdin_through_a_real_process(tmp_path):
    """What the scorer does: a JSON list on stdin of a separate process."""
    import subprocess
    import sys

    code = (
        "from flask import Flask; from ai_register.rules.cli import rules_cli; "
        "app = Flask('rules'); app.app_context().push(); rules_cli.main(['classify', '-'])"
    )
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps([GOLDEN[0]["answers"]]),
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)[0]["ai_act"]["category"] == "high_risk"


def test_ivdr_rule_and_ivdr_rules_together_exit_2_naming_both(run):
    """Contract 1.1: `ivdr_rule` still means a one-element `ivdr_rules`; both at once is bad input."""
    result = run("-", input=json.dumps({"ivdr_rule": "rule3", "ivdr_rules": ["rule3"]}))
    assert result.exit_code == 2
    assert "'ivdr_rule'" in result.stderr and "'ivdr_rules'" in result.stderr
    alone = run("-", input=json.dumps({"ivdr_rule": "rule3"}))
    assert alone.exit_code == 0


def test_the_corrected_duties_in_swedish(run):
    """`rules classify --lang sv`: the 2026.2 duties in Swedish, each citing its article and paragraph."""
    answers = {
        "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
        "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "no",
        "biometric_categorisation": "no", "medical_purpose": "yes", "data_action": "beyond_storage",
        "in_vitro_diagnostic": "no", "mdr_decision_support": "no", "mdr_monitoring": "none",
        "mdr_closed_loop_therapy": "no", "mdr_measuring_function": "no", "mdr_drives_device": "IIa",
        "in_house_exemption": "no", "other_annex_i_product": "no", "annex_iii_areas": [],
        "interacts_with_persons": "no", "generates_synthetic_content": "no", "deep_fake_or_public_text": "no",
        "gpai_model": "no",
    }
    result = run("-", "--lang", "sv", input=json.dumps(answers))
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert (output["ai_act"]["category"], output["medical_device"]["class"]) == ("high_risk", "IIa")
    duties = {o["id"]: o for o in output["obligations"]}
    assert duties["ai_act_art4_deployer"]["text"].startswith("Vidta åtgärder för att stödja AI-kunnigheten")
    assert duties["ai_act_art26_5"]["citation"] == "Regulation (EU) 2024/1689, Art 26(5)"
    assert "avbryt användningen" in duties["ai_act_art26_5"]["text"]
    device = duties["hslf_fs_2021_52_mdr_device_incidents"]
    assert device["citation"] == "HSLF-FS 2021:52, 5 kap. 2–5 §§" and "snarast" in device["text"]
    assert not any("Maria" in o["text"] or "87(10)" in o["citation"] for o in output["obligations"])
