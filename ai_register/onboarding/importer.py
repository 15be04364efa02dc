"""Importing solutions from a sheet: each row is registered through the solutions, goals and
classification services (their schemas and checks decide what is valid), inside a savepoint.

A dry run, or a file with any bad row, rolls everything back: all or nothing per file. A row whose
external id is already registered is skipped, so importing the same file again creates nothing.
Every record written is audited as an "import" naming the file and row (audit.importing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import func, or_, select

from ai_register.apikit import english
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification import services as classification
from ai_register.classification.rulesets import active_ruleset
from ai_register.exceptions import DomainError, InvalidInput
from ai_register.extensions import db
from ai_register.goals import services as goals
from ai_register.goals.schemas import GoalCreateSchema
from ai_register.onboarding.columns import (
    BY_KEY,
    COLUMNS,
    FIELD_COLUMNS,
    GOAL_FIELDS,
    header_key,
    parse_answer,
    parse_cell,
)
from ai_register.onboarding.spreadsheet import ReadLimits, Sheet, SheetError, read_sheet
from ai_register.portfolio.models import Indicator
from ai_register.solutions import services as solutions
from ai_register.solutions.lifecycle.phases import Phase
from ai_register.solutions.models import Solution
from ai_register.solutions.schemas import SolutionWriteSchema
from ai_register.users.models import User
from ai_register.users.services import find_user_by_email

CREATED, EXISTS, INVALID = "create", "exists", "invalid"


@dataclass
class CellError:
    row: int
    column: str
    reason: str


@dataclass
class RowOutcome:
    row: int
    external_id: str | None
    name: str | None
    outcome: str
    solution_id: int | None = None
    phase: str | None = None
    goals: int = 0
    classification: str | None = None
    errors: list[CellError] = field(default_factory=list)


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows: list[RowOutcome]
    file_errors: list[CellError] = field(default_factory=list)

    @property
    def errors(self) -> list[CellError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict:
        return {
            "filename": self.filename, "dry_run": self.dry_run, "ok": self.ok, "written": self.written,
            "created": self.count(CREATED), "existing": self.count(EXISTS), "invalid": self.count(INVALID),
            "rows": self.rows, "errors": self.errors,
        }


class _RowInvalid(Exception):
    """A row's cells do not pass the schemas or services; the errors say which cells and why."""

    def __init__(self, errors: list[CellError]):
        super().__init__("invalid row")
        self.errors = errors


# --------------------------------------------------------------------------- reading the columns


def _columns(sheet: Sheet, question_ids: frozenset[str]) -> tuple[dict[int, str], list[CellError]]:
    """Header position → column key; unknown or repeated headers and missing required columns are errors."""
    positions: dict[int, str] = {}
    errors: list[CellError] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        if not str(header).strip():
            continue
        key = header_key(header, question_ids)
        if key is None:
            errors.append(CellError(1, header, "Unknown column; see the template's instructions sheet."))
        elif key in seen:
            errors.append(CellError(1, header, f"The same column as {seen[key]!r}."))
        else:
            seen[key] = header
            positions[index] = key
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.append(CellError(1, column.en, f"Missing column ({column.en} / {column.sv})."))
    return positions, errors


