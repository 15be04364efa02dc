"""Build the rule set from rule files already checked against their shapes (rules/shapes.py).

What is left to check here relates entries to each other: ids unique across files, a question's section,
the questions and values a condition names, the acts a citation names, the device tables the qualification
rules lead to and the classes their rules give, superseded questions. Pure: no Flask, no marshmallow.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from ai_register.rules.citations import Act, contract_text
from ai_register.rules.conditions import Condition, ConditionError, compile_condition, compile_fact_condition
from ai_register.rules.contract import (
    CATEGORIES,
    DEVICE_CLASSES,
    GPAI_OUTCOMES,
    PUBLIC_AUTHORITY_QUESTION,
    ROLE_QUESTION,
    ROUTE_GROUPS,
    ROUTES,
    TRANSPARENCY_DUTIES,
    route_group,
)
from ai_register.rules.ruleset import (
    AI_ACT_SECTIONS,
    AnswerValue,
    DeviceTable,
    DutyDeadline,
    IncidentDuty,
    Obligation,
    Question,
    Rule,
    RuleSet,
    RuleSetError,
    Section,
    Text,
)
from ai_register.rules.shapes import (
    ENTRY_NOUNS,
    CitationShape,
    IncidentDutyShape,
    IndexShape,
    ObligationShape,
    QuestionShape,
    RuleFileShape,
    RuleShape,
    TextShape,
    path_text,
)


@dataclass(frozen=True)
class Entry:
    """One entry of a rule file, where it stands, and what a message calls it."""

    file: str
    path: tuple[str | int, ...]
    data: Any
    what: str

    @property
    def id(self) -> str | None:
        return getattr(self.data, "id", None)

    def error(self, message: str, *, rule_id: str | None = None) -> RuleSetError:
        return RuleSetError(message, file=self.file, rule_id=rule_id or self.id, what=self.what,
                            path=path_text(self.path))


def build(index: IndexShape, files: Mapping[str, RuleFileShape], digest: str, texts: Mapping[str, str]) -> RuleSet:
    """The rule set of checked files (`files`, in the index's order); `texts` and `digest` are what it is
    stored and named by."""
    return _Builder(index, files).build(digest, texts)


class _Builder:
    def __init__(self, index: IndexShape, files: Mapping[str, RuleFileShape]) -> None:
        self.index = index
        self.files = files
        self.acts = {key: Act(act.title, act.amended_by) for key, act in index.acts.items()}
        self.citations: dict[str, dict[str, str]] = {}
        self.questions: dict[str, Question] = {}
        self.devices: dict[str, DeviceTable] = {}
        self.ids: dict[str, str] = {}  # rule or obligation id → file

    def entries(self, section: str) -> Iterator[Entry]:
        what = ENTRY_NOUNS.get(section, "rule")
        for file, document in self.files.items():
            for i, data in enumerate(getattr(document, section)):
                yield Entry(file, (section, i), data, what)

    def build(self, digest: str, texts: Mapping[str, str]) -> RuleSet:
        sections = self._sections()
        questions = self._questions({section.id for section in sections})
        qualification = tuple(
            self._rule(entry, "device_qualification") for entry in self.entries("device_qualification")
        )
        self._device_tables()
        for rule in qualification:
            if rule.outcome != "none" and rule.outcome not in self.devices:
                raise RuleSetError(f"no device table for regulation '{rule.outcome}'", file=rule.file, rule_id=rule.id)
        act_rules = {
            section: tuple(self._rule(entry, section) for entry in self.entries(section)) for section in AI_ACT_SECTIONS
        }
        obligations = tuple(self._obligation(entry) for entry in self.entries("obligations"))
        incident_duties: dict[str, IncidentDuty] = {}
        for entry in self.entries("incident_duties"):
            # Duty keys are their own namespace (they name stored incident duties), apart from rule ids.
            if entry.id in incident_duties:
                raise entry.error("duplicate incident duty id")
            incident_duties[entry.id] = self._incident_duty(entry)
        for question_id in (ROLE_QUESTION, PUBLIC_AUTHORITY_QUESTION):
            if question_id not in self.questions:
                raise RuleSetError(f"the questionnaire lacks the contract question '{question_id}'")

        device_rules = [
            *qualification,
            *(
                rule
                for table in self.devices.values()
                for rule in (*table.rules, *table.fallback, *table.driven_device, table.in_house)
            ),
        ]
        device_questions = sorted(
            set().union(*(rule.when.questions() for rule in device_rules if rule.when)),
            key=[question.id for question in questions].index,
        )
        for rule in device_rules:
            for question_id in rule.when.questions() if rule.when else ():
                if self.questions[question_id].superseded_by:
                    raise RuleSetError(
                        f"'{question_id}' is superseded by "
                        f"'{self.questions[question_id].superseded_by}'; conditions use the latter",
                        file=rule.file,
                        rule_id=rule.id,
                    )
        description = self.index.description
        return RuleSet(
            version=self.index.version,
            contract_version=self.index.contract_version,
            sha256=digest,
            description=_text(description) if description else Text(sv="", en=""),
            sections=sections,
            questions=questions,
            device_qualification=qualification,
            devices=MappingProxyType(dict(self.devices)),
            obligations=obligations,
            files=MappingProxyType(dict(sorted(texts.items()))),
            question_index=MappingProxyType({question.id: question for question in questions}),
            question_order=MappingProxyType({question.id: i for i, question in enumerate(questions)}),
            device_questions=tuple(device_questions),
            legacy_cutoff=MappingProxyType(self.index.legacy_cutoff.by_group() if self.index.legacy_cutoff else {}),
            incident_duties=MappingProxyType(incident_duties),
            citations=MappingProxyType(dict(self.citations)),
            acts=MappingProxyType(dict(self.acts)),
            **act_rules,
        )

    # -- the questionnaire --

    def _sections(self) -> tuple[Section, ...]:
        sections: dict[str, Section] = {}
        for entry in self.entries("sections"):
            if entry.id in sections:
                raise entry.error("duplicate section id")
            sections[entry.id] = Section(entry.id, _text(entry.data.title))
        return tuple(sections.values())

    def _questions(self, section_ids: set[str]) -> tuple[Question, ...]:
        read: list[tuple[Entry, Question]] = []
        for entry in self.entries("questions"):
            question = self._question(entry, section_ids)
            read.append((entry, question))
            self.questions[question.id] = question
        questions = []
        # Conditions may name any question, so they are compiled once every question is known.
        for entry, question in read:
            relevant_when = entry.data.relevant_when
            condition = None
            if relevant_when is not None:
                condition = self._condition(relevant_when, entry, allow_device=False)
                if question.id in condition.questions():
                    raise entry.error("relevant_when may not depend on the question itself")
            compiled = replace(question, relevant_when=condition, relevant_when_data=relevant_when)
            self.questions[question.id] = compiled
            questions.append(compiled)
        for entry, question in read:
            self._check_superseded(entry, question)
        return tuple(questions)

    def _question(self, entry: Entry, section_ids: set[str]) -> Question:
        data: QuestionShape = entry.data
        if data.id in self.questions:
            raise entry.error("duplicate question id")
        if data.section not in section_ids:
            raise entry.error(f"unknown section {data.section!r}")
        return Question(
            id=data.id,
            file=entry.file,
            section=data.section,
            kind=data.kind,
            multiple=data.multiple,
            values=tuple(AnswerValue(value.value, _text(value.label)) for value in data.values),
            unsure_label=_text(data.unsure_label) if data.unsure_label else None,
            omitted_means=data.omitted_means,
            text=_text(data.text),
            help=_text(data.help),
            citation=self._citation(data.citation, entry),
            superseded_by=data.superseded_by,
        )

    def _check_superseded(self, entry: Entry, question: Question) -> None:
        """A superseded question is a single-value alias of a list question with the same values."""
        if question.superseded_by is None:
            return
        successor = self.questions.get(question.superseded_by)
        if successor is None:
            raise entry.error(f"superseded_by names an unknown question {question.superseded_by!r}")
        if question.multiple or not successor.multiple or successor.superseded_by:
            raise entry.error("superseded_by must turn a single-value question into a list question")
        if set(question.definite_values) - set(successor.definite_values) or question.kind != successor.kind:
            raise entry.error(
                f"'{successor.id}' must accept every value of '{question.id}' and be of the same kind"
            )

    # -- rules --

    def _rule(self, entry: Entry, section: str, *, classes: tuple[str, ...] | None = None) -> Rule:
        data: RuleShape = entry.data
        rule_id = self._register_id(entry)
        if classes is not None and data.outcome not in classes:
            raise entry.error(f"outcome must be one of {', '.join(classes)}, got {data.outcome!r}")
        when = None
        if data.when is not None:
            when = self._condition(data.when, entry, allow_device=section in AI_ACT_SECTIONS)
        return Rule(
            id=rule_id,
            file=entry.file,
            section=section,
            outcome=data.outcome,
            when=when,
            citation=self._citation(data.citation, entry),
            explanation=_text(data.explanation),
            applies_from=data.applies_from,
            applies_from_original=data.applies_from_original,
            group=route_group(data.outcome) if section == "high_risk_routes" else None,
            removes=getattr(data, "removes", None),
            classification_rule=getattr(data, "rule", None),
            when_data=data.when,
            comply_by=getattr(data, "comply_by", None),
        )

    def _device_tables(self) -> None:
        for file, document in self.files.items():
            for regulation in DEVICE_CLASSES:
                table = getattr(document.devices, regulation, None) if document.devices else None
                if table is None:
                    continue
                place = ("devices", regulation)
                entry = Entry(file, place, table, "device table")
                if regulation in self.devices:
                    raise entry.error(f"the device table for {regulation} is defined twice", rule_id=regulation)
                classes = tuple(row.name for row in table.classes)
                if sorted(classes) != sorted(DEVICE_CLASSES[regulation]):
                    raise entry.error(
                        f"classes must be exactly {', '.join(DEVICE_CLASSES[regulation])} (in order of strictness)",
                        rule_id=regulation,
                    )

                def rules(key: str, rules: tuple[RuleShape, ...]) -> tuple[Rule, ...]:
                    return tuple(
                        self._rule(Entry(file, (*place, key, i), data, "rule"), "device_rules", classes=classes)  # noqa: B023
                        for i, data in enumerate(rules)
                    )

                def single(key: str, data: RuleShape) -> Rule:
                    return self._rule(Entry(file, (*place, key), data, "rule"), "device_rules")  # noqa: B023

                self.devices[regulation] = DeviceTable(
                    regulation=regulation,
                    classes=classes,
                    notified_body=MappingProxyType({row.name: row.notified_body for row in table.classes}),
                    rules=rules("rules", table.rules),
                    fallback=rules("fallback", table.fallback),
                    in_house=single("in_house", table.in_house),
                    driven_device=rules("driven_device", table.driven_device),
                    strictest=single("strictest", table.strictest) if table.strictest else None,
                )

    # -- obligations and incident duties --

    def _obligation(self, entry: Entry) -> Obligation:
        data: ObligationShape = entry.data
        obligation_id = self._register_id(entry)
        try:
            when = compile_fact_condition(data.when, self._known_facts())
        except ConditionError as exc:
            raise entry.error(f"when: {exc}") from None
        return Obligation(
            id=obligation_id,
            file=entry.file,
            role=data.role,
            regardless_of_role=data.regardless_of_role,
            when=when,
            citation=self._citation(data.citation, entry),
            text=_text(data.text),
            applies_from=data.applies_from,
            applies_from_original=data.applies_from_original,
            dates_from=data.dates_from,
            when_data=data.when,
        )

    def _incident_duty(self, entry: Entry) -> IncidentDuty:
        data: IncidentDutyShape = entry.data
        return IncidentDuty(
            id=data.id,
            file=entry.file,
            recipient=data.recipient,
            deadline=data.deadline,
            grounds=tuple(
                DutyDeadline(ground.ground, ground.days, self._citation(ground.citation, entry))
                for ground in data.grounds or ()
            ),
            citation=self._citation(data.citation, entry) if data.citation else None,
            text=_text(data.text),
            fallback=_text(data.fallback) if data.fallback else None,
        )

    def _known_facts(self) -> frozenset[str]:
        classes = {name for names in DEVICE_CLASSES.values() for name in names}
        return frozenset(
            {
                *(f"category:{category}" for category in CATEGORIES),
                *(f"route:{route}" for route in ROUTES),
                *(f"route_group:{group}" for group in ROUTE_GROUPS),
                *(f"transparency:{duty}" for duty in TRANSPARENCY_DUTIES),
                *(f"gpai:{outcome}" for outcome in GPAI_OUTCOMES),
                "art6_3_exemption",
                "public_authority:yes",
                "public_authority:no",
                # contract 1.1: facts of single answers that obligations depend on
                "ai_system:yes",
                "substantial_modification:yes",
                "substantial_modification:no",
                *(f"device:{regulation}" for regulation in DEVICE_CLASSES),
                *(f"device_class:{name}" for name in classes),
                "device_notified_body",
                "device_in_house",
            }
        )

    # -- shared --

    def _register_id(self, entry: Entry) -> str:
        """Rule and obligation ids are unique across the files."""
        if entry.id in self.ids:
            raise entry.error(f"duplicate id (first defined in {self.ids[entry.id]})")
        self.ids[entry.id] = entry.file
        return entry.id

    def _condition(self, data: Any, entry: Entry, *, allow_device: bool) -> Condition:
        try:
            return compile_condition(data, self.questions, allow_device=allow_device)
        except ConditionError as exc:
            raise entry.error(f"condition: {exc}") from None

    def _citation(self, citation: CitationShape, entry: Entry) -> str:
        if citation.act not in self.acts:
            raise entry.error(f"citation names an unknown act {citation.act!r} (known: {', '.join(self.acts)})")
        written = citation.as_dict()
        text = contract_text(written, self.acts)
        self.citations[text] = written
        return text


def _text(text: TextShape) -> Text:
    return Text(sv=text.sv, en=text.en)
