"""Classify an answers object against a rule set (classification contract, versions 1 and 1.1).

Pure: no Flask, no database. The decision order is the code below; which answer leads to which
outcome, with its citation and dates, comes from the rule files.

Three-valued reasoning: every rule condition evaluates to True, False or None ("an open trigger
answer could make it either"). The category is what the known answers establish; it becomes
`needs_review` when an undecided rule could make it stricter (contract step 6, "never guess").
The device class is worked out exactly instead: every completion of the open device answers is
classified (a few dozen at most, memoised), which is what the partial-class rule asks ("every
class the open answers allow needs a notified body").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import product
from typing import Any
from weakref import WeakKeyDictionary

from ai_register.rules.conditions import Context, Verdict
from ai_register.rules.contract import (
    AI_SYSTEM_QUESTION,
    NEEDS_REVIEW,
    PUBLIC_AUTHORITY_QUESTION,
    ROLE_ANSWERS,
    ROLE_QUESTION,
    ROLES,
    STRICTNESS,
    SUBSTANTIAL_MODIFICATION_QUESTION,
    UNSURE,
    contract_at_least,
)
from ai_register.rules.ruleset import DeviceTable, Obligation, Question, Rule, RuleSet

LANGUAGES = ("en", "sv")

# The category a rule section can establish (strictness order, contract "Normative reading").
SECTION_CATEGORY = {
    "prohibitions": "prohibited",
    "high_risk_routes": "high_risk",
    "transparency": "limited_risk",
}


@dataclass(frozen=True)
class AnswerError:
    question: str | None  # None when the answers object as a whole is wrong
    message: str
    others: tuple[str, ...] = ()  # further questions the error is about (e.g. two that exclude each other)


class InvalidAnswers(ValueError):
    def __init__(self, errors: Iterable[AnswerError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(error.message for error in self.errors))


# ---- validation ----


def validate_answers(answers: Any, ruleset: RuleSet) -> list[AnswerError]:
    """Every problem with an answers object: unknown question ids, values outside the lists,
    wrong types. An empty list means the answers can be classified."""
    if not isinstance(answers, Mapping):
        return [
            AnswerError(
                None, f"answers must be a JSON object of question id → value, got {_describe(answers)}"
            )
        ]
    errors = []
    index = ruleset.question_index
    for question_id, value in answers.items():
        question = index.get(question_id) if isinstance(question_id, str) else None
        if question is not None and value.__class__ is str and value in question.single_values:
            continue  # the common case, checked without building a message
        if question is None:
            errors.append(
                AnswerError(
                    None if not isinstance(question_id, str) else question_id,
                    f"unknown question id {_quote(question_id)}",
                )
            )
            continue
        message = value_error(question, value)
        if message is not None:
            errors.append(AnswerError(question.id, f"question '{question.id}': {message}"))
    for old, new in ruleset.superseded.items():
        if old in answers and new in answers:
            # Contract 1.1: `ivdr_rule` still means a one-element `ivdr_rules`; both at once is ambiguous.
            errors.append(
                AnswerError(
                    old,
                    f"questions '{old}' and '{new}' are both answered: give only '{new}' "
                    f"(every rule that applies), or only '{old}' (one rule)",
                    others=(new,),
                )
            )
    return errors


def normalised_answers(answers: Mapping[str, Any], ruleset: RuleSet) -> Mapping[str, Any]:
    """Valid answers as the rules read them: a superseded question's answer moves to its successor
    as a one-element list (contract 1.1), and an empty list for a device question counts as
    unanswered (no classification rule applying is not an answer the rules can classify)."""
    superseded = ruleset.superseded
    if not superseded or not any(old in answers for old in superseded) and not any(
        answers.get(question_id) == [] for question_id in ruleset.device_questions
    ):
        return answers
    result = dict(answers)
    for old, new in superseded.items():
        if old in result:
            value = result.pop(old)
            result[new] = value if value == UNSURE else [value]
    for question_id in ruleset.device_questions:
        if result.get(question_id) == []:
            del result[question_id]
    return result


def value_error(question: Question, value: Any) -> str | None:
    """What is wrong with `value` as an answer to `question`, or None when it is allowed."""
    if question.multiple:
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, str) or item not in question.allowed_values:
                    return f"value {_quote(item)} not allowed in the list ({', '.join(question.value_ids)})"
            return None
        if value == UNSURE and question.accepts_unsure:
            return None
        alternatives = f"a list of values ({', '.join(question.value_ids)})" + (
            " or 'unsure'" if question.accepts_unsure else ""
        )
        if isinstance(value, str):
            return f"value {_quote(value)} not allowed: expected {alternatives}"
        return f"expected {alternatives}, got {_describe(value)}"
    if isinstance(value, str):
        if value in question.allowed_values:
            return None
        return f"value {_quote(value)} not allowed ({', '.join(question.value_ids)})"
    return f"expected one value ({', '.join(question.value_ids)}), got {_describe(value)}"


def _quote(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, int | float):
        return f"the number {value}"
    return type(value).__name__


# ---- medical device part ----


@dataclass(frozen=True)
class ClassAssessment:
    """The classes one regulation's rules allow for the answers given."""

    table: DeviceTable
    classes: frozenset[str]
    deciding_rule: Rule | None  # the rule behind the class, when the class is decided
    open_questions: frozenset[str]  # open answers that keep the class undecided
    notified_body_open: frozenset[str]  # open answers that keep the notified body undecided
    # Contract 1.1: several classification rules (or a driven device) gave a class and the strictest
    # was taken (MDR Annex VIII 3.5, IVDR Annex VIII 1.9).
    several_rules: bool = False

    @property
    def device_class(self) -> str | None:
        return next(iter(self.classes)) if len(self.classes) == 1 else None

    @property
    def notified_body(self) -> Verdict:
        return _verdict_of({self.table.notified_body[name] for name in self.classes})