def _header_names(sheet: Sheet, positions: dict[int, str]) -> dict[str, str]:
    return {key: sheet.headers[index] for index, key in positions.items()}


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested messages as (field, message) pairs."""
    if isinstance(messages, dict):
        return [pair for key, value in messages.items()
                for pair in _flatten(value, prefix or str(key))]
    if isinstance(messages, list):
        return [pair for value in messages for pair in _flatten(value, prefix)]
    return [(prefix, str(messages))]


# --------------------------------------------------------------------------- one row


class _Row:
    def __init__(self, number: int, cells: dict[str, str], headers: dict[str, str], multiple: dict[str, bool]):
        self.number, self.cells, self.headers, self.multiple = number, cells, headers, multiple

    def error(self, key: str, reason: str) -> CellError:
        column = FIELD_COLUMNS.get(key, key)
        if column.startswith("answers."):
            column = "answer:" + column.removeprefix("answers.")
        header = self.headers.get(column) or (BY_KEY[column].en if column in BY_KEY else column)
        return CellError(self.number, header.removeprefix("answer:"), reason)

    def value(self, key: str) -> Any:
        text = self.cells.get(key, "")
        return parse_cell(BY_KEY[key].kind, text) if text else None

    def solution_fields(self) -> dict[str, Any]:
        return {column.key: self.value(column.key) for column in COLUMNS
                if column.target == "solution" and self.cells.get(column.key)}

    def answers(self) -> dict[str, Any]:
        return {key.removeprefix("answer:"): parse_answer(self.multiple[key.removeprefix("answer:")], text)
                for key, text in self.cells.items() if key.startswith("answer:") and text}


def _account(row: _Row, key: str, email: str, errors: list[CellError]) -> int | None:
    user = find_user_by_email(email)
    if user is None:
        errors.append(row.error(key, f"No account with e-mail {email}."))
        return None
    return user.id


def _owners(row: _Row, by: User, errors: list[CellError]) -> dict[str, Any]:
    owners: dict[str, Any] = {}
    email = row.cells.get("owner_email")
    owner_id = _account(row, "owner_email", email, errors) if email else by.id
    if owner_id is not None:
        owners["owner_id"] = owner_id
    co_owner_ids = [_account(row, "co_owner_emails", e, errors) for e in row.value("co_owner_emails") or []]
    if co_owner_ids:
        owners["co_owner_ids"] = [i for i in co_owner_ids if i is not None]
    return owners


def _phase(row: _Row, errors: list[CellError]) -> Phase:
    value = row.value("phase")
    if value is None:
        return Phase.NEEDS_ANALYSIS
    try:
        return Phase(value)
    except ValueError:
        errors.append(row.error("phase", f"Unknown phase {row.cells['phase']!r}; use one of "
                                         + ", ".join(p.value for p in Phase) + "."))
        return Phase.NEEDS_ANALYSIS


def _indicator_id(row: _Row, errors: list[CellError]) -> int | None:
    """The common indicator named by code or name (Swedish or English); the goals service checks it is active."""
    text = row.cells["goal_indicator_code"].casefold()
    found = db.session.scalar(select(Indicator.id).where(or_(func.lower(Indicator.code) == text,
                                                             func.lower(Indicator.name_sv) == text,
                                                             func.lower(Indicator.name_en) == text)).limit(1))
    if found is None:
        errors.append(row.error("goal_indicator_code", f"No common indicator {row.cells['goal_indicator_code']!r}."))
    return found


def _goal(row: _Row, errors: list[CellError]) -> dict[str, Any] | None:
    given = {field: row.value(column) for column, field in GOAL_FIELDS.items() if row.cells.get(column)}
    if not given:
        return None
    unknown_indicator = False
    if "indicator_id" in given:
        indicator_id = _indicator_id(row, errors)
        unknown_indicator = indicator_id is None
        if unknown_indicator:
            del given["indicator_id"]  # already reported against its column
        else:
            given["indicator_id"] = indicator_id
    try:
        goal = GoalCreateSchema().load(given)
    except ma.ValidationError as exc:
        errors.extend(row.error(f, m) for f, m in _flatten(english(exc.messages))
                      if not (unknown_indicator and f == "indicator_id"))
        return None
    return None if unknown_indicator else goal


def _problem_errors(row: _Row, problem: DomainError) -> list[CellError]:
    return [row.error(f, m) for f, msgs in (getattr(problem, "errors", None) or {"name": [problem.detail]}).items()
            for m in (msgs if isinstance(msgs, list) else [msgs])]


def _import_row(row: _Row, goal_rows: list[_Row], by: User) -> tuple[int, str | None]:
    """Register the row's solution with its goals, phase and first classification, or raise _RowInvalid.
    `goal_rows` are the row itself and its continuation rows (more goals of the same solution)."""
    errors: list[CellError] = []
    data: dict[str, Any] = {}
    try:
        data = SolutionWriteSchema().load(row.solution_fields())
    except ma.ValidationError as exc:
        errors.extend(row.error(f, m) for f, m in _flatten(english(exc.messages)))
    data.update(_owners(row, by, errors))
    phase = _phase(row, errors)
    new_goals = [goal for goal_row in goal_rows if (goal := _goal(goal_row, errors)) is not None]
    answers = row.answers()
    if answers:
        try:
            classification.check_answers(answers, active_ruleset())
        except DomainError as problem:
            errors.extend(_problem_errors(row, problem))
    if errors:
        raise _RowInvalid(errors)
    try:
        solution = solutions.register_solution(data, by)
        if phase != Phase.NEEDS_ANALYSIS:
            # The spreadsheet records where the solution stands today; the import states it, gates unchecked.
            before = solutions.solution_record(solution)
            solution.phase = phase.value
            solutions.record_solution_change(solution, before)
        for goal in new_goals:
            goals.create_goal(solution, goal, by=by)
        stored = classification.store_classification(solution, answers, by=by) if answers else None
    except DomainError as problem:
        raise _RowInvalid(_problem_errors(row, problem)) from problem
    return solution.id, stored.result["ai_act"]["category"] if stored else None


# --------------------------------------------------------------------------- the file


def _is_continuation(row: _Row) -> bool:
    """A row that repeats an external id and fills only goal columns adds a goal to that solution."""
    return all(key == "external_id" or key in GOAL_FIELDS or not text for key, text in row.cells.items())


def _group(rows: list[_Row], existing: set[str]) -> tuple[list[tuple[_Row, list[_Row]]], list[RowOutcome]]:
    """The solutions of the sheet, each with its goal rows; and the rows refused or skipped outright."""
    groups: dict[str, tuple[_Row, list[_Row]]] = {}
    outcomes: list[RowOutcome] = []
    for row in rows:
        external_id = row.cells.get("external_id", "")
        if not external_id:
            outcomes.append(RowOutcome(row.number, None, row.cells.get("name"), INVALID, errors=[
                row.error("external_id", "Give every row a stable external id; a re-import uses it to skip what "
                                         "is already registered.")]))
        elif external_id in existing:
            outcomes.append(RowOutcome(row.number, external_id, row.cells.get("name"), EXISTS))
        elif external_id not in groups:
            groups[external_id] = (row, [row])
        elif _is_continuation(row):
            groups[external_id][1].append(row)
        else:
            first = groups[external_id][0].number
            outcomes.append(RowOutcome(row.number, external_id, row.cells.get("name"), INVALID, errors=[
                row.error("external_id", f"Repeats the external id of row {first}; a row that adds a goal to it "
                                         "fills only the goal columns.")]))
    return list(groups.values()), outcomes


def import_sheet(sheet: Sheet, *, filename: str, by: User, dry_run: bool) -> ImportReport:
    """Import every row of the sheet, or (dry run, or any bad cell) nothing; the report tells per row."""
    ruleset = active_ruleset()
    multiple = {question.id: question.multiple for question in ruleset.questions}
    positions, file_errors = _columns(sheet, frozenset(multiple))
    report = ImportReport(filename, dry_run, [], file_errors)
    if file_errors:
        return report
    headers = _header_names(sheet, positions)
    rows = [_Row(number, {key: cells[i].strip() if i < len(cells) else "" for i, key in positions.items()},
                 headers, multiple) for number, cells in sheet.rows]
    existing = set(db.session.scalars(select(Solution.external_id).where(Solution.external_id.is_not(None))))
    groups, outcomes = _group(rows, existing)
    outer = db.session.begin_nested()
    for row, goal_rows in groups:
        external_id, name = row.cells["external_id"], row.cells.get("name")
        savepoint = db.session.begin_nested()
        try:
            with audit.importing(coded("imported_row", file=filename, row=row.number)):
                solution_id, category = _import_row(row, goal_rows, by)
        except _RowInvalid as invalid:
            savepoint.rollback()
            for goal_row in goal_rows:
                outcomes.append(RowOutcome(goal_row.number, external_id, name, INVALID,
                                           errors=[e for e in invalid.errors if e.row == goal_row.number]))
            continue
        savepoint.commit()
        goals_given = [goal_row for goal_row in goal_rows if any(goal_row.cells.get(k) for k in GOAL_FIELDS)]
        outcomes.append(RowOutcome(row.number, external_id, name, CREATED, solution_id=solution_id,
                                   phase=row.value("phase") or Phase.NEEDS_ANALYSIS.value, goals=len(goals_given),
                                   classification=category))
        outcomes.extend(RowOutcome(goal_row.number, external_id, name, CREATED, solution_id=solution_id, goals=1)
                        for goal_row in goal_rows[1:])
    report.rows = sorted(outcomes, key=lambda outcome: outcome.row)
    if report.written:
        outer.commit()
    else:
        outer.rollback()
        for outcome in report.rows:
            outcome.solution_id = None  # rolled back: the ids were never kept
    return report


def import_file(filename: str, content: bytes, *, by: User, dry_run: bool) -> ImportReport:
    """Read an uploaded .xlsx or .csv and import it (see import_sheet); 422 when it is not a readable sheet
    or is beyond a reading limit (the problem's `limit` names which)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    limits = ReadLimits(seconds=current_app.config.get("IMPORT_TIME_BUDGET_SECONDS", ReadLimits.seconds))
    try:
        sheet = read_sheet(name, content, limits)
    except SheetError as exc:
        problem = InvalidInput(str(exc), errors={"file": [str(exc)]},
                               **({"limit": exc.limit} if exc.limit else {}))
        problem.localized = lazy_gettext(exc.msgid, **exc.params)  # the page shows it in the reader's language
        raise problem from exc
    return import_sheet(sheet, filename=name, by=by, dry_run=dry_run)


def refused(report: ImportReport) -> InvalidInput:
    """The 422 for a file with bad cells: every cell named, and the per-row report."""
    errors: dict[str, list[str]] = {}
    for error in report.errors:
        errors.setdefault(f"row {error.row}: {error.column}", []).append(error.reason)
    return InvalidInput(f"{len(report.errors)} cell(s) in {report.filename} are not valid; nothing was imported.",
                        errors=errors, cells=[error.__dict__ for error in report.errors])
