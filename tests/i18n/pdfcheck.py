"""Reading a rendered PDF as an inspector would: its text per page (`pdftotext -layout`), and the
checks the traceability report must pass."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from .crawl import raw_codes

PAGE_OF = {"sv": re.compile(r"Sida (\d+) av (\d+)"), "en": re.compile(r"Page (\d+) of (\d+)")}
# A numbered heading: "3  Riskklassningar", "3.2  Svar" at the start of a line; the title follows the number
# closely (a table's wrapped citation, "26.5" in one column and a record's name far off in the next, is none).
CUT = re.compile(r"\w…")
HEADING = re.compile(r"^\s{0,3}(\d{1,2}(?:\.\d{1,2})*)\s{1,4}([A-ZÅÄÖ][^\d\s]*(?:\s\S.*?)?)\s*$")


def pdf_pages(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True, text=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def headings(pages: list[str], first_body_page: int = 1) -> list[tuple[str, str]]:
    """Numbered headings of the body (the title page's contents list them too; it is skipped)."""
    found = []
    for page in pages[first_body_page:]:
        for line in page.splitlines():
            match = HEADING.match(line)
            if match:
                found.append((match.group(1), match.group(2)))
    return found


def numbering_gaps(numbers: list[str]) -> list[str]:
    """Each number must follow its predecessor at its level: 1, 2, 2.1, 2.2, 3, 3.1 …"""
    problems = []
    last: list[int] = []
    for number in numbers:
        parts = [int(p) for p in number.split(".")]
        expected_prefix = parts[:-1]
        if expected_prefix != last[: len(expected_prefix)]:
            problems.append(f"{number} after {'.'.join(map(str, last)) or 'start'}")
        else:
            previous = last[len(expected_prefix)] if len(last) > len(expected_prefix) else 0
            if parts[-1] != previous + 1:
                problems.append(f"{number} after {'.'.join(map(str, last)) or 'start'}")
        last = parts
    return problems


def report_problems(pdf: bytes, lang: str, sections: list[str], forbidden: set[str] = frozenset()) -> list[str]:
    pages = pdf_pages(pdf)
    problems = []
    for index, page in enumerate(pages, start=1):
        match = PAGE_OF[lang].search(page)
        if not match or int(match.group(1)) != index or int(match.group(2)) != len(pages):
            problems.append(f"page {index}: no 'page {index} of {len(pages)}'")
    text = "\n".join(pages)
    # A cut: a word that ends in an ellipsis ("Maria Johans…"); an ellipsis standing alone in a
    # question's own text ("radio equipment, …") is not one.
    cuts = sorted({line.strip()[:70] for line in text.splitlines() if CUT.search(line)})
    if cuts:
        problems.append("cut-off text: " + ", ".join(cuts[:5]))
    codes = sorted(set(raw_codes(text)))
    if codes:
        problems.append(f"raw codes: {codes[:20]}")
    ids = sorted(word for word in forbidden if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
    if ids:
        problems.append(f"question ids: {ids[:20]}")
    found = headings(pages)
    problems += [f"numbering: {gap}" for gap in numbering_gaps([n for n, _t in found])]
    titles = [t for n, t in found if "." not in n]
    for section in sections:
        if not any(t.startswith(section) for t in titles):
            problems.append(f"section missing: {section}")
    return problems