@dataclass(frozen=True)
class DeviceAssessment:
    regulations: frozenset[str]  # every regulation the answers allow: none, mdr, ivdr
    qualifying_rule: Rule | None
    qualification_open: frozenset[str]
    by_regulation: Mapping[str, ClassAssessment]
    in_house_rule: Rule | None  # the Art 5(5) rule, when the exemption is claimed

    # DeviceView, read by the AI Act route conditions
    def regulation_verdict(self, regulation: str) -> Verdict:
        if regulation not in self.regulations:
            return False
        return True if len(self.regulations) == 1 else None

    def notified_body_verdict(self, regulation: str) -> Verdict:
        assessment = self.by_regulation.get(regulation)
        return False if assessment is None else assessment.notified_body

    def regulation_open_questions(self) -> frozenset[str]:
        return self.qualification_open

    def class_open_questions(self, regulation: str) -> frozenset[str]:
        assessment = self.by_regulation.get(regulation)
        return frozenset() if assessment is None else assessment.notified_body_open

    # the result's medical_device part
    @cached_property
    def regulation(self) -> str:
        return next(iter(self.regulations)) if len(self.regulations) == 1 else NEEDS_REVIEW

    @cached_property
    def decided(self) -> ClassAssessment | None:
        return self.by_regulation.get(self.regulation)

    @property
    def device_class(self) -> str | None:
        return self.decided.device_class if self.decided else None

    @property
    def in_house_exemption(self) -> bool:
        return self.in_house_rule is not None and self.regulation != "none"

    @property
    def notified_body(self) -> bool | None:
        if self.regulation == "none" or self.in_house_exemption:
            # MDR/IVDR Art 5(5): an in-house device has no notified-body assessment.
            return False
        if self.decided is not None:
            return self.decided.notified_body
        verdicts = {False} if "none" in self.regulations else set()
        for assessment in self.by_regulation.values():
            verdicts |= {assessment.table.notified_body[name] for name in assessment.classes}
        return _verdict_of(verdicts)

    @property
    def needs_review(self) -> bool:
        return self.regulation == NEEDS_REVIEW or (self.decided is not None and self.device_class is None)

    @property
    def missing(self) -> frozenset[str]:
        if not self.needs_review:
            return frozenset()
        undecided = (
            assessment.open_questions
            for assessment in self.by_regulation.values()
            if assessment.device_class is None
        )
        return self.qualification_open.union(*undecided)

    @property
    def fired(self) -> tuple[Rule, ...]:
        if self.regulation == NEEDS_REVIEW:
            return ()
        rules = [self.qualifying_rule] if self.qualifying_rule else []
        if self.decided is not None:
            if self.decided.device_class is not None and self.decided.deciding_rule is not None:
                rules.append(self.decided.deciding_rule)
                if self.decided.several_rules and self.decided.table.strictest is not None:
                    rules.append(self.decided.table.strictest)
            if self.in_house_exemption:
                rules.append(self.decided.table.in_house)
        return tuple(rules)

    def as_result(self) -> dict[str, Any]:
        decided = self.decided
        deciding_rule = decided.deciding_rule if decided and decided.device_class else None
        return {
            "regulation": self.regulation,
            "class": self.device_class,
            "rule": deciding_rule.classification_rule if deciding_rule else None,
            "notified_body": self.notified_body,
            "in_house_exemption": self.in_house_exemption,
        }


