"""`flask rules …`: the rules engine on the command line. Needs no database and no secret key:
only the rule files and the pure evaluator."""

from __future__ import annotations

import json
from typing import Any, BinaryIO, NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from ai_register.rules.evaluator import LANGUAGES, classify, validate_answers
from ai_register.rules.loader import get_active_ruleset, load_ruleset
from ai_register.rules.ruleset import RuleSet, RuleSetError

rules_cli = AppGroup("rules", help="Risk classification rule set (risk_rules/).")

INPUT_ERROR = 2  # contract: exit 2 on invalid JSON, unknown question ids or answer values
RULESET_ERROR = 1
MAX_ERROR_LINES = 20


@rules_cli.command("classify")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the obligation texts.",
)
@click.option("--compact", is_flag=True, help="Print one line of JSON instead of indented JSON.")
def classify_command(file: BinaryIO, lang: str, compact: bool) -> None:
    """Classify FILE ('-' for stdin): one answers object gives one result object, a JSON list of
    answers objects gives a list of results in the same order."""
    ruleset = active_ruleset()
    payload = _read_json(file)
    single = isinstance(payload, dict)
    if not single and not isinstance(payload, list):
        _fail(["input must be a JSON object of answers, or a JSON list of them"])
    items = [payload] if single else payload
    errors = [
        error.message if single else f"item {index}: {error.message}"
        for index, answers in enumerate(items)
        for error in validate_answers(answers, ruleset)
    ]
    if errors:
        _fail(errors)
    results = [classify(answers, ruleset, lang=lang) for answers in items]
    output = results[0] if single else results
    click.echo(json.dumps(output, ensure_ascii=False, indent=None if compact else 2))


def active_ruleset() -> RuleSet:
    """The rule set of the app's RISK_RULES_DIR, else the repository's risk_rules/."""
    try:
        return get_active_ruleset(current_app.config.get("RISK_RULES_DIR"))
    except RuleSetError as exc:
        click.echo(f"error: rule set: {exc}", err=True)
        raise click.exceptions.Exit(RULESET_ERROR) from None


def _read_json(file: BinaryIO) -> Any:
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail([f"input is not valid UTF-8 ({exc.reason} at byte {exc.start})"])
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as exc:
        _fail([f"input is not valid JSON: {exc}"])


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _fail(messages: list[str]) -> NoReturn:
    for message in messages[:MAX_ERROR_LINES]:
        click.echo(f"error: {message}", err=True)
    if len(messages) > MAX_ERROR_LINES:
        click.echo(f"error: … and {len(messages) - MAX_ERROR_LINES} more", err=True)
    raise click.exceptions.Exit(INPUT_ERROR)


@rules_cli.command("impact")
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(exists=True, file_okay=False, dir_okay=True),
    default=None,
    help="Preview a candidate rule set in this directory instead of the active one (report only).",
)
@click.option(
    "--apply",
    "apply_flags",
    is_flag=True,
    help="Flag the solutions whose valid classification changes for re-review and notify their owners.",
)
def impact_command(rules_dir: str | None, apply_flags: bool) -> None:
    """Re-run every stored classification under a rule set and print, as JSON, which results change.

    Roll-out of a rule-set change: `impact --rules DIR` previews the candidate before it becomes
    active; once it is active (AI_REGISTER_RISK_RULES), `impact --apply` flags the changed
    classifications for re-review and tells their owners. Needs the database."""
    # lazy: `rules classify` and `rules check` need no database; classification.cli pulls in SQLAlchemy and the models
    from ai_register.classification.cli import run_impact

    candidate = None
    if rules_dir is not None:
        try:
            candidate = load_ruleset(rules_dir)
        except RuleSetError as exc:
            click.echo(f"error: rule set: {exc}", err=True)
            raise click.exceptions.Exit(RULESET_ERROR) from None
        if apply_flags and candidate.sha256 != active_ruleset().sha256:
            _fail([
                "--apply flags classifications under the active rule set only: make the candidate active "
                "first (AI_REGISTER_RISK_RULES), then run `rules impact --apply` without --rules"
            ])
    report = run_impact(apply=apply_flags, ruleset=candidate)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
