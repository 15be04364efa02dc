"""Reading a classification: answers as question and answer texts, fired rules with their
plain-language explanation from the rule set, route labels, and the difference between versions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from ai_register import formats
from ai_register.rules.contract import UNSURE
from ai_register.rules.questionnaire import questionnaire_for
from ai_register.rules.ruleset import RuleSet

ROUTES = {
    "annex_i_mdr": _l("Annex I: medical device with a notified body (MDR)"),
    "annex_i_ivdr": _l("Annex I: in-vitro diagnostic with a notified body (IVDR)"),
    "annex_i_other": _l("Annex I: other product legislation"),
    "annex_iii_1a": _l("Annex III 1(a): remote biometric identification"),
    "annex_iii_1b": _l("Annex III 1(b): biometric categorisation"),
    "annex_iii_1c": _l("Annex III 1(c): emotion recognition"),
    "annex_iii_2": _l("Annex III 2: critical infrastructure"),
    "annex_iii_3": _l("Annex III 3: education and vocational training"),
    "annex_iii_4": _l("Annex III 4: employment and workers management"),
    "annex_iii_5a": _l("Annex III 5(a): access to public benefits and services"),
    "annex_iii_5b": _l("Annex III 5(b): creditworthiness"),
    "annex_iii_5c": _l("Annex III 5(c): life and health insurance pricing"),
    "annex_iii_5d": _l("Annex III 5(d): emergency calls and patient triage"),
    "annex_iii_6": _l("Annex III 6: law enforcement"),
    "annex_iii_7": _l("Annex III 7: migration and border control"),
    "annex_iii_8": _l("Annex III 8: justice and democratic processes"),
}

TRANSPARENCY = {
    "art50_1": _l("Art 50(1): tell people they interact with AI"),
    "art50_2": _l("Art 50(2): mark synthetic content"),
    "art50_3": _l("Art 50(3): inform about emotion recognition or biometric categorisation"),
    "art50_4": _l("Art 50(4): disclose deep fakes and AI-generated public text"),
}

GPAI = {
    "art53": _l("General-purpose AI model (Art 53)"),
    "art55": _l("GPAI model with systemic risk (Art 55)"),
}


def route_label(code: str) -> str:
    return str(ROUTES.get(code, code))


def transparency_label(code: str) -> str:
    return str(TRANSPARENCY.get(code, code))


def gpai_label(code: str | None) -> str:
    return str(GPAI.get(code, code or ""))


def explainer(ruleset: RuleSet) -> Callable[[str], str]:
    """rule id → its plain-language explanation in the reader's language."""
    lang = formats.lang()
    texts = {rule.id: rule.explanation.in_language(lang) for rule in ruleset.all_rules()}
    return lambda rule_id: texts.get(rule_id, "")


def obligations_in_language(obligations: list[dict], ruleset: RuleSet) -> list[dict]:
    """The obligations of a stored result with their text in the reader's language (results keep
    the language they were computed in)."""
    if not obligations:
        return []
    lang, wanted = formats.lang(), {o.get("id") for o in obligations}
    texts = {o.id: o.text.in_language(lang) for o in ruleset.obligations if o.id in wanted}
    return [{**o, "text": texts.get(o.get("id"), o.get("text"))} for o in obligations]


def _questions(ruleset: RuleSet) -> tuple[list[dict], dict[str, dict]]:
    sections = questionnaire_for(ruleset, formats.lang())["sections"]
    return sections, {q["id"]: {**q, "section_title": s["title"]} for s in sections for q in s["questions"]}


def answer_text(question: dict | None, value: Any) -> str:
    """The answer as its option label(s)."""
    if question is None:
        return str(value)
    options = {v["value"]: v["label"] for v in question["values"]}
    if question.get("unsure"):
        options[question["unsure"]["value"]] = question["unsure"]["label"]
    if value is None:
        return str(_l("Not answered"))
    if value == UNSURE and UNSURE not in options:
        return str(_l("Unsure"))
    if isinstance(value, list):
        return ", ".join(options.get(v, v) for v in value) if value else str(_l("None of these"))
    return options.get(value, str(value))


def question_rows(answers: Mapping[str, Any], ruleset: RuleSet) -> list[dict]:
    """Every answered question in questionnaire order: section (and its step in the wizard), question
    text, answer text."""
    sections, index = _questions(ruleset)
    rows = []
    for step, section in enumerate(sections):
        for question in section["questions"]:
            if question["id"] in answers:
                rows.append(
                    {
                        "id": question["id"],
                        "step": step,
                        "section": section["title"],
                        "text": question["text"],
                        "answer": answer_text(question, answers[question["id"]]),
                    }
                )
    return rows


def answers_diff(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any], ruleset: RuleSet
) -> list[dict]:
    """Side by side: each question answered in either version, the two answers, and whether it changed."""
    sections, index = _questions(ruleset)
    previous = previous or {}
    rows = []
    for section in sections:
        for question in section["questions"]:
            qid = question["id"]
            if qid not in previous and qid not in current:
                continue
            before = answer_text(question, previous[qid]) if qid in previous else str(_l("Not asked"))
            after = answer_text(question, current[qid]) if qid in current else str(_l("Not asked"))
            rows.append(
                {
                    "id": qid,
                    "text": question["text"],
                    "section": section["title"],
                    "before": before,
                    "after": after,
                    "changed": previous.get(qid) != current.get(qid),
                }
            )
    return rows


def question_text(ruleset: RuleSet) -> Callable[[str], str]:
    _sections, index = _questions(ruleset)
    return lambda qid: index[qid]["text"] if qid in index else qid