def assess_device(answers: Mapping[str, Any], ruleset: RuleSet) -> DeviceAssessment:
    """The medical-device part, evaluated whatever the AI Act result (contract, "Medical-device
    class"). Memoised per rule set on the answers it actually depends on."""
    caches = _caches_for(ruleset)
    qualification_key = _answers_key(answers, ruleset.qualification_questions)
    qualification = caches.qualification.get(qualification_key)
    if qualification is None:
        qualification = _remember(caches.qualification, qualification_key, _qualify(answers, ruleset))
    regulations, qualifying_rule, qualification_open = qualification
    tables = [
        ruleset.devices[regulation] for regulation in sorted(regulations) if regulation in ruleset.devices
    ]
    class_keys = tuple((table.regulation, *_answers_key(answers, table.questions)) for table in tables)
    key = (qualification_key, class_keys, _answers_key(answers, ruleset.in_house_questions))
    assessment = caches.device.get(key)
    if assessment is None:
        by_regulation = {}
        for table, class_key in zip(tables, class_keys, strict=True):
            by_regulation[table.regulation] = caches.device_class.get(class_key) or _remember(
                caches.device_class, class_key, _assess_class(table, answers, ruleset)
            )
        context = Context(answers)
        in_house_rule = next(
            (table.in_house for table in ruleset.devices.values() if table.in_house.verdict(context) is True),
            None,
        )
        assessment = _remember(
            caches.device,
            key,
            DeviceAssessment(
                regulations=regulations,
                qualifying_rule=qualifying_rule,
                qualification_open=qualification_open,
                by_regulation=by_regulation,
                in_house_rule=in_house_rule,
            ),
        )
    return assessment


def _qualify(
    answers: Mapping[str, Any], ruleset: RuleSet
) -> tuple[frozenset[str], Rule | None, frozenset[str]]:
    """Every regulation the answers allow (none, mdr, ivdr), the rule that decides it when only
    one is allowed, and the open answers that keep it undecided."""
    rules = ruleset.device_qualification
    outcomes = _outcomes_over_open_answers(
        answers, ruleset.qualification_questions, ruleset, lambda context: _first_holding(rules, context)
    )
    regulations = frozenset(rule.outcome for rule in outcomes.by_completion.values() if rule is not None)
    if len(regulations) != 1:
        return regulations, None, outcomes.deciding_questions(lambda rule: rule.outcome if rule else None)
    (regulation,) = regulations
    return regulations, _deciding_rule(rules, regulation, Context(answers), outcomes), frozenset()


def _assess_class(table: DeviceTable, answers: Mapping[str, Any], ruleset: RuleSet) -> ClassAssessment:
    """The classes the answers allow under one regulation, exactly: every completion of the open
    answers is classified (the stricter rule applies, Annex VIII; the fallback when none holds)."""
    outcomes = _outcomes_over_open_answers(
        answers, table.questions, ruleset, lambda context: _class_rule(table, context)
    )
    classes = frozenset(rule.outcome for rule in outcomes.by_completion.values() if rule is not None)
    notified_bodies = {table.notified_body[name] for name in classes}

    def device_class(rule: Rule | None) -> str | None:
        return rule.outcome if rule else None

    def notified_body(rule: Rule | None) -> bool | None:
        return table.notified_body[rule.outcome] if rule else None

    decided = next(iter(classes)) if len(classes) == 1 else None
    # The classification rules first: on a tie with a driven device they are the ones named.
    rules = (*table.rules, *table.fallback, *table.driven_device)
    context = Context(answers)
    return ClassAssessment(
        table=table,
        classes=classes,
        deciding_rule=_deciding_rule(rules, decided, context, outcomes) if decided else None,
        open_questions=frozenset() if decided else outcomes.deciding_questions(device_class),
        notified_body_open=(
            frozenset() if len(notified_bodies) == 1 else outcomes.deciding_questions(notified_body)
        ),
        several_rules=bool(decided) and len(_class_sources(table, context)) > 1,
    )


