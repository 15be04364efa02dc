"""The rule set as the engine reads it: frozen values that rules/builder.py builds from the rule files
rules/loader.py has read and checked.

Pure: no Flask, no database, no marshmallow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any

from ai_register.rules.citations import Act
from ai_register.rules.conditions import Condition, Context, FactCondition, Verdict
from ai_register.rules.contract import UNSURE

LANGUAGES = ("sv", "en")
# The rule sections of the AI Act part, in decision order (their outcomes: rules/shapes.py).
# `open_source` (Art 2(12)) and `legacy` (Art 111(2)) come with contract 1.1 and may be absent.
AI_ACT_SECTIONS = ("scope", "prohibitions", "high_risk_routes", "exemptions", "open_source", "transparency", "gpai",
                   "legacy")
RULE_SECTIONS = (*AI_ACT_SECTIONS, "device_qualification", "device_rules")
DEADLINE_KINDS = ("days", "immediately", "as_soon_as_possible")


class RuleSetError(ValueError):
    """The rule set is malformed. The message names the file, the entry (`rule 'art5-1-c'`, `question
    'profiling'`, …) and, where the fault lies deeper, the place in it (`citation.article must be …`);
    `path` is the place in the file (`prohibitions[2].citation.article`) where the loader knows it."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        rule_id: str | None = None,
        what: str = "rule",
        path: str | None = None,
    ) -> None:
        self.file = file
        self.rule_id = rule_id
        self.what = what
        self.path = path
        self.reason = message
        where = "".join((f"{file}: " if file else "", f"{what} '{rule_id}': " if rule_id else ""))
        super().__init__(where + message)


@dataclass(frozen=True)
class Text:
    sv: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.sv if lang == "sv" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"sv": self.sv, "en": self.en}


@dataclass(frozen=True)
class Section:
    id: str
    title: Text


@dataclass(frozen=True)
class AnswerValue:
    value: str
    label: Text


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    file: str
    section: str
    kind: str
    multiple: bool
    values: tuple[AnswerValue, ...]
    unsure_label: Text | None
    omitted_means: str | None
    text: Text
    help: Text
    citation: str
    relevant_when: Condition | None = None
    relevant_when_data: Any = None
    # An older id still accepted in answers and read as a one-element answer to this list
    # question's successor (contract 1.1: `ivdr_rule` → `ivdr_rules`); never asked.
    superseded_by: str | None = None

    @cached_property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(value.value for value in self.values)

    @cached_property
    def allowed_values(self) -> frozenset[str]:
        return frozenset(self.value_ids)

    @cached_property
    def single_values(self) -> frozenset[str]:
        """The allowed answers of a single-value question; empty for a list question."""
        return frozenset() if self.multiple else self.allowed_values

    @cached_property
    def definite_values(self) -> tuple[str, ...]:
        """The answers that decide something: every value but `unsure`."""
        return tuple(value.value for value in self.values if value.value != UNSURE)

    @cached_property
    def accepts_unsure(self) -> bool:
        return self.unsure_label is not None or UNSURE in self.value_ids


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    file: str
    section: str
    outcome: str
    when: Condition | None
    citation: str
    explanation: Text
    applies_from: date
    applies_from_original: date
    group: str | None = None
    removes: str | None = None
    classification_rule: str | None = None
    when_data: Any = None
    # Art 111(2) rules: the date by which a legacy system must comply anyway (public authorities),
    # None when it need not until its design changes significantly.
    comply_by: date | None = None

    @cached_property
    def verdict(self) -> Callable[[Context], Verdict]:
        """Evaluate the rule's condition for a context; a rule without one always holds."""
        return self.when.evaluate if self.when is not None else _always_holds


@dataclass(frozen=True, eq=False)
class DeviceTable:
    regulation: str
    classes: tuple[str, ...]  # in order of strictness
    notified_body: Mapping[str, bool]
    rules: tuple[Rule, ...]  # the strictest class of those that hold applies
    fallback: tuple[Rule, ...]  # when none of `rules` holds: the first that holds
    in_house: Rule
    # Contract 1.1: the class of a device the software drives (MDR Annex VIII 3.3, IVDR 1.4); the
    # strictest of it and the class from `rules`/`fallback` applies, the latter named on a tie.
    driven_device: tuple[Rule, ...] = ()
    strictest: Rule | None = None  # cited when the strictest of several classes was taken

    def rank(self, device_class: str) -> int:
        return self.classes.index(device_class)

    @cached_property
    def questions(self) -> tuple[str, ...]:
        """The questions the class depends on."""
        return _questions_of((*self.rules, *self.fallback, *self.driven_device))


