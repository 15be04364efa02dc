"""Legal citations: one formatter over the structured citations of the rule files.

A rule file cites `{act: ai_act, article: "6(1)", annex: "I", section: "A", point: "11"}`. The
classification result keeps the contract's English text (`contract_text`, what the API returns and
what a stored result was hashed with); a person reads `format_citation` in their language:
"förordning (EU) 2024/1689, art. 6.1, bilaga I avsnitt A punkt 11". A locator that still holds
running text of an older rule file ("6(1); Annex I, Section A") is tolerated: its legal words and
paragraph numbers are put in the reader's form. Pure: no Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LOCATORS = ("article", "annex", "point", "rule", "section", "recital")
CONTRACT_PREFIXES = {"article": "Art ", "annex": "Annex ", "point": "point ", "rule": "Rule ", "section": "",
                     "recital": "recital "}


@dataclass(frozen=True)
class Act:
    title: str
    amended_by: str | None = None
    title_sv: str | None = None
    amended_by_sv: str | None = None


def act_of(value: Any) -> Act:
    """An act as the loader keeps it: an `Act`, or the (title, amended_by) pair of older loaders."""
    if isinstance(value, Act):
        return value
    title, amended_by = value
    return Act(title, amended_by)


def contract_text(ref: Mapping[str, str], acts: Mapping[str, Any]) -> str:
    """The citation as the classification contract writes it in a result (English, unchanged)."""
    act = act_of(acts[ref["act"]])
    parts = [act.title]
    parts += [CONTRACT_PREFIXES[locator] + ref[locator] for locator in LOCATORS if locator in ref]
    if act.amended_by:
        parts.append(f"as amended by {act.amended_by}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- Swedish

_SV_WORDS = {"Annex": "bilaga", "Section": "avsnitt", "section": "avsnitt", "point": "punkt", "Art": "art.",
             "Article": "artikel", "Rule": "regel", "rule": "regel", "step": "steg", "and": "och",
             "recital": "skäl", "paragraph": "stycket", "Annexes": "bilagorna", "Articles": "artiklarna",
             "Arts": "art.", "points": "punkterna", "Rules": "reglerna", "or": "eller", "subparagraph": "stycket",
             "first": "första", "second": "andra", "third": "tredje", "Chapter": "kapitel", "of": "i"}
# "5(1)(ba)" → "5.1 ba", "6(1)" → "6.1", "(1a)" → "1a": Swedish writes paragraphs after a point and
# points as letters after a space (SFS/EUR-Lex Swedish practice).
_NUMBERED = re.compile(r"(?<![\w)])(\d+[a-z]?)?((?:\(\d+[a-z]?\))*)((?:\([a-z]+\))*)")


def _sv_locator(value: str) -> str:
    def numbered(match: re.Match) -> str:
        head, paragraphs, points = match.group(1) or "", match.group(2), match.group(3)
        if not (head or paragraphs or points):
            return ""
        numbers = [head] if head else []
        numbers += re.findall(r"\((\d+[a-z]?)\)", paragraphs)
        letters = re.findall(r"\(([a-z]+)\)", points)
        if not numbers:  # "(a)–(c)": the second point of a range
            return " ".join(letters)
        return ".".join(numbers) + "".join(f" {letter}" for letter in letters)

    converted = _NUMBERED.sub(numbered, value)
    return re.sub(r"\b[A-Za-z]+\b", lambda m: _SV_WORDS.get(m.group(0), m.group(0)), converted)


def _sv_title(title: str) -> str:
    for english, swedish in (("Regulation (EU)", "förordning (EU)"), ("Directive (EU)", "direktiv (EU)")):
        if title.startswith(english):
            return swedish + title[len(english):]
    return title


def format_citation(ref: Mapping[str, str], acts: Mapping[str, Any], lang: str) -> str:
    """The citation in the reader's language; English is the contract's text."""
    if lang != "sv":
        return contract_text(ref, acts)
    act = act_of(acts[ref["act"]])
    parts = [act.title_sv or _sv_title(act.title)]
    if "article" in ref:
        parts.append(f"art. {_sv_locator(ref['article'])}")
    annex = []
    if "annex" in ref:
        annex.append(f"bilaga {ref['annex']}")
    for locator, word in (("section", "avsnitt"), ("point", "punkt"), ("rule", "regel")):
        if locator in ref:
            value = _sv_locator(ref[locator])
            # A section that already names itself ("section 3.1, step 3", a Swedish "5 kap. 2 §")
            # keeps its own words.
            named = value.startswith(word) or "kap." in value or "§" in value
            annex.append(value if named else f"{word} {value}")
    if annex:
        parts.append(" ".join(annex))
    if "recital" in ref:
        parts.append(f"skäl {_sv_locator(ref['recital'])}")
    if act.amended_by:
        parts.append(f"ändrad genom {act.amended_by_sv or _sv_title(act.amended_by)}")
    return ", ".join(parts)


def localise(text: str | None, citations: Mapping[str, Mapping[str, str]], acts: Mapping[str, Any],
             lang: str) -> str:
    """A citation stored as the contract's text, in the reader's language when its structured form is
    known (`citations`: contract text → rule-file citation); otherwise as stored."""
    if not text:
        return ""
    ref = citations.get(text)
    if ref is None or ref.get("act") not in acts:
        return text
    return format_citation(ref, acts, lang)