def _class_rule(table: DeviceTable, context: Context) -> Rule | None:
    """For complete answers: the rule giving the strictest class, else the first fallback; then the
    stricter of that and a driven device's class (contract 1.1), the classification rule on a tie."""
    holding = [rule for rule in table.rules if rule.verdict(context) is True]
    if holding:
        base = max(holding, key=lambda rule: table.rank(rule.outcome))  # first of the strictest
    else:
        base = _first_holding(table.fallback, context)
    driven = [rule for rule in table.driven_device if rule.verdict(context) is True]
    candidates = [*([base] if base is not None else []), *driven]
    return max(candidates, key=lambda rule: table.rank(rule.outcome)) if candidates else None


def _class_sources(table: DeviceTable, context: Context) -> set[str]:
    """The classification rules (by rule name) that give a class on the known answers."""
    holding = [rule for rule in table.rules if rule.verdict(context) is True]
    if not holding:
        fallback = _first_holding(table.fallback, context)
        holding = [fallback] if fallback is not None else []
    holding += [rule for rule in table.driven_device if rule.verdict(context) is True]
    return {rule.classification_rule or rule.id for rule in holding}


def _first_holding(rules: Iterable[Rule], context: Context) -> Rule | None:
    return next((rule for rule in rules if rule.verdict(context) is True), None)


def _deciding_rule(rules: Iterable[Rule], outcome: str, context: Context, outcomes: _Outcomes) -> Rule | None:
    """The rule to cite for a decided outcome: one that holds on the known answers alone,
    else the first (in file order) that gives it for some completion."""
    candidates = [rule for rule in rules if rule.outcome == outcome]
    holding = next((rule for rule in candidates if rule.verdict(context) is True), None)
    if holding is not None:
        return holding
    seen = {rule for rule in outcomes.by_completion.values() if rule is not None}
    return next((rule for rule in candidates if rule in seen), None)


@dataclass(frozen=True)
class _Outcomes:
    """The outcome for every completion of the open trigger answers (a few dozen at most)."""

    open_ids: tuple[str, ...]
    by_completion: Mapping[tuple[str, ...], Rule | None]

    def deciding_questions(self, view: Callable[[Rule | None], Any]) -> frozenset[str]:
        """The open questions whose answer changes what `view` of the outcome can be."""
        deciding = set()
        for position, question_id in enumerate(self.open_ids):
            possible_by_value: dict[str, set[Any]] = {}
            for values, outcome in self.by_completion.items():
                possible_by_value.setdefault(values[position], set()).add(view(outcome))
            if len({frozenset(possible) for possible in possible_by_value.values()}) > 1:
                deciding.add(question_id)
        return frozenset(deciding)


def _outcomes_over_open_answers(
    answers: Mapping[str, Any],
    question_ids: tuple[str, ...],
    ruleset: RuleSet,
    outcome_of: Callable[[Context], Rule | None],
) -> _Outcomes:
    known = {question_id: answers.get(question_id) for question_id in question_ids}
    open_ids = tuple(
        question_id
        for question_id in question_ids
        if _is_open_trigger(ruleset.question_index[question_id], known[question_id])
    )
    # A list question's completions are its one-element lists: device rules take the strictest
    # class of the listed values, so any longer list gives the class of one of its elements.
    index = ruleset.question_index
    choices = [
        [(value,) for value in index[question_id].definite_values]
        if index[question_id].multiple
        else index[question_id].definite_values
        for question_id in open_ids
    ]
    by_completion = {}
    for values in product(*choices):
        filled = {
            question_id: list(value) if isinstance(value, tuple) else value
            for question_id, value in zip(open_ids, values, strict=True)
        }
        by_completion[values] = outcome_of(Context({**known, **filled}))
    return _Outcomes(open_ids, by_completion)


