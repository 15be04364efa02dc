"""Every text a person reads has a Swedish translation: the messages the code and the templates mark
(`_`, `_l`, `gettext`, `lazy_gettext`, `N_` and the templates' `_()`), extracted as `pybabel extract`
would, are each in the Swedish catalog with a translation whose placeholders match."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from tests.helpers import CATALOGS, read_catalog

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None, "lazy_gettext": None}
METHODS = [("ai_register/**/templates/**.html", "jinja2"), ("ai_register/**.py", "python")]


@pytest.fixture(scope="module")
def marked() -> dict[str, list[str]]:
    """msgid → where it is marked."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        if ids and ids[0]:
            found.setdefault(ids[0], []).append(f"{filename}:{lineno}")
    return found


def test_the_extraction_finds_the_known_messages(marked):
    # Guards the test itself: the extractor reads Python, the N_ marker and the templates.
    assert "Audit trail" in marked and any(".html:" in p for p in marked["Audit trail"])
    assert len(marked) > 900


def test_every_marked_message_has_a_swedish_translation(marked):
    sv = read_catalog("sv")
    missing = []
    for msgid, where in sorted(marked.items()):
        message = sv.get(msgid)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{msgid!r} ({where[0]})")
    assert not missing, f"{len(missing)} message(s) without Swedish:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_translations_keep_the_placeholders(lang):
    catalog = read_catalog(lang)
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check() if errors]
    assert not problems, "\n".join(problems[:20])


def test_the_swedish_catalog_has_no_empty_or_fuzzy_entry():
    sv = read_catalog("sv")
    bad = [m.id for m in sv if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert not bad, bad[:20]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_message_is_defined_twice(lang):
    # Two entries for one msgid (and context) merge silently; the later one wins and the first is dead text.
    # Branches that add their entries at the end of the file can both add the same message.
    entries = (CATALOGS / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8").split("\n\n")
    keys = []
    for entry in entries:
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        key = "\n".join(lines[: next((i for i, line in enumerate(lines) if line.startswith("msgstr")), 0)])
        if key and key != 'msgid ""':
            keys.append(key)
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, duplicates