@dataclass(frozen=True, eq=False)
class Obligation:
    id: str
    file: str
    role: str
    regardless_of_role: bool
    when: FactCondition
    citation: str
    text: Text
    applies_from: date | None
    applies_from_original: date | None
    dates_from: str | None
    when_data: Any = None



@dataclass(frozen=True)
class DutyDeadline:
    ground: str
    days: int
    citation: str


@dataclass(frozen=True, eq=False)
class IncidentDuty:
    """The text, citation and deadline of one incident reporting duty (incidents.yaml); which duties
    an incident brings is decided by ai_register/incidents/duties.py."""

    id: str
    file: str
    recipient: str
    deadline: str  # one of DEADLINE_KINDS
    grounds: tuple[DutyDeadline, ...]  # `days`: per ground, the shortest that applies wins
    citation: str | None  # the citation when the deadline does not depend on a ground
    text: Text  # may name {days}
    fallback: Text | None = None

    def for_grounds(self, grounds: Iterable[str]) -> DutyDeadline:
        """The shortest deadline among the grounds that apply (the last ground is the general one)."""
        applying = [entry for entry in self.grounds if entry.ground in set(grounds)] or [self.grounds[-1]]
        return min(applying, key=lambda entry: entry.days)


@dataclass(frozen=True, eq=False)
class RuleSet:
    version: str
    contract_version: str
    sha256: str
    description: Text
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    scope: tuple[Rule, ...]
    prohibitions: tuple[Rule, ...]
    high_risk_routes: tuple[Rule, ...]
    exemptions: tuple[Rule, ...]
    transparency: tuple[Rule, ...]
    gpai: tuple[Rule, ...]
    open_source: tuple[Rule, ...]
    legacy: tuple[Rule, ...]
    device_qualification: tuple[Rule, ...]
    devices: Mapping[str, DeviceTable]
    obligations: tuple[Obligation, ...]
    files: Mapping[str, str]
    question_index: Mapping[str, Question]
    question_order: Mapping[str, int]
    device_questions: tuple[str, ...]
    # Art 111(2) as amended: the date before which a high-risk system counts as already in
    # service, per route group (contract 1.1; empty for older rule sets).
    legacy_cutoff: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    # Incident reporting duties by key (rule set 2026.2 on; empty for older rule sets).
    incident_duties: Mapping[str, IncidentDuty] = field(default_factory=lambda: MappingProxyType({}))
    # The structured citation of the rule files behind each contract text, and the acts they name,
    # so a citation reads in the reader's language (rules.citations).
    citations: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    acts: Mapping[str, Act] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def superseded(self) -> Mapping[str, str]:
        """Old question id → the list question that replaced it (answers are read as one-element lists)."""
        return MappingProxyType({q.id: q.superseded_by for q in self.questions if q.superseded_by})

    @cached_property
    def asked_questions(self) -> tuple[Question, ...]:
        """The questions the questionnaire asks: every question but those superseded."""
        return tuple(question for question in self.questions if question.superseded_by is None)

    @cached_property
    def qualification_questions(self) -> tuple[str, ...]:
        """The questions deciding whether and under which regulation the product is a device."""
        return _questions_of(self.device_qualification)

    @cached_property
    def in_house_questions(self) -> tuple[str, ...]:
        return _questions_of(table.in_house for table in self.devices.values())

    def snapshot(self) -> dict[str, str]:
        """The rule files, name → text: JSON-serialisable, rebuilds this rule set exactly."""
        return dict(self.files)

    def rules(self, section: str) -> tuple[Rule, ...]:
        if section == "device_rules":
            return tuple(
                rule
                for table in self.devices.values()
                for rule in (
                    *table.rules, *table.fallback, *table.driven_device, table.in_house,
                    *((table.strictest,) if table.strictest else ()),
                )
            )
        return getattr(self, section)

    def all_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for section in RULE_SECTIONS for rule in self.rules(section))


def _always_holds(context: Context) -> Verdict:
    return True


def _questions_of(rules: Iterable[Rule]) -> tuple[str, ...]:
    return tuple(sorted(set().union(*(rule.when.questions() for rule in rules if rule.when is not None))))
