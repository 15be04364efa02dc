"""The classification wizard: the questionnaire of the rules module, one section at a time, only the
questions the answers make relevant (server-side `relevant_when`), a live result preview with the
fired rules, and submission for review. Every step keeps the answers so far as the solution's working
copy (classification/drafts.py): leaving half-way loses nothing, and coming back resumes at the first
step with an unanswered question. The rules engine decides; the classification services store."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from ai_register import formats
from ai_register.classification import drafts, results
from ai_register.classification import services as classification
from ai_register.classification.rulesets import active_ruleset, ruleset_of
from ai_register.exceptions import InvalidInput, NotAllowed, NotFound
from ai_register.rules.contract import UNSURE
from ai_register.rules.questionnaire import questionnaire_for, relevant_questions
from ai_register.security import COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import READ_ONLY_PHASES, can_write, get_solution

bp = Blueprint("classify_web", __name__, url_prefix="/solutions/<int:solution_id>", template_folder="templates")

WRITERS = (OWNER, COMPLIANCE)
# A single-choice question without an "unsure" value of its own is left unanswered when the owner
# is unsure: the contract treats an omitted answer exactly like `unsure`.
LEAVE_OPEN = "__open__"
NONE_OF_THESE = "__none__"


class Wizard:
    """The questionnaire and the answers so far, with the branching of the rules module."""

    def __init__(self, answers: dict[str, Any], solution=None):
        self.ruleset = active_ruleset()
        self.questionnaire = questionnaire_for(self.ruleset, formats.lang())
        self.sections = self.questionnaire["sections"]
        self.questions = {q["id"]: q for s in self.sections for q in s["questions"]}
        self.answers = self.pruned(self.current_form(answers))
        # Contract 1.1: the answer the register suggests from the solution's in-service date.
        self.legacy_suggestion = legacy_suggestion(solution, self.ruleset) if solution is not None else None

    def current_form(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Answers of an older questionnaire in today's form: a superseded question's answer moves
        to the list question that replaced it (`ivdr_rule` → `ivdr_rules`), so nothing is lost."""
        answers = dict(answers)
        for old, new in self.ruleset.superseded.items():
            if old in answers and new not in answers:
                value = answers.pop(old)
                answers[new] = value if value == UNSURE else [value]
        return answers

    def prefill(self) -> None:
        """Fill `legacy_system` from the in-service date when it is not answered; the owner confirms."""
        suggestion = self.legacy_suggestion
        if suggestion and suggestion["value"] and LEGACY_SYSTEM not in self.answers:
            self.answers = self.pruned({**self.answers, LEGACY_SYSTEM: suggestion["value"]})

    def hints(self) -> dict[str, str]:
        suggestion = self.legacy_suggestion
        return {LEGACY_SYSTEM: suggestion["message"]} if suggestion else {}

    def warnings(self) -> list[str]:
        """Answers that contradict each other: flagged, not refused (the engine reads them safely)."""
        if self.answers.get(LEGACY_SYSTEM) == "yes" and self.answers.get(SUBSTANTIAL_MODIFICATION) == "yes":
            return [_("Contradictory answers: a system with a substantial modification (Art 25(1)) has changed "
                      "significantly since it was put into service, so it is not a system already in service "
                      "under Art 111(2) (recital 177). Check both answers; the substantial modification is what "
                      "counts.")]
        return []

    def relevant(self, answers: dict[str, Any] | None = None) -> list[str]:
        return relevant_questions(self.answers if answers is None else answers, self.ruleset)

    def pruned(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Only known questions that the other answers leave relevant (repeated until stable)."""
        answers = {k: v for k, v in answers.items() if k in self.questions}
        while True:
            keep = set(relevant_questions(answers, self.ruleset))
            pruned = {k: v for k, v in answers.items() if k in keep}
            if pruned == answers:
                return pruned
            answers = pruned

    def _candidates(self, step: int) -> list[tuple[dict, bool]]:
        """The section's relevant questions, each with whether it waits for an answer in the same
        section first (its `relevant_when` names a question above it that is still unanswered)."""
        relevant = set(self.relevant())
        here = {q["id"] for q in self.sections[step]["questions"]}
        result = []
        for question in self.sections[step]["questions"]:
            if question["id"] not in relevant:
                continue
            waits = any(
                ref in here and ref not in self.answers for ref in _referenced(question["relevant_when"])
            )
            result.append((question, waits))
        return result

    def shown_in(self, step: int) -> list[dict]:
        return [q for q, waits in self._candidates(step) if not waits]

    def deferred_in(self, step: int) -> list[dict]:
        """Asked once the answers above them are given (revealed at once by wizard.js)."""
        return [q for q, waits in self._candidates(step) if waits]

    def next_step(self, step: int, direction: int = 1) -> int:
        """The next section (or previous) with something to ask; len(sections) is the preview."""
        step += direction
        while 0 <= step < len(self.sections) and not self.shown_in(step):
            step += direction
        return max(step, 0) if direction < 0 else min(step, len(self.sections))

    def first_step(self) -> int:
        return self.next_step(-1)

    def step_at(self, step: int) -> int:
        """`step` if it asks something, else the next step that does (or the result)."""
        step = min(max(step, 0), len(self.sections))
        if step < len(self.sections) and not self.shown_in(step):
            return self.next_step(step)
        return step

    def resume_step(self, seen) -> int:
        """The first step with a question neither answered nor seen (left open on purpose), else the result."""
        seen = set(seen)
        for step in range(len(self.sections)):
            if any(q["id"] not in self.answers and q["id"] not in seen for q in self.shown_in(step)):
                return step
        return len(self.sections)

    def read(self, form, ids: list[str]) -> dict[str, str]:
        """Take the posted answers of the shown questions; returns errors by question id."""
        errors = {}
        for qid in ids:
            question = self.questions[qid]
            name = f"q-{qid}"
            if question["type"] == "multiple":
                picked = form.getlist(name)
                if not picked:
                    self.answers.pop(qid, None)
                elif UNSURE in picked and len(picked) > 1 or NONE_OF_THESE in picked and len(picked) > 1:
                    errors[qid] = _("Choose options, or “none of these”, or “unsure” – not several of them.")
                    self.answers.pop(qid, None)
                elif picked == [UNSURE]:
                    self.answers[qid] = UNSURE
                elif picked == [NONE_OF_THESE]:
                    self.answers[qid] = []
                else:
                    allowed = {v["value"] for v in question["values"]}
                    self.answers[qid] = [v for v in picked if v in allowed]
            else:
                value = form.get(name)
                if value in (None, "", LEAVE_OPEN):
                    self.answers.pop(qid, None)
                elif value in {v["value"] for v in question["values"]}:
                    self.answers[qid] = value
                else:
                    errors[qid] = _("Choose one of the options.")
        self.answers = self.pruned(self.answers)
        return errors

    def preview(self) -> tuple[dict | None, dict]:
        try:
            return classification.preview(self.answers), {}
        except InvalidInput as problem:
            return None, problem.errors

    def progress(self, step: int) -> list[dict]:
        return [
            {
                "index": i,
                "title": s["title"],
                "state": "done" if i < step else "current" if i == step else "todo",
                "skipped": not self.shown_in(i),
            }
            for i, s in enumerate(self.sections)
        ]


LEGACY_SYSTEM = "legacy_system"
SUBSTANTIAL_MODIFICATION = "substantial_modification"


def legacy_suggestion(solution, ruleset) -> dict | None:
    """What the in-service date says about Art 111(2), with a sentence for the owner: `yes` before
    the earliest Chapter III date of the rule set, `no` on or after the latest, else no suggestion."""
    cutoffs = sorted(ruleset.legacy_cutoff.values())
    if not cutoffs or LEGACY_SYSTEM not in ruleset.question_index:
        return None
    since = getattr(solution, "in_service_since", None)
    if since is None:
        return {"value": None, "message": _(
            "The solution has no in-service date in the register, so nothing is suggested here.")}
    if since < cutoffs[0]:
        value = "yes"
        message = _("Suggested from the solution's in-service date (%(date)s, before %(cutoff)s): yes. Confirm it "
                    "or change it if the design has changed significantly since.", date=since.isoformat(),
                    cutoff=cutoffs[0].isoformat())
    elif since >= cutoffs[-1]:
        value = "no"
        message = _("Suggested from the solution's in-service date (%(date)s, not before %(cutoff)s): no.",
                    date=since.isoformat(), cutoff=cutoffs[-1].isoformat())
    else:
        value = None
        message = _("The solution's in-service date (%(date)s) lies between the Annex III date and the Annex I "
                    "date, so the answer depends on the route: choose it yourself.", date=since.isoformat())
    return {"value": value, "message": message}


def _referenced(condition) -> set[str]:
    """The question ids a `relevant_when` condition (as data) looks at."""
    if isinstance(condition, dict):
        found = {condition["question"]} if isinstance(condition.get("question"), str) else set()
        for value in condition.values():
            found |= _referenced(value)
        return found
    if isinstance(condition, list):
        return set().union(*(_referenced(item) for item in condition)) if condition else set()
    return set()


def _posted_answers() -> dict[str, Any]:
    raw = request.form.get("answers") or "{}"
    try:
        answers = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("The answers of the earlier steps are damaged; start again.") from exc
    if not isinstance(answers, dict):
        raise BadRequest("The answers of the earlier steps are damaged; start again.")
    return answers


def _latest_answers(solution) -> dict[str, Any]:
    versions = classification.classifications_of(solution)
    return dict(versions[0].answers) if versions else {}


def _render(solution, wizard: Wizard, step: int, *, errors=None, notice=None, status=200):
    preview, preview_errors = wizard.preview()
    done = step >= len(wizard.sections)
    return render_template(
        "classification/wizard.html",
        solution=solution,
        wizard=wizard,
        step=step,
        done=done,
        draft=drafts.open_draft(solution),
        section=None if done else wizard.sections[step],
        shown=[] if done else wizard.shown_in(step),
        deferred=[] if done else wizard.deferred_in(step),
        answers=wizard.answers,
        answers_json=json.dumps(wizard.answers, sort_keys=True),
        errors={**preview_errors, **(errors or {})},
        notice=notice,
        preview=preview,
        questions=results.question_rows(wizard.answers, wizard.ruleset) if done else [],
        explain=results.explainer(wizard.ruleset),
        qtext=results.question_text(wizard.ruleset),
        can_submit=classification.may_submit(solution, actor()),
        hints=wizard.hints(),
        warnings=wizard.warnings(),
        # A device rule list (ivdr_rules) has no "none of these": at least one rule always applies.
        no_none=set(wizard.ruleset.device_questions),
        LEAVE_OPEN=LEAVE_OPEN,
        NONE_OF_THESE=NONE_OF_THESE,
        UNSURE=UNSURE,
    ), status


def _requested_step(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@bp.get("/classify")
@access(*WRITERS)
def start(solution_id: int):
    """Resume the working copy at its first unanswered step (or at `?step=`), else start from the
    latest version's answers at the first step."""
    solution = get_solution(solution_id, actor(), write=True)
    draft = drafts.open_draft(solution)
    if draft is not None:
        wizard = Wizard(draft.answers, solution)
        step = wizard.resume_step(draft.seen)
    else:
        wizard = Wizard(_latest_answers(solution), solution)
        wizard.prefill()
        step = wizard.first_step()
    requested = _requested_step(request.args.get("step"))
    if requested is not None:
        step = wizard.step_at(requested)
    return _render(solution, wizard, step)


@bp.post("/classify")
@access(*WRITERS)
def step(solution_id: int):
    solution = get_solution(solution_id, actor(), write=True)
    draft = drafts.open_draft(solution)
    # The working copy is the base, so a co-owner's answers to other steps meanwhile are kept; the
    # page's own copy only serves the first step of a new working copy.
    wizard = Wizard(draft.answers if draft is not None else _posted_answers(), solution)
    current = _requested_step(request.form.get("step")) or 0
    current = min(max(current, 0), len(wizard.sections))
    action = request.form.get("action", "next")
    if action == "discard":
        drafts.discard_draft(solution, actor())
        flash(_("The unsaved answers are discarded; the wizard starts again from the latest version."), "success")
        return redirect(url_for("classify_web.start", solution_id=solution.id))
    shown = [qid for qid in request.form.get("shown", "").split(",") if qid in wizard.questions]
    errors = wizard.read(request.form, shown)
    if errors:
        return _render(solution, wizard, current, errors=errors, status=422)
    drafts.save_draft(solution, wizard.answers, [*(draft.seen if draft else ()), *shown], actor())
    goto = _requested_step(request.form.get("goto"))
    if goto is not None:
        return _render(solution, wizard, wizard.step_at(goto))
    if action == "back":
        return _render(solution, wizard, wizard.next_step(current, -1))
    if action in ("save", "submit"):
        return _store(solution, wizard, submit=action == "submit")
    if current < len(wizard.sections):
        now_shown = [q["id"] for q in wizard.shown_in(current)]
        if now_shown != shown:
            # Answers in this section changed which of its questions apply: show it again.
            return _render(
                solution,
                wizard,
                current,
                notice=_("Your answers changed which questions apply; please check this step again."),
            )
    return _render(solution, wizard, wizard.next_step(current))


def _store(solution, wizard: Wizard, *, submit: bool):
    if submit and not classification.may_submit(solution, actor()):
        raise NotAllowed("Only an owner or co-owner of the solution submits its classification for review.")
    try:
        stored = classification.store_classification(solution, wizard.answers, by=actor())
        drafts.close_draft(solution, stored)
        if submit:
            classification.submit_classification(stored, by=actor())
    except InvalidInput as problem:
        if not problem.errors:
            raise
        return _render(solution, wizard, len(wizard.sections), errors=problem.errors, status=422)
    if submit:
        flash(
            _("Classification version %(n)d is submitted for review by compliance.", n=stored.version),
            "success",
        )
    else:
        flash(_("Classification version %(n)d is saved as a draft.", n=stored.version), "success")
    return redirect(url_for("solutions_web.show", solution_id=solution.id))


@bp.get("/classifications/<int:classification_id>")
@access(OWNER, COMPLIANCE)
def result(solution_id: int, classification_id: int):
    solution = get_solution(solution_id, actor())
    stored = classification.get_classification(classification_id, actor())
    if stored.solution_id != solution.id:
        raise NotFound("No such classification for this solution.")
    ruleset = ruleset_of(stored)
    return render_template(
        "classification/result.html",
        solution=solution,
        stored=stored,
        # Each answer links back to its step in the wizard when the reader may change the answers and
        # this version is the latest (the wizard starts from the latest answers).
        editable=can_write(solution, actor()) and solution.phase not in READ_ONLY_PHASES
        and stored.version == classification.latest_version(solution.id),
        questions=results.question_rows(stored.answers, ruleset),
        explain=results.explainer(ruleset),
        qtext=results.question_text(ruleset),
    )


@bp.post("/classifications/<int:classification_id>/submit")
@access(OWNER, COMPLIANCE)
def submit(solution_id: int, classification_id: int):
    stored = classification.get_classification(classification_id, actor(), write=True)
    if stored.solution_id != solution_id:
        raise NotFound("No such classification for this solution.")
    classification.submit_classification(stored, by=actor())
    flash(
        _("Classification version %(n)d is submitted for review by compliance.", n=stored.version), "success"
    )
    return redirect(url_for("solutions_web.show", solution_id=solution_id))
