"""Conditions of the rule files: structured data compiled into small evaluator objects.

Answer conditions use three-valued (Kleene) logic: `True`, `False`, or `None` = "could be either",
because an unanswered or `unsure` trigger question must not be guessed (classification contract,
normative reading). Each node can also name the open questions that keep it undecided, which
is what a `needs_review` result reports as `missing`.

Grammar (see risk_rules/ruleset.yaml):
    {question: <id>, in: [<value>, ...]}   {question: <id>, not_in: [<value>, ...]}
    {all: [<condition>, ...]}   {any: [<condition>, ...]}
    {device_regulation: mdr|ivdr}   {device_notified_body: mdr|ivdr}
Fact conditions (obligations) are two-valued over the facts of a result:
    {fact: "<fact>"}   {all: [...]}   {any: [...]}   {not: <condition>}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ai_register.rules.contract import DEVICE_REGULATIONS, UNSURE

if TYPE_CHECKING:
    from ai_register.rules.ruleset import Question

Verdict = bool | None  # None: undecided, an open trigger answer could make it either


class ConditionError(ValueError):
    """A condition in a rule file is malformed; the loader adds file and rule id."""


class DeviceView(Protocol):
    def regulation_verdict(self, regulation: str) -> Verdict: ...
    def notified_body_verdict(self, regulation: str) -> Verdict: ...
    def regulation_open_questions(self) -> frozenset[str]: ...
    def class_open_questions(self, regulation: str) -> frozenset[str]: ...


class Context:
    """What conditions are evaluated against: validated answers and, for AI Act rules, the
    medical-device assessment."""

    __slots__ = ("answers", "device")

    def __init__(self, answers: Mapping[str, Any], device: DeviceView | None = None) -> None:
        self.answers = answers
        self.device = device


class Condition(Protocol):
    def evaluate(self, context: Context) -> Verdict: ...
    def open_questions(self, context: Context) -> frozenset[str]: ...
    def questions(self) -> frozenset[str]: ...


_NO_QUESTIONS: frozenset[str] = frozenset()


class AnswerIs:
    """`{question, in}` or `{question, not_in}` on one question, as a lookup table."""

    __slots__ = ("question", "_values", "_negate", "_multiple", "_by_value", "_when_open", "_when_omitted")

    def __init__(self, question: Question, values: frozenset[str], negate: bool) -> None:
        self.question = question.id
        self._values = values
        self._negate = negate
        self._multiple = question.multiple
        self._by_value = {value: (value in values) != negate for value in question.definite_values}
        self._when_open: Verdict
        if question.kind == "trigger":
            # An open trigger answer decides only when every possible answer gives the same verdict.
            possible = _possible_verdicts(question, values, negate)
            self._when_open = possible.pop() if len(possible) == 1 else None
        else:
            # An open exemption or no-effect answer claims nothing: it matches no listed value.
            self._when_open = negate
        omitted_means = question.omitted_means
        self._when_omitted = self._by_value[omitted_means] if omitted_means else self._when_open

    def evaluate(self, context: Context) -> Verdict:
        answer = context.answers.get(self.question)
        if answer is None:
            return self._when_omitted
        if self._multiple:
            if isinstance(answer, list):
                return any(item in self._values for item in answer) != self._negate
            return self._when_open
        verdict = self._by_value.get(answer)
        return self._when_open if verdict is None else verdict

    def open_questions(self, context: Context) -> frozenset[str]:
        if self.evaluate(context) is None:
            return frozenset((self.question,))
        return _NO_QUESTIONS

    def questions(self) -> frozenset[str]:
        return frozenset((self.question,))


def _possible_verdicts(question: Question, values: frozenset[str], negate: bool) -> set[bool]:
    if question.multiple:
        # Any sub-list of the options is possible, the empty list included.
        return {negate, not negate}
    return {(value in values) != negate for value in question.definite_values}


class _Combination:
    """Three-valued (Kleene) AND / OR: the `decisive` verdict of any child decides; an unknown child
    (None) leaves the result unknown unless another child is decisive."""

    __slots__ = ("children",)
    decisive: bool

    def __init__(self, children: Sequence[Condition]) -> None:
        self.children = tuple(children)

    def evaluate(self, context: Context) -> Verdict:
        verdict: Verdict = not self.decisive
        for child in self.children:
            result = child.evaluate(context)
            if result is self.decisive:
                return self.decisive
            if result is None:
                verdict = None
        return verdict

    def open_questions(self, context: Context) -> frozenset[str]:
        if self.evaluate(context) is not None:
            return _NO_QUESTIONS
        return frozenset().union(*(child.open_questions(context) for child in self.children))

    def questions(self) -> frozenset[str]:
        return frozenset().union(*(child.questions() for child in self.children))


class AllOf(_Combination):
    __slots__ = ()
    decisive = False


class AnyOf(_Combination):
    __slots__ = ()
    decisive = True


class DeviceRegulationIs:
    """The product is a device under this regulation (from the device qualification rules)."""

    __slots__ = ("regulation",)

    def __init__(self, regulation: str) -> None:
        self.regulation = regulation

    def evaluate(self, context: Context) -> Verdict:
        return _device(context).regulation_verdict(self.regulation)

    def open_questions(self, context: Context) -> frozenset[str]:
        if self.evaluate(context) is not None:
            return _NO_QUESTIONS
        return _device(context).regulation_open_questions()

    def questions(self) -> frozenset[str]:
        return _NO_QUESTIONS


class DeviceNeedsNotifiedBody:
    """Every class the answers allow under this regulation needs a notified body (contract step 3:
    "When the class is not decided but every class the open answers allow needs a notified
    body, the route applies")."""

    __slots__ = ("regulation",)

    def __init__(self, regulation: str) -> None:
        self.regulation = regulation

    def evaluate(self, context: Context) -> Verdict:
        return _device(context).notified_body_verdict(self.regulation)

    def open_questions(self, context: Context) -> frozenset[str]:
        if self.evaluate(context) is not None:
            return _NO_QUESTIONS
        return _device(context).class_open_questions(self.regulation)

    def questions(self) -> frozenset[str]:
        return _NO_QUESTIONS


def _device(context: Context) -> DeviceView:
    if context.device is None:
        raise ConditionError("device conditions need the device assessment")
    return context.device


def compile_condition(data: Any, questions: Mapping[str, Question], *, allow_device: bool) -> Condition:
    """Turn the YAML data of a condition into evaluator objects; raise ConditionError on bad data."""
    if not isinstance(data, Mapping):
        raise ConditionError(f"a condition must be a mapping, got {_kind(data)}")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        (operator,) = keys
        children = data[operator]
        if not isinstance(children, list) or not children:
            raise ConditionError(f"'{operator}' needs a non-empty list of conditions")
        compiled = [compile_condition(child, questions, allow_device=allow_device) for child in children]
        return AllOf(compiled) if operator == "all" else AnyOf(compiled)
    if keys == {"question", "in"} or keys == {"question", "not_in"}:
        return _compile_answer_condition(data, questions)
    if keys == {"device_regulation"} or keys == {"device_notified_body"}:
        if not allow_device:
            raise ConditionError(f"'{next(iter(keys))}' is only allowed in AI Act rules")
        (key,) = keys
        regulation = data[key]
        if regulation not in DEVICE_REGULATIONS:
            raise ConditionError(
                f"'{key}' must be one of {', '.join(DEVICE_REGULATIONS)}, got {regulation!r}"
            )
        return (
            DeviceRegulationIs(regulation)
            if key == "device_regulation"
            else DeviceNeedsNotifiedBody(regulation)
        )
    raise ConditionError(f"unknown condition keys: {', '.join(sorted(map(str, keys)))}")


def _compile_answer_condition(data: Mapping[str, Any], questions: Mapping[str, Question]) -> Condition:
    question_id = data["question"]
    question = questions.get(question_id) if isinstance(question_id, str) else None
    if question is None:
        raise ConditionError(f"unknown question id {question_id!r}")
    operator = "in" if "in" in data else "not_in"
    values = data[operator]
    if not isinstance(values, list) or not values:
        raise ConditionError(f"'{operator}' of question '{question.id}' needs a non-empty list of values")
    for value in values:
        if value == UNSURE:
            raise ConditionError(
                f"question '{question.id}': conditions may not name 'unsure'; open answers are handled "
                "by the engine (trigger: could be, exemption: not granted)"
            )
        if value not in question.definite_values:
            raise ConditionError(
                f"question '{question.id}': unknown value {value!r} "
                f"(allowed: {', '.join(question.definite_values)})"
            )
    return AnswerIs(question, frozenset(values), negate=operator == "not_in")


# ---- fact conditions (obligations) ----

FactCondition = Callable[[frozenset[str]], bool]


def compile_fact_condition(data: Any, known_facts: frozenset[str]) -> FactCondition:
    if not isinstance(data, Mapping):
        raise ConditionError(f"a condition must be a mapping, got {_kind(data)}")
    keys = set(data)
    if keys == {"fact"}:
        fact = data["fact"]
        if fact not in known_facts:
            raise ConditionError(f"unknown fact {fact!r}")
        return lambda facts: fact in facts
    if keys == {"not"}:
        inner = compile_fact_condition(data["not"], known_facts)
        return lambda facts: not inner(facts)
    if keys == {"all"} or keys == {"any"}:
        (operator,) = keys
        children = data[operator]
        if not isinstance(children, list) or not children:
            raise ConditionError(f"'{operator}' needs a non-empty list of conditions")
        compiled = tuple(compile_fact_condition(child, known_facts) for child in children)
        if operator == "all":
            return lambda facts: all(child(facts) for child in compiled)
        return lambda facts: any(child(facts) for child in compiled)
    raise ConditionError(f"unknown condition keys: {', '.join(sorted(map(str, keys)))}")


def _kind(value: Any) -> str:
    return type(value).__name__