def _is_open_trigger(question: Question, answer: Any) -> bool:
    return question.kind == "trigger" and (answer is None or answer == UNSURE)


# ---- AI Act part ----


@dataclass(frozen=True)
class AiActAssessment:
    category: str
    routes: tuple[str, ...]
    art6_3_exemption: bool
    transparency: tuple[str, ...]
    gpai: str | None
    missing: frozenset[str]
    fired: tuple[Rule, ...]
    legacy: Rule | None = None  # Art 111(2): a high-risk system already in service (contract 1.1)

    def as_result(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "routes": list(self.routes),
            "art6_3_exemption": self.art6_3_exemption,
            "transparency": list(self.transparency),
            "gpai": self.gpai,
        }


def assess_ai_act(answers: Mapping[str, Any], device: DeviceAssessment, ruleset: RuleSet) -> AiActAssessment:
    context = Context(answers, device)
    v1_1 = contract_at_least(ruleset.contract_version, "1.1")
    gpai = next((rule for rule in ruleset.gpai if rule.verdict(context) is True), None)

    # Step 1 and 7: scope first. An open scope question leaves every in-scope category undecided.
    scope_open: set[str] = set()
    for rule in ruleset.scope:
        verdict = rule.verdict(context)
        if verdict is True:
            # Contract 1.1, change 3: a model is not a system, so the GPAI part stands even when the
            # AI system is out of scope (the GPAI rules themselves require no excluded purpose).
            model = gpai if v1_1 else None
            return AiActAssessment(
                "out_of_scope", (), False, (), model.outcome if model else None, frozenset(),
                (rule, *((model,) if model else ())),
            )
        if verdict is None:
            scope_open |= rule.when.open_questions(context) if rule.when else frozenset()

    prohibitions = _verdicts(ruleset.prohibitions, context)
    routes = _verdicts(ruleset.high_risk_routes, context)
    duties = _verdicts(ruleset.transparency, context)
    exemption = next((rule for rule in ruleset.exemptions if rule.verdict(context) is True), None)

    # Step 3 and 8: Art 6(3) removes only the Annex III routes that rest on known answers.
    established_routes = [rule for rule, verdict in routes if verdict is True]
    removed = [
        rule for rule in established_routes if exemption is not None and rule.group == exemption.removes
    ]
    kept = [rule for rule in established_routes if rule not in removed]
    holding_prohibitions = [rule for rule, verdict in prohibitions if verdict is True]
    holding_duties = [rule for rule, verdict in duties if verdict is True]

    # Steps 2–4: the category the known answers establish.
    if holding_prohibitions:
        established = "prohibited"
    elif kept:
        established = "high_risk"
    elif holding_duties:
        established = "limited_risk"
    else:
        established = "minimal_risk"

    # Step 6: never guess. An undecided rule that could make the result stricter leaves it open.
    could_be_stricter = [
        rule
        for rule, verdict in (*prohibitions, *routes, *duties)
        if verdict is None and STRICTNESS[SECTION_CATEGORY[rule.section]] > STRICTNESS[established]
    ]
    missing = frozenset(scope_open).union(
        *(rule.when.open_questions(context) for rule in could_be_stricter if rule.when)
    )
    category = NEEDS_REVIEW if scope_open or could_be_stricter else established

    # Contract 1.1, change 2: Art 2(12) takes an open-source system out of scope only where nothing
    # of Art 5, Art 6 or Art 50 applies; an Art 6(3) exemption keeps its Art 6(4) and 49(2) duties.
    open_source = None
    if category == "minimal_risk" and not removed:
        open_source = next((rule for rule in ruleset.open_source if rule.verdict(context) is True), None)
        if open_source is not None:
            category = "out_of_scope"

    # Contract 1.1, change 6: a high-risk system already in service (Art 111(2)).
    legacy = None
    if category == "high_risk":
        legacy = next((rule for rule in ruleset.legacy if rule.verdict(context) is True), None)

    fired: list[Rule] = []
    if category == "prohibited":
        fired += holding_prohibitions
    # Contract 1.1, change 4: a route Art 6(3) removed leaves nothing behind, not even its dates.
    fired += [
        rule for rule in established_routes
        if category == "high_risk" and rule not in removed or (rule in removed and not v1_1)
    ]
    if removed and exemption is not None:
        fired.append(exemption)
    if open_source is not None:
        fired.append(open_source)
    fired += holding_duties
    if gpai is not None:
        fired.append(gpai)
    if legacy is not None:
        fired.append(legacy)

    return AiActAssessment(
        category=category,
        routes=_unique(rule.outcome for rule in kept) if category == "high_risk" else (),
        art6_3_exemption=bool(removed),
        transparency=_unique(rule.outcome for rule in holding_duties),
        gpai=gpai.outcome if gpai is not None else None,
        missing=missing,
        fired=tuple(fired),
        legacy=legacy,
    )


