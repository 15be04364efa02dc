"""The questionnaire as data, so the web wizard and the API render the same thing, and the
branching that decides which questions are asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ai_register.rules.conditions import Context
from ai_register.rules.contract import UNSURE
from ai_register.rules.evaluator import LANGUAGES, normalised_answers, value_error
from ai_register.rules.ruleset import Question, RuleSet, Text


def questionnaire_for(ruleset: RuleSet, lang: str | None = None) -> dict[str, Any]:
    """Sections with their questions: id, kind, values with labels, text, help, citation and
    `relevant_when` (the branching condition as data). Texts are `{sv, en}` objects, or plain
    strings in `lang` when given."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)} or None, got {lang!r}")

    def text(value: Text) -> str | dict[str, str]:
        return value.as_dict() if lang is None else value.in_language(lang)

    def question_entry(question: Question) -> dict[str, Any]:
        return {
            "id": question.id,
            "kind": question.kind,
            "type": "multiple" if question.multiple else "single",
            "values": [{"value": value.value, "label": text(value.label)} for value in question.values],
            "unsure": (
                {"value": UNSURE, "label": text(question.unsure_label)}
                if question.unsure_label is not None
                else None
            ),
            "omitted_means": question.omitted_means,
            "text": text(question.text),
            "help": text(question.help),
            "citation": question.citation,
            "relevant_when": question.relevant_when_data,
        }

    return {
        "contract_version": ruleset.contract_version,
        "ruleset": {"version": ruleset.version, "sha256": ruleset.sha256},
        "language": lang,
        "sections": [
            {
                "id": section.id,
                "title": text(section.title),
                "questions": [
                    question_entry(question)
                    for question in ruleset.asked_questions
                    if question.section == section.id
                ],
            }
            for section in ruleset.sections
        ],
    }


def relevant_questions(answers: Mapping[str, Any], ruleset: RuleSet) -> list[str]:
    """The ids of the questions to ask, in questionnaire order, given the answers so far.

    A question is left out only when its `relevant_when` is certainly false, i.e. when no value
    of it could change the result (contract, normative reading). Invalid answers count as
    unanswered here; validate_answers reports them.
    """
    valid = {
        question_id: value
        for question_id, value in answers.items()
        if question_id in ruleset.question_index
        and value_error(ruleset.question_index[question_id], value) is None
    }
    if not any(old in valid and new in valid for old, new in ruleset.superseded.items()):
        valid = dict(normalised_answers(valid, ruleset))
    context = Context(valid)
    return [
        question.id
        for question in ruleset.asked_questions
        if question.relevant_when is None or question.relevant_when.evaluate(context) is not False
    ]
