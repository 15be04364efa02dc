"""The shapes of the rule files in risk_rules/, declared, and the one small checker that reads them.

A shape is a frozen dataclass whose fields are the keys of a YAML mapping: a field without a default is a
required key, a field with one an optional key (absent: the default; present: checked against its type,
`null` included). Field types:

    a shape                 a mapping of that shape
    tuple[X, ...]           a non-empty list of X; `Annotated[tuple[X, ...], MAY_BE_EMPTY]` may be empty
    Mapping[K, V]           a non-empty mapping, keys of K, values of V
    bool, int               `true`/`false`; a whole number
    Annotated[T, Check]     what the check accepts (and turns into T): `NonEmpty`, `Identifier`, `IsoDate`,
                            `PositiveInt`, `one_of(...)`, `Condition` (kept as written: conditions.py
                            compiles it, with its own grammar and messages)
    X | None = None         an optional X

What concerns one entry alone (a question's values and its `omitted_means`, an obligation's dates) is
stated in the shape's `__post_init__`, raising `Invalid`. What relates entries to each other (known
sections, questions, acts and ids, the device tables) is the builder's (rules/builder.py).

`check(data, Shape)` returns the shape's value or raises `ShapeError` with the path of the fault in the
document (`("high_risk_routes", 3, "citation", "article")`). Pure: no Flask, no marshmallow.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin, get_type_hints

from ai_register.rules.citations import LOCATORS
from ai_register.rules.contract import (
    CONTRACT_VERSIONS,
    DEVICE_CLASSES,
    GPAI_OUTCOMES,
    LEGACY_OUTCOMES,
    QUESTION_KINDS,
    ROLES,
    ROUTE_GROUPS,
    ROUTES,
    TRANSPARENCY_DUTIES,
    UNSURE,
    route_group,
)
from ai_register.rules.ruleset import AI_ACT_SECTIONS, DEADLINE_KINDS

INDEX_FILE = "ruleset.yaml"

Path = tuple[str | int, ...]  # keys and list positions from a document's root


class ShapeError(ValueError):
    """A value does not have its declared shape. `path` leads to it from the document's root; `message`
    either reads after the place's name (`must be a date YYYY-MM-DD, got 'soon'`), or, with `at_place`,
    after the place and a colon (`unknown key 'severity' (allowed: …)`)."""

    def __init__(self, path: Path, message: str, *, at_place: bool = False) -> None:
        self.path = path
        self.message = message
        self.at_place = at_place
        super().__init__(self.text())

    def text(self, start: int = 0) -> str:
        """The message with the path from `start` on (the part inside the entry the reader is shown)."""
        place = path_text(self.path[start:])
        if self.at_place:
            return f"{place}: {self.message}" if place else self.message
        return f"{place or 'the entry'} {self.message}"


class Invalid(ValueError):
    """Raised in a shape's `__post_init__`: the entry breaks a rule of its own; `place`: the keys (and list
    positions) leading from the entry to the fault, if it lies deeper."""

    def __init__(self, message: str, *place: str | int) -> None:
        self.place = place
        super().__init__(message)


def path_text(path: Path) -> str:
    """`("values", 2, "label", "sv")` → `values[2].label.sv`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# ---- the checks of single values ----


@dataclass(frozen=True)
class Check:
    """A value the field accepts: `expected` names it in the message, `convert` turns it into the field's
    value (None: refused)."""

    expected: str
    convert: Callable[[Any], Any]