# ---- obligations ----


def obligations_for(
    act: AiActAssessment, device: DeviceAssessment, answers: Mapping[str, Any], ruleset: RuleSet, lang: str
) -> list[dict[str, Any]]:
    """The obligations of the result for the answered role (both roles when it is
    `provider_and_deployer` or not answered), each with its legal citation and dates."""
    facts = _facts(act, device, answers)
    roles = ROLE_ANSWERS.get(answers.get(ROLE_QUESTION), ROLES)
    if act.category == "high_risk" and answers.get(SUBSTANTIAL_MODIFICATION_QUESTION) == "yes":
        # Contract 1.1, change 5: Art 25(1) makes the organisation a provider as well.
        roles = ROLES
    dated = tuple(rule.id for rule in act.fired)
    key = (facts, roles, lang, dated)
    cache = _caches_for(ruleset).obligations
    listed = cache.get(key)
    if listed is None:
        listed = _remember(
            cache,
            key,
            tuple(
                _obligation_entry(obligation, act, ruleset, lang)
                for obligation in ruleset.obligations
                if (obligation.regardless_of_role or obligation.role in roles) and obligation.when(facts)
            ),
        )
    return [dict(entry) for entry in listed]


def _facts(act: AiActAssessment, device: DeviceAssessment, answers: Mapping[str, Any]) -> frozenset[str]:
    facts = {f"category:{act.category}"}
    facts.update(f"route:{route}" for route in act.routes)
    facts.update(
        f"route_group:{rule.group}"
        for rule in act.fired
        if rule.section == "high_risk_routes" and rule.outcome in act.routes
    )
    facts.update(f"transparency:{duty}" for duty in act.transparency)
    if act.gpai:
        facts.add(f"gpai:{act.gpai}")
    if act.art6_3_exemption:
        facts.add("art6_3_exemption")
    public_authority = answers.get(PUBLIC_AUTHORITY_QUESTION)
    if public_authority in ("yes", "no"):
        facts.add(f"public_authority:{public_authority}")
    if answers.get(AI_SYSTEM_QUESTION) == "yes":
        facts.add("ai_system:yes")
    modification = answers.get(SUBSTANTIAL_MODIFICATION_QUESTION)
    if modification in ("yes", "no"):
        facts.add(f"substantial_modification:{modification}")
    if device.decided is not None:
        facts.add(f"device:{device.regulation}")
        if device.device_class:
            facts.add(f"device_class:{device.device_class}")
        if device.notified_body is True:
            facts.add("device_notified_body")
        if device.in_house_exemption:
            facts.add("device_in_house")
    return frozenset(facts)


def _obligation_entry(
    obligation: Obligation, act: AiActAssessment, ruleset: RuleSet, lang: str
) -> dict[str, Any]:
    applies_from, applies_from_original = _obligation_dates(obligation, act, ruleset)
    entry: dict[str, Any] = {
        "id": obligation.id,
        "role": obligation.role,
        "citation": obligation.citation,
        "text": obligation.text.in_language(lang),
        "applies_from": applies_from.isoformat(),
        "applies_from_original": applies_from_original.isoformat(),
    }
    if act.legacy is not None and obligation.dates_from == "high_risk_routes":
        # Art 111(2): the high-risk duties (those dated by the route) apply to a system already in
        # service once its design changes significantly; public authorities' by a fixed date anyway.
        comply_by = act.legacy.comply_by
        entry["applies_from"] = comply_by.isoformat() if comply_by else None
        entry["condition"] = act.legacy.outcome
    return entry


