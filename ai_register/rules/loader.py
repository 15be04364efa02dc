"""Load the rule set in risk_rules/: parse, validate, hash and snapshot it.

A rule set is the file `ruleset.yaml` plus the files it lists. Its SHA-256 is computed over every
file, sorted by name, each contributing `name NUL length NUL bytes` (UTF-8 name, decimal byte
length), so a stored classification can name the exact rules that produced it, and a snapshot
(name → text) rebuilds the same rule set with the same hash.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ai_register.rules.citations import Act, contract_text
from ai_register.rules.conditions import (
    Condition,
    ConditionError,
    Context,
    FactCondition,
    Verdict,
    compile_condition,
    compile_fact_condition,
)
from ai_register.rules.contract import (
    CATEGORIES,
    CONTRACT_VERSIONS,
    DEVICE_CLASSES,
    GPAI_OUTCOMES,
    LEGACY_OUTCOMES,
    PUBLIC_AUTHORITY_QUESTION,
    QUESTION_KINDS,
    ROLE_QUESTION,
    ROLES,
    ROUTE_GROUPS,
    ROUTES,
    TRANSPARENCY_DUTIES,
    UNSURE,
    route_group,
)

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "risk_rules"
INDEX_FILE = "ruleset.yaml"
LANGUAGES = ("sv", "en")

# Rule sections of the AI Act part, in decision order, and the outcomes each may map to.
# `open_source` (Art 2(12)) and `legacy` (Art 111(2)) come with contract 1.1 and may be absent.
AI_ACT_SECTIONS = {
    "scope": ("out_of_scope",),
    "prohibitions": ("prohibited",),
    "high_risk_routes": ROUTES,
    "exemptions": ("art6_3_exemption",),
    "open_source": ("out_of_scope",),
    "transparency": TRANSPARENCY_DUTIES,
    "gpai": GPAI_OUTCOMES,
    "legacy": LEGACY_OUTCOMES,
}
# Contract 1.1: the class of a driven device, and the rule cited when the strictest of several
# classes was taken (MDR Annex VIII 3.5, IVDR Annex VIII 1.9).
STRICTEST_OUTCOMES = ("strictest_class",)
DEVICE_QUALIFICATION_OUTCOMES = ("none", *DEVICE_CLASSES)
LIST_SECTIONS = ("sections", "questions", *AI_ACT_SECTIONS, "device_qualification", "obligations", "incident_duties")
FILE_SECTIONS = (*LIST_SECTIONS, "devices")
RULE_SECTIONS = (*AI_ACT_SECTIONS, "device_qualification", "device_rules")


class RuleSetError(ValueError):
    """The rule set is malformed; the message names the file and the rule (or question)."""

    def __init__(
        self, message: str, *, file: str | None = None, rule_id: str | None = None, what: str = "rule"
    ) -> None:
        self.file = file
        self.rule_id = rule_id
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


DEADLINE_KINDS = ("days", "immediately", "as_soon_as_possible")


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


# ---- reading ----


def load_ruleset(directory: Path | str | None = None) -> RuleSet:
    """Load and validate the rule set in `directory` (default: the repository's risk_rules/)."""
    path = Path(directory) if directory is not None else DEFAULT_RULES_DIR
    if not path.is_dir():
        raise RuleSetError(f"rule set directory not found: {path}")
    index_text = _read_file(path, INDEX_FILE)
    names = _listed_files(_parse_yaml(INDEX_FILE, index_text))
    unlisted = sorted(
        entry.name
        for entry in path.iterdir()
        if entry.suffix in (".yaml", ".yml") and entry.name != INDEX_FILE and entry.name not in names
    )
    if unlisted:
        raise RuleSetError(f"{', '.join(unlisted)} not listed under 'files'", file=INDEX_FILE)
    texts = {INDEX_FILE: index_text, **{name: _read_file(path, name) for name in names}}
    return _build(texts)


def load_ruleset_from_snapshot(snapshot: Mapping[str, str]) -> RuleSet:
    """Rebuild a rule set from `RuleSet.snapshot()` (e.g. as stored with a classification)."""
    if not isinstance(snapshot, Mapping) or not all(
        isinstance(name, str) and isinstance(text, str) for name, text in snapshot.items()
    ):
        raise RuleSetError("a snapshot must map file names to file texts")
    if INDEX_FILE not in snapshot:
        raise RuleSetError(f"the snapshot has no {INDEX_FILE}")
    names = _listed_files(_parse_yaml(INDEX_FILE, snapshot[INDEX_FILE]))
    expected = {INDEX_FILE, *names}
    if set(snapshot) != expected:
        extra = sorted(set(snapshot) - expected)
        absent = sorted(expected - set(snapshot))
        detail = "; ".join(
            part
            for part in (
                f"not listed: {', '.join(extra)}" if extra else "",
                f"missing: {', '.join(absent)}" if absent else "",
            )
            if part
        )
        raise RuleSetError(f"the snapshot's files do not match 'files' ({detail})", file=INDEX_FILE)
    return _build(dict(snapshot))


_active_lock = threading.Lock()
_active: dict[Path, tuple[tuple[tuple[str, int, int], ...], RuleSet]] = {}


def get_active_ruleset(directory: Path | str | None = None) -> RuleSet:
    """The rule set in `directory`, loaded once and reloaded when a rule file changes."""
    path = (Path(directory) if directory is not None else DEFAULT_RULES_DIR).resolve()
    stamp = _directory_stamp(path)
    with _active_lock:
        cached = _active.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    ruleset = load_ruleset(path)
    with _active_lock:
        _active[path] = (stamp, ruleset)
    return ruleset


def ruleset_digest(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode("utf-8")
        for part in (name.encode("utf-8"), b"\0", str(len(data)).encode("ascii"), b"\0", data):
            digest.update(part)
    return digest.hexdigest()


def _directory_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    if not path.is_dir():
        raise RuleSetError(f"rule set directory not found: {path}")
    stamps = []
    for entry in sorted(path.iterdir()):
        if entry.suffix in (".yaml", ".yml"):
            status = entry.stat()
            stamps.append((entry.name, status.st_mtime_ns, status.st_size))
    return tuple(stamps)


def _read_file(directory: Path, name: str) -> str:
    try:
        return (directory / name).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RuleSetError("file not found", file=name) from None
    except UnicodeDecodeError as exc:
        raise RuleSetError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})", file=name) from None


