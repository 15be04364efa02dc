"""LIX (läsbarhetsindex), the Swedish readability measure: words per sentence plus the share of long words
(more than six letters) in per cent. Pure: no Flask, no database.

Below 30 is very easy, 30–40 easy (fiction, plain-language public texts), 40–50 average (newspapers),
50–60 hard (official documents), above 60 very hard (Björnsson 1968; the scale Språkrådet's klarspråk
advice uses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A Swedish personal identity or coordination number (ÅÅMMDD-NNNN, with or without century): never on a
# public page. The same pattern as the deviation form's warning (incidents/forms.py).
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+ ]?\d{4}(?!\d)")
WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)|\n\s*\n")
LONG = 6
BANDS = ((30, "very_easy"), (40, "easy"), (50, "average"), (60, "hard"))


@dataclass(frozen=True)
class Lix:
    score: int
    words: int
    sentences: int
    band: str  # very_easy, easy, average, hard, very_hard


def lix(text: str | None) -> Lix | None:
    """The LIX of a text; None for a text too short to measure (fewer than ten words)."""
    words = WORD.findall(text or "")
    if len(words) < 10:
        return None
    sentences = max(1, len([m for m in SENTENCE_END.finditer(text.strip() + " ")]))
    long_words = sum(1 for word in words if len(word) > LONG)
    score = round(len(words) / sentences + 100 * long_words / len(words))
    band = next((name for limit, name in BANDS if score < limit), "very_hard")
    return Lix(score, len(words), sentences, band)