MAY_BE_EMPTY = "may be empty"  # marks a list that may be empty

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _non_empty(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _identifier(value: Any) -> str | None:
    return value if isinstance(value, str) and _IDENTIFIER.fullmatch(value) else None


def _iso_date(value: Any) -> date | None:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _mapping(value: Any) -> Any:
    return value if isinstance(value, Mapping) else None


def one_of(values: tuple[str, ...], why: str = "", convert: Callable[[Any], Any] = lambda value: value) -> Any:
    """A field that takes one of `values` (`why`: said in the message, e.g. the law behind the list)."""
    listed = ", ".join(values) + (f" ({why})" if why else "")

    def accept(value: Any) -> str | None:
        value = convert(value)
        return value if isinstance(value, str) and value in values else None

    return Annotated[str, Check(f"one of {listed}", accept)]


NonEmpty = Annotated[str, Check("a non-empty string", _non_empty)]
Identifier = Annotated[str, Check("a plain identifier (letters, digits, _ . -)", _identifier)]
IsoDate = Annotated[date, Check("a date YYYY-MM-DD", _iso_date)]
PositiveInt = Annotated[int, Check("a positive whole number", _positive_int)]
Condition = Annotated[Mapping, Check("a condition (a mapping)", _mapping)]


# ---- the checker ----


def check(data: Any, shape: Any, path: Path = ()) -> Any:
    """`data` read as `shape` (a shape class or a field type); ShapeError names the first fault."""
    origin = get_origin(shape)
    if origin is Annotated:
        base, *marks = get_args(shape)
        checks = [mark for mark in marks if isinstance(mark, Check)]
        if checks:
            value = checks[0].convert(data)
            if value is None:
                raise ShapeError(path, f"must be {checks[0].expected}, got {data!r}")
            return value
        return _list(data, base, path, may_be_empty=MAY_BE_EMPTY in marks)
    if origin is tuple:
        return _list(data, shape, path, may_be_empty=False)
    if origin is Mapping or origin is dict:
        key_shape, value_shape = get_args(shape)
        if not isinstance(data, Mapping):
            raise ShapeError(path, f"must be a mapping, got {_kind(data)}")
        if not data:
            raise ShapeError(path, "must not be empty")
        checked = {}
        for key, value in data.items():
            checked[check(key, key_shape, (*path, str(key)))] = check(value, value_shape, (*path, str(key)))
        return checked
    if origin is Union or origin is types.UnionType:
        (inner,) = (arg for arg in get_args(shape) if arg is not type(None))
        return check(data, inner, path)
    if is_dataclass(shape):
        return _shape(data, shape, path)
    if shape is bool:
        if not isinstance(data, bool):
            raise ShapeError(path, f"must be true or false, got {data!r}")
        return data
    if shape is Any:
        return data
    raise TypeError(f"no check for the declared type {shape!r}")  # a mistake in a shape, not in a file


def _list(data: Any, shape: Any, path: Path, *, may_be_empty: bool) -> tuple[Any, ...]:
    item_shape, _ = get_args(shape)
    if not isinstance(data, list):
        raise ShapeError(path, f"must be a list, got {_kind(data)}")
    if not data and not may_be_empty:
        raise ShapeError(path, "must not be an empty list")
    return tuple(check(item, item_shape, (*path, i)) for i, item in enumerate(data))


@cache
def _fields(shape: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """(key in the file, field name, type, required) of a shape's fields."""
    hints = get_type_hints(shape, include_extras=True)
    return tuple(
        (spec.metadata.get("key", spec.name), spec.name, hints[spec.name],
         spec.default is MISSING and spec.default_factory is MISSING)
        for spec in fields(shape)
    )


def _shape(data: Any, shape: type, path: Path) -> Any:
    if not isinstance(data, Mapping):
        raise ShapeError(path, f"must be a mapping, got {_kind(data)}")
    declared = _fields(shape)
    noun = shape.key_noun
    keys = {key for key, *_ in declared}
    unknown = sorted(str(key) for key in data if key not in keys)
    if unknown:
        raise ShapeError(path, f"unknown {noun} {unknown[0]!r} (allowed: {', '.join(sorted(keys))})", at_place=True)
    absent = [key for key, _, _, required in declared if required and key not in data]
    if absent:
        raise ShapeError(path, f"missing {noun} {absent[0]!r}", at_place=True)
    values = {name: check(data[key], kind, (*path, key)) for key, name, kind, _ in declared if key in data}
    try:
        return shape(**values)
    except Invalid as invalid:
        raise ShapeError((*path, *invalid.place), str(invalid), at_place=True) from None


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


@dataclass(frozen=True, kw_only=True)
class Shape:
    """The base of the declared shapes."""

    key_noun: ClassVar[str] = "key"


# ---- the declared shapes ----


@dataclass(frozen=True, kw_only=True)
class TextShape(Shape):
    """A text in both languages, Swedish first."""

    sv: NonEmpty
    en: NonEmpty


@dataclass(frozen=True, kw_only=True)
class CitationShape(Shape):
    """`{act: ai_act, article: "6(1)", annex: "I"}`: an act of ruleset.yaml and at least one locator."""

    act: NonEmpty
    article: NonEmpty | None = None
    annex: NonEmpty | None = None
    point: NonEmpty | None = None
    rule: NonEmpty | None = None
    section: NonEmpty | None = None
    recital: NonEmpty | None = None

    def __post_init__(self) -> None:
        if not any(getattr(self, locator) for locator in LOCATORS):
            raise Invalid(f"needs one of {', '.join(LOCATORS)}")

    def as_dict(self) -> dict[str, str]:
        """As written: the act and the locators given."""
        return {"act": self.act, **{key: getattr(self, key) for key in LOCATORS if getattr(self, key)}}


# -- ruleset.yaml --


@dataclass(frozen=True, kw_only=True)
class ActShape(Shape):
    title: NonEmpty
    amended_by: NonEmpty | None = None


@dataclass(frozen=True, kw_only=True)
class LegacyCutoffShape(Shape):
    """Art 111(2) as amended: the date before which a high-risk system counts as already in service."""

    annex_i: IsoDate
    annex_iii: IsoDate

    def by_group(self) -> dict[str, date]:
        return {group: getattr(self, group) for group in ROUTE_GROUPS}


FileName = Annotated[
    str,
    Check(
        f"a file name ending in .yaml other than {INDEX_FILE}",
        lambda value: value
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.-]+\.ya?ml", value) and value != INDEX_FILE
        else None,
    ),
]


@dataclass(frozen=True, kw_only=True)
class IndexShape(Shape):
    """ruleset.yaml: the rule set's version, the contract it implements, its files and the acts cited."""

    version: Annotated[str, Check("a non-empty string (quote it)", _non_empty)]
    # YAML reads 1 as a number and "1.1" (quoted) as a string; 1.1 unquoted would be a float.
    contract_version: one_of(
        CONTRACT_VERSIONS,
        why="quoted; the versions this engine implements",
        convert=lambda value: str(value) if isinstance(value, int | str) and not isinstance(value, bool) else None,
    )
    files: tuple[FileName, ...]
    acts: Mapping[Annotated[str, Check("an act key", str)], ActShape]
    description: TextShape | None = None
    legacy_cutoff: LegacyCutoffShape | None = None

    def __post_init__(self) -> None:
        for i, name in enumerate(self.files):
            if name in self.files[:i]:
                raise Invalid(f"{name} is listed twice", "files", i)


# -- the questionnaire --


@dataclass(frozen=True, kw_only=True)
class SectionShape(Shape):
    id: Identifier
    title: TextShape


@dataclass(frozen=True, kw_only=True)
class AnswerValueShape(Shape):
    value: Identifier
    label: TextShape


@dataclass(frozen=True, kw_only=True)
class QuestionShape(Shape):
    id: Identifier
    section: Identifier
    kind: one_of(QUESTION_KINDS)
    values: tuple[AnswerValueShape, ...]
    text: TextShape
    help: TextShape
    citation: CitationShape
    multiple: bool = False
    unsure_label: TextShape | None = None
    omitted_means: Identifier | None = None
    relevant_when: Condition | None = None
    # contract 1.1: an older single-value id read as a one-element answer to this list question
    superseded_by: Identifier | None = None

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(self.values):
            if entry.value in seen:
                raise Invalid(f"duplicate value {entry.value!r}", "values", i)
            seen.add(entry.value)
            if self.multiple and entry.value == UNSURE:
                raise Invalid("a list question accepts 'unsure' through unsure_label, not as a list value",
                              "values", i)
        if self.unsure_label is not None and not self.multiple:
            raise Invalid("unsure_label is only for list questions; list 'unsure' as a value instead")
        if self.omitted_means is not None:
            if self.kind == "trigger":
                raise Invalid("a trigger question cannot have omitted_means: an unanswered trigger is never guessed")
            if self.multiple or self.omitted_means not in seen or self.omitted_means == UNSURE:
                raise Invalid(
                    f"omitted_means must be one of the question's definite values, got {self.omitted_means!r}"
                )


# -- rules --


@dataclass(frozen=True, kw_only=True)
class RuleShape(Shape):
    """A rule: when its condition holds, its outcome applies, from `applies_from` (as amended; the
    original date beside it)."""

    id: Identifier
    outcome: NonEmpty  # each section names the outcomes its rules may have
    when: Condition
    citation: CitationShape
    explanation: TextShape
    applies_from: IsoDate
    applies_from_original: IsoDate


@dataclass(frozen=True, kw_only=True)
class ScopeRule(RuleShape):
    outcome: one_of(("out_of_scope",))


@dataclass(frozen=True, kw_only=True)
class ProhibitionRule(RuleShape):
    outcome: one_of(("prohibited",))


@dataclass(frozen=True, kw_only=True)
class RouteRule(RuleShape):
    outcome: one_of(ROUTES)
    group: NonEmpty | None = None  # implied by the route; when given, it must be the route's

    def __post_init__(self) -> None:
        if self.group is not None and self.group != route_group(self.outcome):
            raise Invalid(f"route {self.outcome} belongs to group {route_group(self.outcome)}, not {self.group!r}")


@dataclass(frozen=True, kw_only=True)
class ExemptionRule(RuleShape):
    outcome: one_of(("art6_3_exemption",))
    # Art 6(3) only ever removes Annex III routes (contract step 8).
    removes: one_of(("annex_iii",), why="Art 6(3) never removes an Annex I route")


@dataclass(frozen=True, kw_only=True)
class OpenSourceRule(RuleShape):
    outcome: one_of(("out_of_scope",))


@dataclass(frozen=True, kw_only=True)
class TransparencyRule(RuleShape):
    outcome: one_of(TRANSPARENCY_DUTIES)


@dataclass(frozen=True, kw_only=True)
class GpaiRule(RuleShape):
    outcome: one_of(GPAI_OUTCOMES)


@dataclass(frozen=True, kw_only=True)
class LegacyRule(RuleShape):
    outcome: one_of(LEGACY_OUTCOMES)
    # the date by which a legacy system must comply anyway (public authorities)
    comply_by: IsoDate | None = None


@dataclass(frozen=True, kw_only=True)
class QualificationRule(RuleShape):
    """Whether, and under which regulation, the product is a medical device."""

    outcome: one_of(("none", *DEVICE_CLASSES))


@dataclass(frozen=True, kw_only=True)
class ClassRule(RuleShape):
    """A device class (one of the table's `classes`: checked by the builder) and the classification
    rule of the regulation's Annex VIII that gives it."""

    rule: NonEmpty


@dataclass(frozen=True, kw_only=True)
class FallbackRule(ClassRule):
    """A class rule of `fallback`: the last one has no `when` (it decides when nothing else does)."""

    when: Condition | None = None


@dataclass(frozen=True, kw_only=True)
class InHouseRule(RuleShape):
    outcome: one_of(("in_house_exemption",))


@dataclass(frozen=True, kw_only=True)
class StrictestRule(RuleShape):
    """Cited when the strictest of several classes was taken (MDR Annex VIII 3.5, IVDR Annex VIII 1.9)."""

    outcome: one_of(("strictest_class",))
    when: Condition | None = None

    def __post_init__(self) -> None:
        if self.when is not None:
            raise Invalid("the strictest-class rule has no 'when': the engine cites it when several classes applied")


@dataclass(frozen=True, kw_only=True)
class DeviceClassShape(Shape):
    name: NonEmpty = field(metadata={"key": "class"})
    notified_body: bool


@dataclass(frozen=True, kw_only=True)
class DeviceTableShape(Shape):
    """A regulation's classes in order of strictness and the rules that give them."""

    classes: tuple[DeviceClassShape, ...]
    rules: tuple[ClassRule, ...]
    in_house: InHouseRule
    fallback: Annotated[tuple[FallbackRule, ...], MAY_BE_EMPTY] = ()
    # contract 1.1: the class of a device the software drives (MDR Annex VIII 3.3, IVDR 1.4)
    driven_device: Annotated[tuple[ClassRule, ...], MAY_BE_EMPTY] = ()
    strictest: StrictestRule | None = None

    def __post_init__(self) -> None:
        for i, rule in enumerate(self.fallback):
            last = i == len(self.fallback) - 1
            if last and rule.when is not None:
                raise Invalid("the last fallback rule must have no 'when': it decides when nothing else does",
                              "fallback", i)
            if not last and rule.when is None:
                raise Invalid("missing key 'when' (only the last fallback rule has none: it decides when nothing "
                              "else does)", "fallback", i)


@dataclass(frozen=True, kw_only=True)
class DevicesShape(Shape):
    key_noun: ClassVar[str] = "regulation"

    mdr: DeviceTableShape | None = None
    ivdr: DeviceTableShape | None = None


# -- obligations and incident duties --


@dataclass(frozen=True, kw_only=True)
class ObligationShape(Shape):
    """A duty of the provider or deployer that a result's facts bring, dated by a rule section's date or
    by its own."""

    id: Identifier
    role: one_of(ROLES)
    when: Condition
    citation: CitationShape
    text: TextShape
    regardless_of_role: bool = False
    dates_from: one_of(AI_ACT_SECTIONS, why="a rule section") | None = None
    applies_from: IsoDate | None = None
    applies_from_original: IsoDate | None = None

    def __post_init__(self) -> None:
        literal = (self.applies_from is not None, self.applies_from_original is not None)
        if self.dates_from is not None and any(literal):
            raise Invalid("give either dates_from or applies_from with applies_from_original, not both")
        if self.dates_from is None and not all(literal):
            raise Invalid("needs dates_from, or both applies_from and applies_from_original")


@dataclass(frozen=True, kw_only=True)
class GroundShape(Shape):
    ground: Identifier
    days: PositiveInt
    citation: CitationShape


@dataclass(frozen=True, kw_only=True)
class IncidentDutyShape(Shape):
    """A reporting duty's recipient, deadline and text; a deadline in days per ground (the shortest of those
    that apply wins), or none (`immediately`, `as_soon_as_possible`) with its citation."""

    id: Identifier
    recipient: Identifier
    deadline: one_of(DEADLINE_KINDS)
    text: TextShape
    grounds: tuple[GroundShape, ...] | None = None
    citation: CitationShape | None = None
    fallback: TextShape | None = None

    def __post_init__(self) -> None:
        if self.deadline == "days" and (self.grounds is None or self.citation is not None):
            raise Invalid("a deadline in days needs 'grounds' (ground, days, citation), and no 'citation'")
        if self.deadline != "days" and (self.grounds is not None or self.citation is None):
            raise Invalid("a deadline without days needs a 'citation', and no 'grounds'")


# -- a listed rule file --


def _sections(shape: type) -> Any:
    return Annotated[tuple[shape, ...], MAY_BE_EMPTY]


@dataclass(frozen=True, kw_only=True)
class RuleFileShape(Shape):
    """A file listed in ruleset.yaml: any of these sections; several files may add to one section."""

    key_noun: ClassVar[str] = "section"

    sections: _sections(SectionShape) = ()
    questions: _sections(QuestionShape) = ()
    scope: _sections(ScopeRule) = ()
    prohibitions: _sections(ProhibitionRule) = ()
    high_risk_routes: _sections(RouteRule) = ()
    exemptions: _sections(ExemptionRule) = ()
    open_source: _sections(OpenSourceRule) = ()
    transparency: _sections(TransparencyRule) = ()
    gpai: _sections(GpaiRule) = ()
    legacy: _sections(LegacyRule) = ()
    device_qualification: _sections(QualificationRule) = ()
    devices: DevicesShape | None = None
    obligations: _sections(ObligationShape) = ()
    incident_duties: _sections(IncidentDutyShape) = ()


SECTIONS = tuple(spec.name for spec in fields(RuleFileShape))
# What an entry of each section is called in a message ("question 'profiling'", "rule 'art5-1-c'").
ENTRY_NOUNS = {"sections": "section", "questions": "question", "obligations": "obligation",
               "incident_duties": "incident duty"}
DEVICE_RULE_LISTS = ("rules", "fallback", "driven_device")


def entry_at(document: Mapping, path: Path) -> tuple[int, str, str | None]:
    """The entry of a rule file that `path` leads into: (length of the entry's own path, what a message calls
    it, its id when it has a usable one). Entries are the items of a section, a device table, and the rules
    of a device table; a fault outside them (or in an entry without a usable id) is named by its full path."""
    if len(path) >= 2 and path[0] == "devices":
        if len(path) >= 4 and path[2] in DEVICE_RULE_LISTS and isinstance(path[3], int):
            size = 4
        elif len(path) >= 3 and path[2] in ("in_house", "strictest"):
            size = 3
        else:
            return 2, "device table", str(path[1])
        what = "rule"
    elif len(path) >= 2 and isinstance(path[1], int):
        size, what = 2, ENTRY_NOUNS.get(str(path[0]), "rule")
    else:
        return 0, "rule", None
    entry: Any = document
    for part in path[:size]:
        entry = entry[part]
    entry_id = entry.get("id") if isinstance(entry, Mapping) else None
    return size, what, _identifier(entry_id)