def _listed_files(index: Any) -> list[str]:
    if not isinstance(index, Mapping):
        raise RuleSetError("expected a mapping", file=INDEX_FILE)
    files = index.get("files")
    if not isinstance(files, list) or not files:
        raise RuleSetError("'files' must be a non-empty list of file names", file=INDEX_FILE)
    seen: set[str] = set()
    for name in files:
        if (
            not isinstance(name, str)
            or not re.fullmatch(r"[A-Za-z0-9_.-]+\.ya?ml", name)
            or name == INDEX_FILE
        ):
            raise RuleSetError(f"'files' lists an invalid file name: {name!r}", file=INDEX_FILE)
        if name in seen:
            raise RuleSetError(f"'files' lists {name} twice", file=INDEX_FILE)
        seen.add(name)
    return list(files)


# YAML 1.2-style scalars: only true/false are booleans (`yes`/`no` stay strings, as the
# contract's answer values), dates stay strings, and a duplicate key is an error.
class _RuleFileLoader(yaml.SafeLoader):
    pass


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_RuleFileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RuleFileLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|false)$"), list("tf"))


def _construct_unique_mapping(loader: _RuleFileLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_RuleFileLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _parse_yaml(name: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_RuleFileLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleSetError(f"invalid YAML: {exc}", file=name) from None


# ---- building and validating ----


class _Builder:
    """Validates the parsed files and builds the frozen rule set."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self.acts: dict[str, tuple[str, str | None]] = {}
        self.citations: dict[str, dict[str, str]] = {}
        self.questions: dict[str, Question] = {}
        self.devices: dict[str, DeviceTable] = {}
        self.ids: dict[str, str] = {}  # rule or obligation id → file

    def build(self) -> RuleSet:
        index = _parse_yaml(INDEX_FILE, self.texts[INDEX_FILE])
        version, contract_version, description, legacy_cutoff = self._index(index)
        items = self._collect_sections()

        sections = self._sections(items["sections"])
        questions = self._questions(items["questions"], {section.id for section in sections})
        qualification = tuple(
            self._rule(file, "device_qualification", data, DEVICE_QUALIFICATION_OUTCOMES)
            for file, data in items["device_qualification"]
        )
        self._device_tables(items["devices"])
        for rule in qualification:
            if rule.outcome != "none" and rule.outcome not in self.devices:
                raise RuleSetError(
                    f"no device table for regulation '{rule.outcome}'", file=rule.file, rule_id=rule.id
                )
        act_rules = {
            section: tuple(self._rule(file, section, data, outcomes) for file, data in items[section])
            for section, outcomes in AI_ACT_SECTIONS.items()
        }
        obligations = tuple(self._obligation(file, data) for file, data in items["obligations"])
        incident_duties = {}
        for file, data in items["incident_duties"]:
            duty = self._incident_duty(file, data)
            if duty.id in incident_duties:
                raise RuleSetError("duplicate incident duty id", file=file, rule_id=duty.id, what="incident duty")
            incident_duties[duty.id] = duty
        self._require_contract_questions()

        files = MappingProxyType(dict(sorted(self.texts.items())))
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
        return RuleSet(
            version=version,
            contract_version=contract_version,
            sha256=ruleset_digest(files),
            description=description,
            sections=sections,
            questions=questions,
            device_qualification=qualification,
            devices=MappingProxyType(dict(self.devices)),
            obligations=obligations,
            files=files,
            question_index=MappingProxyType({question.id: question for question in questions}),
            question_order=MappingProxyType({question.id: i for i, question in enumerate(questions)}),
            device_questions=tuple(device_questions),
            legacy_cutoff=MappingProxyType(legacy_cutoff),
            incident_duties=MappingProxyType(incident_duties),
            citations=MappingProxyType(dict(self.citations)),
            acts=MappingProxyType({key: Act(title, amended_by) for key, (title, amended_by) in self.acts.items()}),
            **act_rules,
        )

    # -- index and file layout --

    def _index(self, index: Any) -> tuple[str, str, Text, dict[str, date]]:
        _check_keys(
            index, {"version", "contract_version", "files", "acts"}, {"description", "legacy_cutoff"}, INDEX_FILE
        )
        version = index["version"]
        if not isinstance(version, str) or not version.strip():
            raise RuleSetError("'version' must be a non-empty string (quote it)", file=INDEX_FILE)
        contract_version = index["contract_version"]
        # YAML reads 1 as a number and "1.1" (quoted) as a string; 1.1 unquoted would be a float.
        contract_version = str(contract_version) if isinstance(contract_version, int | str) else None
        if contract_version not in CONTRACT_VERSIONS:
            raise RuleSetError(
                f"'contract_version' must be one of {', '.join(CONTRACT_VERSIONS)} (quoted), the versions "
                f"this engine implements; got {index['contract_version']!r}",
                file=INDEX_FILE,
            )
        legacy_cutoff: dict[str, date] = {}
        if "legacy_cutoff" in index:
            data = index["legacy_cutoff"]
            _check_keys(data, set(ROUTE_GROUPS), set(), INDEX_FILE, "legacy_cutoff", what="setting")
            legacy_cutoff = {
                group: _date(data[group], f"legacy_cutoff {group}", INDEX_FILE, None) for group in ROUTE_GROUPS
            }
        acts = index["acts"]
        if not isinstance(acts, Mapping) or not acts:
            raise RuleSetError("'acts' must map act keys to titles", file=INDEX_FILE)
        for key, act in acts.items():
            _check_keys(act, {"title"}, {"amended_by"}, INDEX_FILE, str(key), what="act")
            _require_str(act["title"], "title", INDEX_FILE, str(key), what="act")
            self.acts[str(key)] = (act["title"], act.get("amended_by"))
        description = (
            _text(index["description"], "description", INDEX_FILE, None)
            if "description" in index
            else Text(sv="", en="")
        )
        return version, contract_version, description, legacy_cutoff

    def _collect_sections(self) -> dict[str, list[tuple[str, Any]]]:
        items: dict[str, list[tuple[str, Any]]] = {section: [] for section in FILE_SECTIONS}
        names = _listed_files(_parse_yaml(INDEX_FILE, self.texts[INDEX_FILE]))
        for name in names:
            document = _parse_yaml(name, self.texts[name])
            if not isinstance(document, Mapping) or not document:
                raise RuleSetError(f"expected a mapping of sections ({', '.join(FILE_SECTIONS)})", file=name)
            for section, content in document.items():
                if section not in FILE_SECTIONS:
                    raise RuleSetError(
                        f"unknown section {section!r} (allowed: {', '.join(FILE_SECTIONS)})", file=name
                    )
                if section == "devices":
                    if not isinstance(content, Mapping):
                        raise RuleSetError("'devices' must map a regulation to its class table", file=name)
                    items[section].extend(
                        (name, (regulation, table)) for regulation, table in content.items()
                    )
                    continue
                if not isinstance(content, list):
                    raise RuleSetError(f"section {section!r} must be a list", file=name)
                items[section].extend((name, entry) for entry in content)
        return items

    # -- questionnaire --

    def _sections(self, entries: list[tuple[str, Any]]) -> tuple[Section, ...]:
        sections: dict[str, Section] = {}
        for file, data in entries:
            _check_keys(data, {"id", "title"}, set(), file, _id_of(data), what="section")
            section_id = _identifier(data["id"], file, "section")
            if section_id in sections:
                raise RuleSetError("duplicate section id", file=file, rule_id=section_id, what="section")
            sections[section_id] = Section(
                section_id, _text(data["title"], "title", file, section_id, "section")
            )
        return tuple(sections.values())

    def _questions(self, entries: list[tuple[str, Any]], section_ids: set[str]) -> tuple[Question, ...]:
        raw: list[tuple[str, Mapping[str, Any], Question]] = []
        for file, data in entries:
            question = self._question(file, data, section_ids)
            raw.append((file, data, question))
            self.questions[question.id] = question
        questions = []
        for file, data, question in raw:
            condition = None
            if "relevant_when" in data:
                condition = self._condition(
                    data["relevant_when"], file, question.id, "question", allow_device=False
                )
                if question.id in condition.questions():
                    raise RuleSetError(
                        "relevant_when may not depend on the question itself",
                        file=file,
                        rule_id=question.id,
                        what="question",
                    )
            compiled = replace(
                question, relevant_when=condition, relevant_when_data=data.get("relevant_when")
            )
            self.questions[question.id] = compiled
            questions.append(compiled)
        for question in questions:
            self._check_superseded(question)
        return tuple(questions)

    def _question(self, file: str, data: Any, section_ids: set[str]) -> Question:
        question_id = _id_of(data)
        _check_keys(
            data,
            {"id", "section", "kind", "values", "text", "help", "citation"},
            {"multiple", "unsure_label", "omitted_means", "relevant_when", "superseded_by"},
            file,
            question_id,
            "question",
        )
        question_id = _identifier(data["id"], file, "question")
        if question_id in self.questions:
            raise RuleSetError("duplicate question id", file=file, rule_id=question_id, what="question")

        def fail(message: str) -> RuleSetError:
            return RuleSetError(message, file=file, rule_id=question_id, what="question")

        if data["section"] not in section_ids:
            raise fail(f"unknown section {data['section']!r}")
        if data["kind"] not in QUESTION_KINDS:
            raise fail(f"kind must be one of {', '.join(QUESTION_KINDS)}, got {data['kind']!r}")
        multiple = data.get("multiple", False)
        if not isinstance(multiple, bool):
            raise fail("'multiple' must be true or false")
        if not isinstance(data["values"], list) or not data["values"]:
            raise fail("'values' must be a non-empty list")
        values = []
        for entry in data["values"]:
            _check_keys(entry, {"value", "label"}, set(), file, question_id, "question")
            value = _identifier(entry["value"], file, "value", question_id)
            if value in {existing.value for existing in values}:
                raise fail(f"duplicate value {value!r}")
            if multiple and value == UNSURE:
                raise fail("a list question accepts 'unsure' through unsure_label, not as a list value")
            values.append(
                AnswerValue(value, _text(entry["label"], f"label of {value}", file, question_id, "question"))
            )
        unsure_label = None
        if "unsure_label" in data:
            if not multiple:
                raise fail("unsure_label is only for list questions; list 'unsure' as a value instead")
            unsure_label = _text(data["unsure_label"], "unsure_label", file, question_id, "question")
        omitted_means = data.get("omitted_means")
        if omitted_means is not None:
            if data["kind"] == "trigger":
                raise fail(
                    "a trigger question cannot have omitted_means: an unanswered trigger is never guessed"
                )
            if multiple or omitted_means not in {value.value for value in values} or omitted_means == UNSURE:
                raise fail(
                    f"omitted_means must be one of the question's definite values, got {omitted_means!r}"
                )
        return Question(
            id=question_id,
            file=file,
            section=data["section"],
            kind=data["kind"],
            multiple=multiple,
            values=tuple(values),
            unsure_label=unsure_label,
            omitted_means=omitted_means,
            text=_text(data["text"], "text", file, question_id, "question"),
            help=_text(data["help"], "help", file, question_id, "question"),
            citation=self._citation(data["citation"], file, question_id, "question"),
            superseded_by=(
                _identifier(data["superseded_by"], file, "superseded_by", question_id)
                if "superseded_by" in data
                else None
            ),
        )

    def _check_superseded(self, question: Question) -> None:
        """A superseded question is a single-value alias of a list question with the same values."""
        if question.superseded_by is None:
            return
        successor = self.questions.get(question.superseded_by)

        def fail(message: str) -> RuleSetError:
            return RuleSetError(message, file=question.file, rule_id=question.id, what="question")

        if successor is None:
            raise fail(f"superseded_by names an unknown question {question.superseded_by!r}")
        if question.multiple or not successor.multiple or successor.superseded_by:
            raise fail("superseded_by must turn a single-value question into a list question")
        if set(question.definite_values) - set(successor.definite_values) or question.kind != successor.kind:
            raise fail(f"'{successor.id}' must accept every value of '{question.id}' and be of the same kind")

    def _require_contract_questions(self) -> None:
        for question_id in (ROLE_QUESTION, PUBLIC_AUTHORITY_QUESTION):
            if question_id not in self.questions:
                raise RuleSetError(f"the questionnaire lacks the contract question '{question_id}'")

    # -- rules --

    def _rule(
        self,
        file: str,
        section: str,
        data: Any,
        outcomes: Iterable[str],
        *,
        when_optional: bool = False,
        classification_rule: bool = False,
    ) -> Rule:
        rule_id = _id_of(data)
        optional = {"group"} if section == "high_risk_routes" else set()
        optional |= {"removes"} if section == "exemptions" else set()
        optional |= {"comply_by"} if section == "legacy" else set()
        optional |= {"rule"} if classification_rule else set()
        required = {"id", "outcome", "citation", "explanation", "applies_from", "applies_from_original"}
        if when_optional:
            optional.add("when")
        else:
            required.add("when")
        if section == "exemptions":
            required.add("removes")
        if classification_rule:
            required.add("rule")
        _check_keys(data, required, optional, file, rule_id)
        rule_id = self._register_id(data["id"], file)

        def fail(message: str) -> RuleSetError:
            return RuleSetError(message, file=file, rule_id=rule_id)

        outcomes = tuple(outcomes)
        if data["outcome"] not in outcomes:
            raise fail(f"outcome must be one of {', '.join(outcomes)}, got {data['outcome']!r}")
        group = data.get("group")
        if section == "high_risk_routes":
            expected_group = route_group(data["outcome"])
            if group is not None and group != expected_group:
                raise fail(f"route {data['outcome']} belongs to group {expected_group}, not {group!r}")
            group = expected_group
        removes = data.get("removes")
        # Art 6(3) only ever removes Annex III routes (contract step 8).
        if section == "exemptions" and removes != "annex_iii":
            raise fail(
                f"'removes' must be annex_iii (Art 6(3) never removes an Annex I route), got {removes!r}"
            )
        classification = data.get("rule")
        if classification_rule:
            _require_str(classification, "rule", file, rule_id)
        applies_from = _date(data["applies_from"], "applies_from", file, rule_id)
        applies_from_original = _date(data["applies_from_original"], "applies_from_original", file, rule_id)
        when = None
        if "when" in data:
            when = self._condition(
                data["when"], file, rule_id, "rule", allow_device=section in AI_ACT_SECTIONS
            )
        return Rule(
            id=rule_id,
            file=file,
            section=section,
            outcome=data["outcome"],
            when=when,
            citation=self._citation(data["citation"], file, rule_id),
            explanation=_text(data["explanation"], "explanation", file, rule_id),
            applies_from=applies_from,
            applies_from_original=applies_from_original,
            group=group,
            removes=removes,
            classification_rule=classification,
            when_data=data.get("when"),
            comply_by=_date(data["comply_by"], "comply_by", file, rule_id) if "comply_by" in data else None,
        )

    def _device_tables(self, entries: list[tuple[str, Any]]) -> None:
        for file, (regulation, data) in entries:
            if regulation not in DEVICE_CLASSES:
                raise RuleSetError(
                    f"unknown regulation {regulation!r} under 'devices' "
                    f"(allowed: {', '.join(DEVICE_CLASSES)})",
                    file=file,
                )
            if regulation in self.devices:
                raise RuleSetError(f"the device table for {regulation} is defined twice", file=file)
            _check_keys(
                data,
                {"classes", "rules", "in_house"},
                {"fallback", "driven_device", "strictest"},
                file,
                regulation,
                what="device table",
            )
            classes, notified_body = self._classes(file, regulation, data["classes"])
            rules = tuple(
                self._rule(file, "device_rules", rule, classes, classification_rule=True)
                for rule in _list(data["rules"], "rules", file, regulation)
            )
            fallback_data = _list(data.get("fallback", []), "fallback", file, regulation, allow_empty=True)
            fallback = tuple(
                self._rule(
                    file,
                    "device_rules",
                    rule,
                    classes,
                    classification_rule=True,
                    when_optional=i == len(fallback_data) - 1,
                )
                for i, rule in enumerate(fallback_data)
            )
            if fallback and fallback[-1].when is not None:
                raise RuleSetError(
                    "the last fallback rule must have no 'when': it decides when nothing else does",
                    file=file,
                    rule_id=fallback[-1].id,
                )
            in_house = self._rule(file, "device_rules", data["in_house"], ("in_house_exemption",))
            driven_device = tuple(
                self._rule(file, "device_rules", rule, classes, classification_rule=True)
                for rule in _list(data.get("driven_device", []), "driven_device", file, regulation, allow_empty=True)
            )
            strictest = (
                self._rule(file, "device_rules", data["strictest"], STRICTEST_OUTCOMES, when_optional=True)
                if "strictest" in data
                else None
            )
            if strictest is not None and strictest.when is not None:
                raise RuleSetError(
                    "the strictest-class rule has no 'when': the engine cites it when several classes applied",
                    file=file,
                    rule_id=strictest.id,
                )
            self.devices[regulation] = DeviceTable(
                regulation=regulation,
                classes=classes,
                notified_body=MappingProxyType(notified_body),
                rules=rules,
                fallback=fallback,
                in_house=in_house,
                driven_device=driven_device,
                strictest=strictest,
            )

    def _classes(self, file: str, regulation: str, data: Any) -> tuple[tuple[str, ...], dict[str, bool]]:
        entries = _list(data, "classes", file, regulation)
        classes: list[str] = []
        notified_body: dict[str, bool] = {}
        for entry in entries:
            _check_keys(entry, {"class", "notified_body"}, set(), file, regulation, what="device table")
            name, needs_body = entry["class"], entry["notified_body"]
            if not isinstance(needs_body, bool):
                raise RuleSetError(
                    f"class {name}: notified_body must be true or false",
                    file=file,
                    rule_id=regulation,
                    what="device table",
                )
            classes.append(name)
            notified_body[name] = needs_body
        if sorted(classes) != sorted(DEVICE_CLASSES[regulation]):
            raise RuleSetError(
                f"classes must be exactly {', '.join(DEVICE_CLASSES[regulation])} (in order of strictness)",
                file=file,
                rule_id=regulation,
                what="device table",
            )
        return tuple(classes), notified_body

    # -- obligations --

    def _obligation(self, file: str, data: Any) -> Obligation:
        obligation_id = _id_of(data)
        _check_keys(
            data,
            {"id", "role", "when", "citation", "text"},
            {"regardless_of_role", "applies_from", "applies_from_original", "dates_from"},
            file,
            obligation_id,
            what="obligation",
        )
        obligation_id = self._register_id(data["id"], file)

        def fail(message: str) -> RuleSetError:
            return RuleSetError(message, file=file, rule_id=obligation_id, what="obligation")

        if data["role"] not in ROLES:
            raise fail(f"role must be one of {', '.join(ROLES)}, got {data['role']!r}")
        regardless = data.get("regardless_of_role", False)
        if not isinstance(regardless, bool):
            raise fail("'regardless_of_role' must be true or false")
        literal = {"applies_from", "applies_from_original"} & set(data)
        if "dates_from" in data:
            if literal:
                raise fail("give either dates_from or applies_from with applies_from_original, not both")
            if data["dates_from"] not in AI_ACT_SECTIONS:
                raise fail(
                    f"dates_from must name a rule section ({', '.join(AI_ACT_SECTIONS)}), "
                    f"got {data['dates_from']!r}"
                )
            applies_from = applies_from_original = None
        elif literal == {"applies_from", "applies_from_original"}:
            applies_from = _date(data["applies_from"], "applies_from", file, obligation_id, "obligation")
            applies_from_original = _date(
                data["applies_from_original"], "applies_from_original", file, obligation_id, "obligation"
            )
        else:
            raise fail("needs dates_from, or both applies_from and applies_from_original")
        try:
            when = compile_fact_condition(data["when"], self._known_facts())
        except ConditionError as exc:
            raise fail(f"when: {exc}") from None
        return Obligation(
            id=obligation_id,
            file=file,
            role=data["role"],
            regardless_of_role=regardless,
            when=when,
            citation=self._citation(data["citation"], file, obligation_id, "obligation"),
            text=_text(data["text"], "text", file, obligation_id, "obligation"),
            applies_from=applies_from,
            applies_from_original=applies_from_original,
            dates_from=data.get("dates_from"),
            when_data=data["when"],
        )

    def _incident_duty(self, file: str, data: Any) -> IncidentDuty:
        duty_id = _id_of(data)
        _check_keys(data, {"id", "recipient", "deadline", "text"}, {"grounds", "citation", "fallback"}, file,
                    duty_id, what="incident duty")
        # Duty keys are their own namespace (they name stored incident duties), apart from rule ids.
        duty_id = _identifier(data["id"], file, "id")

        def fail(message: str) -> RuleSetError:
            return RuleSetError(message, file=file, rule_id=duty_id, what="incident duty")

        recipient = _identifier(data["recipient"], file, "recipient", duty_id)
        if data["deadline"] not in DEADLINE_KINDS:
            raise fail(f"deadline must be one of {', '.join(DEADLINE_KINDS)}, got {data['deadline']!r}")
        grounds: list[DutyDeadline] = []
        if data["deadline"] == "days":
            if "citation" in data or not isinstance(data.get("grounds"), list) or not data["grounds"]:
                raise fail("a deadline in days needs 'grounds' (ground, days, citation), and no 'citation'")
            for entry in data["grounds"]:
                _check_keys(entry, {"ground", "days", "citation"}, set(), file, duty_id, what="incident duty")
                if not isinstance(entry["days"], int) or isinstance(entry["days"], bool) or entry["days"] < 1:
                    raise fail("days must be a positive whole number")
                grounds.append(DutyDeadline(_identifier(entry["ground"], file, "ground", duty_id), entry["days"],
                                            self._citation(entry["citation"], file, duty_id, "incident duty")))
            citation = None
        else:
            if "grounds" in data or "citation" not in data:
                raise fail("a deadline without days needs a 'citation', and no 'grounds'")
            citation = self._citation(data["citation"], file, duty_id, "incident duty")
        return IncidentDuty(
            id=duty_id, file=file, recipient=recipient, deadline=data["deadline"], grounds=tuple(grounds),
            citation=citation, text=_text(data["text"], "text", file, duty_id, "incident duty"),
            fallback=(
                _text(data["fallback"], "fallback", file, duty_id, "incident duty") if "fallback" in data else None
            ),
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

    # -- shared helpers --

    def _register_id(self, value: Any, file: str) -> str:
        rule_id = _identifier(value, file, "id")
        if rule_id in self.ids:
            raise RuleSetError(
                f"duplicate id (first defined in {self.ids[rule_id]})", file=file, rule_id=rule_id
            )
        self.ids[rule_id] = file
        return rule_id

    def _condition(self, data: Any, file: str, item_id: str, what: str, *, allow_device: bool) -> Condition:
        try:
            return compile_condition(data, self.questions, allow_device=allow_device)
        except ConditionError as exc:
            raise RuleSetError(f"condition: {exc}", file=file, rule_id=item_id, what=what) from None

    def _citation(self, data: Any, file: str, item_id: str, what: str = "rule") -> str:
        locators = ("article", "annex", "point", "rule", "section", "recital")
        _check_keys(data, {"act"}, set(locators), file, item_id, what)
        if data["act"] not in self.acts:
            raise RuleSetError(
                f"citation names an unknown act {data['act']!r} (known: {', '.join(self.acts)})",
                file=file,
                rule_id=item_id,
                what=what,
            )
        if not set(locators) & set(data):
            raise RuleSetError(
                f"citation needs one of {', '.join(locators)}", file=file, rule_id=item_id, what=what
            )
        for locator in locators:
            if locator in data:
                _require_str(data[locator], f"citation {locator}", file, item_id, what)
        text = contract_text(data, self.acts)
        self.citations[text] = {key: str(value) for key, value in data.items()}
        return text


def _build(texts: Mapping[str, str]) -> RuleSet:
    return _Builder(texts).build()


def _check_keys(
    data: Any,
    required: set[str],
    optional: set[str],
    file: str,
    item_id: str | None = None,
    what: str = "rule",
) -> None:
    if not isinstance(data, Mapping):
        raise RuleSetError(
            f"expected a mapping, got {type(data).__name__}", file=file, rule_id=item_id, what=what
        )
    unknown = sorted(str(key) for key in data if key not in required | optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise RuleSetError(
            f"unknown key {unknown[0]!r} (allowed: {allowed})", file=file, rule_id=item_id, what=what
        )
    absent = sorted(required - set(data))
    if absent:
        raise RuleSetError(f"missing key {absent[0]!r}", file=file, rule_id=item_id, what=what)


def _id_of(data: Any) -> str | None:
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return data["id"]
    return None


def _identifier(value: Any, file: str, field_name: str, item_id: str | None = None) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise RuleSetError(
            f"{field_name} must be a plain identifier, got {value!r}", file=file, rule_id=item_id
        )
    return value


def _require_str(value: Any, field_name: str, file: str, item_id: str | None, what: str = "rule") -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleSetError(f"{field_name} must be a non-empty string", file=file, rule_id=item_id, what=what)
    return value


def _list(value: Any, field_name: str, file: str, item_id: str, *, allow_empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise RuleSetError(
            f"'{field_name}' must be a non-empty list", file=file, rule_id=item_id, what="device table"
        )
    return value


def _text(value: Any, field_name: str, file: str, item_id: str | None, what: str = "rule") -> Text:
    _check_keys(value, set(LANGUAGES), set(), file, item_id, what)
    for lang in LANGUAGES:
        _require_str(value[lang], f"{field_name} ({lang})", file, item_id, what)
    return Text(sv=value["sv"], en=value["en"])


def _date(value: Any, field_name: str, file: str, item_id: str | None, what: str = "rule") -> date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleSetError(
        f"{field_name} must be a date YYYY-MM-DD, got {value!r}", file=file, rule_id=item_id, what=what
    )