def _obligation_dates(obligation: Obligation, act: AiActAssessment, ruleset: RuleSet) -> tuple[date, date]:
    if obligation.dates_from is None:
        assert obligation.applies_from is not None and obligation.applies_from_original is not None
        return obligation.applies_from, obligation.applies_from_original
    # The earliest date among the rules of that section that decided the result; the section's
    # earliest rule when none did (a `when` broader than its dates).
    candidates = [rule for rule in act.fired if rule.section == obligation.dates_from]
    candidates = candidates or list(ruleset.rules(obligation.dates_from))
    earliest = min(candidates, key=lambda rule: (rule.applies_from, rule.applies_from_original))
    return earliest.applies_from, earliest.applies_from_original


# ---- the result object ----


def classify(answers: Mapping[str, Any], ruleset: RuleSet, *, lang: str = "en") -> dict[str, Any]:
    """The contract's result object for one answers object; raises InvalidAnswers."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    errors = validate_answers(answers, ruleset)
    if errors:
        raise InvalidAnswers(errors)
    return classify_validated(answers, ruleset, lang=lang)


def classify_validated(answers: Mapping[str, Any], ruleset: RuleSet, *, lang: str = "en") -> dict[str, Any]:
    """`classify` for answers that `validate_answers` found no problem with (the caller checked them
    against this rule set): the same result, without validating a second time."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    answers = normalised_answers(answers, ruleset)
    device = assess_device(answers, ruleset)
    act = assess_ai_act(answers, device, ruleset)
    missing = sorted(act.missing | device.missing, key=ruleset.question_order.__getitem__)
    return {
        **_decision(act, device),
        "missing": missing,
        "obligations": obligations_for(act, device, answers, ruleset, lang),
        "fired_rules": [{"id": rule.id, "citation": rule.citation} for rule in (*act.fired, *device.fired)],
        "ruleset": {"version": ruleset.version, "sha256": ruleset.sha256},
    }


def decision(answers: Mapping[str, Any], ruleset: RuleSet) -> dict[str, Any]:
    """The first part of `classify_validated`'s result: `ai_act`, `medical_device` and `needs_review`,
    equal to the same keys of the whole result, without the missing questions, obligations and fired
    rules (the rule-set impact run compares only what decides). For validated answers."""
    answers = normalised_answers(answers, ruleset)
    device = assess_device(answers, ruleset)
    return _decision(assess_ai_act(answers, device, ruleset), device)


def _decision(act: AiActAssessment, device: DeviceAssessment) -> dict[str, Any]:
    return {
        "ai_act": act.as_result(),
        "medical_device": device.as_result(),
        "needs_review": act.category == NEEDS_REVIEW or device.needs_review,
    }


# ---- helpers ----


def _verdicts(rules: Iterable[Rule], context: Context) -> list[tuple[Rule, Verdict]]:
    return [(rule, rule.verdict(context)) for rule in rules]


def _verdict_of(values: set[bool]) -> Verdict:
    if values == {True}:
        return True
    if values == {False}:
        return False
    return None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _answers_key(answers: Mapping[str, Any], question_ids: tuple[str, ...]) -> tuple[Any, ...]:
    # A list answer (e.g. `ivdr_rules`) is keyed by its sorted values: the order never matters.
    return tuple(
        tuple(sorted(value)) if isinstance(value, list) else value for value in map(answers.get, question_ids)
    )


CACHE_LIMIT = 50_000


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


@dataclass
class _Caches:
    """Memoised pure results per rule set: the same answers always give the same result."""

    device: dict[tuple[Any, ...], DeviceAssessment] = field(default_factory=dict)
    qualification: dict[tuple[Any, ...], tuple[frozenset[str], Rule | None, frozenset[str]]] = field(
        default_factory=dict
    )
    device_class: dict[tuple[Any, ...], ClassAssessment] = field(default_factory=dict)
    obligations: dict[tuple[Any, ...], tuple[dict[str, Any], ...]] = field(default_factory=dict)


_caches: WeakKeyDictionary[RuleSet, _Caches] = WeakKeyDictionary()


def _caches_for(ruleset: RuleSet) -> _Caches:
    caches = _caches.get(ruleset)
    if caches is None:
        caches = _caches[ruleset] = _Caches()
    return caches
