"""The checker of the declared rule-file shapes (rules/shapes.py), on small shapes of its own: what a field's
declaration means for a key of the file, and where a fault is reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

import pytest

from ai_register.rules.shapes import (
    MAY_BE_EMPTY,
    Identifier,
    Invalid,
    IsoDate,
    NonEmpty,
    Shape,
    ShapeError,
    check,
    entry_at,
    one_of,
)


@dataclass(frozen=True, kw_only=True)
class Part(Shape):
    name: NonEmpty = field(metadata={"key": "class"})
    on: IsoDate | None = None


@dataclass(frozen=True, kw_only=True)
class Thing(Shape):
    id: Identifier
    kind: one_of(("a", "b"), why="the two kinds")
    parts: tuple[Part, ...]
    extras: Annotated[tuple[Part, ...], MAY_BE_EMPTY] = ()
    flag: bool = False

    def __post_init__(self) -> None:
        if self.flag and self.kind == "b":
            raise Invalid("a flagged thing is of kind a", "flag")


def fault(data: object) -> ShapeError:
    with pytest.raises(ShapeError) as caught:
        check(data, Thing)
    return caught.value


GOOD = {"id": "t-1", "kind": "a", "parts": [{"class": "IIa", "on": "2026-08-02"}]}


def test_a_good_mapping_becomes_the_shape_with_its_defaults():
    thing = check(GOOD, Thing)
    assert thing == Thing(id="t-1", kind="a", parts=(Part(name="IIa", on=date(2026, 8, 2)),))
    assert (thing.extras, thing.flag) == ((), False)


def test_required_and_unknown_keys():
    assert fault({"kind": "a", "parts": []}).text() == "missing key 'id'"
    unknown = fault({**GOOD, "colour": "red"})
    assert unknown.text() == "unknown key 'colour' (allowed: extras, flag, id, kind, parts)"
    assert fault({**GOOD, "parts": [{"name": "IIa"}]}).text() == (
        "parts[0]: unknown key 'name' (allowed: class, on)")  # the file's key, not the field's name


def test_a_present_optional_key_is_checked_null_included():
    assert fault({**GOOD, "parts": [{"class": "I", "on": None}]}).text() == (
        "parts[0].on must be a date YYYY-MM-DD, got None")
    assert fault({**GOOD, "flag": "yes"}).text() == "flag must be true or false, got 'yes'"


def test_lists_choices_and_rules_of_the_entry():
    assert fault({**GOOD, "parts": []}).text() == "parts must not be an empty list"
    assert check({**GOOD, "extras": []}, Thing).extras == ()
    assert fault({**GOOD, "kind": "c"}).text() == "kind must be one of a, b (the two kinds), got 'c'"
    flagged = fault({**GOOD, "kind": "b", "flag": True})
    assert (flagged.path, flagged.text()) == (("flag",), "flag: a flagged thing is of kind a")


def test_the_entry_a_rule_file_fault_lies_in():
    document = {"prohibitions": [{"id": "art5-1-c", "citation": {}}], "questions": [{"id": "not an id"}],
                "devices": {"mdr": {"rules": [{"id": "mdr-11a"}], "classes": []}}}
    assert entry_at(document, ("prohibitions", 0, "citation", "article")) == (2, "rule", "art5-1-c")
    assert entry_at(document, ("questions", 0, "id")) == (2, "question", None)
    assert entry_at(document, ("devices", "mdr", "rules", 0, "when")) == (4, "rule", "mdr-11a")
    assert entry_at(document, ("devices", "mdr", "classes", 0)) == (2, "device table", "mdr")
    assert entry_at(document, ("devices",)) == (0, "rule", None)
