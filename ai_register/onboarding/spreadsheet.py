"""Reading an uploaded sheet (XLSX with openpyxl, or CSV) into rows of cells, and writing the template.

An uploaded file is untrusted: a few kilobytes of zip can declare a sheet of 17 billion cells, hold a
string of hundreds of megabytes, millions of shared strings, or XML entities that expand without end.
So the work is bounded before parsing (ReadLimits): the zip's members by declared size, total size
and compression ratio; then every XML part is streamed once through expat with no tree built,
refusing any DTD or entity (XXE, billion laughs) and counting shared strings, rows, columns and cell
lengths; only then does openpyxl read the cells, in read-only mode with the sheet's declared dimension
ignored. CSV rows are counted while streaming. A time budget covers the whole read. Each refusal is a
SheetError naming the limit.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from ai_register.onboarding.columns import COLUMNS, cell_text

MAX_ROWS = 5000
# The sheet that holds the rows when a workbook has several (the template also has an instructions sheet).
SHEET_NAMES = ("solutions", "lösningar")
EXAMPLE_ROW = {
    "external_id": "NLL-AI-001", "name": "Röntgenstöd lungnoduler", "purpose": "Flags lung nodules on chest X-ray.",
    "care_units": "Röntgen Sunderby; Röntgen Gällivare", "supplier": "Example AB", "sourcing": "procured",
    "kind": "machine_learning", "processes_personal_data": "ja", "processes_health_data": "ja",
    "owner_email": "anna.agare@region.example", "phase": "pilot", "goal_perspective": "Verksamhet",
    "goal_title": "Shorter reporting time",
    "goal_indicator_code": "Tillgänglighet", "goal_indicator": "Median minutes to report", "goal_unit": "min",
    "goal_baseline": "45", "goal_target": "30",
}


@dataclass(frozen=True)
class ReadLimits:
    """How much work one uploaded sheet may cause. The defaults hold the template's 5,000 rows of ~40
    columns with room to spare; a file beyond any of them is refused before or while it is read."""

    rows: int = MAX_ROWS                      # rows with any content, after the header
    row_index: int = 50_000                   # highest row number, blank rows included
    columns: int = 256                        # highest column of any row
    cell_chars: int = 32_767                  # Excel's own limit of one cell
    shared_strings: int = 300_000             # entries in the workbook's shared-string table
    zip_members: int = 1_000
    member_bytes: int = 32 * 1024 * 1024      # uncompressed size of one part of the workbook
    total_bytes: int = 64 * 1024 * 1024       # uncompressed size of all parts
    ratio: int = 100                          # uncompressed / compressed, for parts over ratio_from_bytes
    ratio_from_bytes: int = 1024 * 1024
    seconds: float = 20.0                     # time budget for reading the file


class SheetError(ValueError):
    """The file cannot be read as a sheet of rows; the message says why. `msgid` and `params` give the
    message for translation (str() is the English text); `limit` names the limit that refused it."""

    def __init__(self, msgid: str, *, limit: str | None = None, **params: Any):
        self.msgid, self.params, self.limit = msgid, params, limit
        super().__init__(msgid % params if params else msgid)


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells as text)


@dataclass
class _Budget:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise SheetError("Reading the file took longer than its time budget of %(seconds)s seconds; "
                             "split the file.", limit="seconds", seconds=f"{self.seconds:g}")


def read_sheet(filename: str, content: bytes, limits: ReadLimits | None = None) -> Sheet:
    limits = limits or ReadLimits()
    budget = _Budget(limits.seconds)
    budget.check()
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content, limits, budget)
    if lowered.endswith(".csv"):
        return _read_csv(content, limits, budget)
    raise SheetError("Upload an .xlsx or .csv file.")


class _Rows:
    """Rows collected while streaming, held to the limits: blank rows are counted but not kept."""

    def __init__(self, limits: ReadLimits, budget: _Budget):
        self.limits, self.budget = limits, budget
        self.headers: list[str] | None = None
        self.rows: list[tuple[int, list[str]]] = []
        self.number = 0

    def add(self, cells: list[str]) -> None:
        self.number += 1
        if self.number % 500 == 0:
            self.budget.check()
        if self.number > self.limits.row_index:
            raise _too_many_rows(self.limits)
        if len(cells) > self.limits.columns:
            raise _too_many_columns(self.limits)
        for cell in cells:
            if len(cell) > self.limits.cell_chars:
                raise _cell_too_long(self.limits)
        if self.headers is None:
            self.headers = cells
        elif any(cells):
            if len(self.rows) >= self.limits.rows:
                raise SheetError("At most %(rows)s rows per file; split the file.", limit="rows",
                                 rows=self.limits.rows)
            self.rows.append((self.number, cells))

    def sheet(self) -> Sheet:
        if self.headers is None or not any(self.headers):
            raise SheetError("The file is empty: the first row must hold the column names.")
        return Sheet(self.headers, self.rows)


def _too_many_rows(limits: ReadLimits) -> SheetError:
    return SheetError("The sheet reaches beyond row %(row_index)s, blank rows included; remove the empty "
                      "rows or split the file.", limit="row_index", row_index=limits.row_index)


def _too_many_columns(limits: ReadLimits) -> SheetError:
    return SheetError("The sheet has cells beyond column %(columns)s; the template has far fewer columns.",
                      limit="columns", columns=limits.columns)


def _cell_too_long(limits: ReadLimits) -> SheetError:
    return SheetError("A cell holds more than %(cell_chars)s characters.", limit="cell_chars",
                      cell_chars=limits.cell_chars)


# --------------------------------------------------------------------------- xlsx


_NOT_READABLE = "The file is not a readable .xlsx workbook."
_CELL_REF = re.compile(r"([A-Z]{1,3})")
_TEXT_ELEMENTS = frozenset({"t", "v", "f"})


def _column_number(reference: str) -> int:
    match = _CELL_REF.match(reference)
    number = 0
    for letter in match.group(1) if match else "":
        number = number * 26 + ord(letter) - 64
    return number


class _XmlScan:
    """One streaming pass over an XML part with expat (no tree is built): refuses DTDs and entities and
    holds rows, columns, cell text and shared strings to the limits."""

    def __init__(self, limits: ReadLimits, budget: _Budget):
        self.limits, self.budget = limits, budget
        self.shared_strings = 0
        self.row = 0
        self.cells_in_row = 0
        self.text_chars: int | None = None

    def _refuse_dtd(self, *args) -> None:
        raise SheetError("The workbook declares XML entities or a document type, which a workbook never "
                         "needs (refused: XXE and entity-expansion attacks).", limit="xml_entities")

    def _start(self, name: str, attributes: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            number = attributes.get("r")
            self.row = int(number) if number and number.isdigit() else self.row + 1
            self.cells_in_row = 0
            if self.row > self.limits.row_index:
                raise _too_many_rows(self.limits)
        elif local == "c":
            self.cells_in_row += 1
            column = _column_number(attributes.get("r", "")) or self.cells_in_row
            if max(column, self.cells_in_row) > self.limits.columns:
                raise _too_many_columns(self.limits)
        elif local == "si":
            self.shared_strings += 1
            if self.shared_strings > self.limits.shared_strings:
                raise SheetError("The workbook holds more than %(shared_strings)s shared strings.",
                                 limit="shared_strings", shared_strings=self.limits.shared_strings)
        elif local in _TEXT_ELEMENTS:
            self.text_chars = 0

    def _end(self, name: str) -> None:
        if name.rsplit(" ", 1)[-1] in _TEXT_ELEMENTS:
            self.text_chars = None

    def _text(self, data: str) -> None:
        if self.text_chars is not None:
            self.text_chars += len(data)
            if self.text_chars > self.limits.cell_chars:
                raise _cell_too_long(self.limits)

    def scan(self, stream) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.UnparsedEntityDeclHandler = self._refuse_dtd
        parser.ExternalEntityRefHandler = self._refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.row = 0
        while chunk := stream.read(64 * 1024):
            self.budget.check()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _check_archive(archive: zipfile.ZipFile, limits: ReadLimits, budget: _Budget) -> None:
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise SheetError("The workbook has more than %(zip_members)s parts.", limit="zip_members",
                         zip_members=limits.zip_members)
    total = 0
    for member in members:
        # The declared size bounds what zipfile will ever inflate (a member that lies fails its CRC).
        if member.file_size > limits.member_bytes:
            raise SheetError("A part of the workbook unpacks to more than %(mib)s MiB.", limit="member_bytes",
                             mib=limits.member_bytes // (1024 * 1024))
        if (member.file_size > limits.ratio_from_bytes
                and member.file_size > limits.ratio * max(member.compress_size, 1)):
            raise SheetError("A part of the workbook is compressed more than %(ratio)s to 1 (a zip bomb?).",
                             limit="ratio", ratio=limits.ratio)
        total += member.file_size
        if total > limits.total_bytes:
            raise SheetError("The workbook unpacks to more than %(mib)s MiB.", limit="total_bytes",
                             mib=limits.total_bytes // (1024 * 1024))
    scan = _XmlScan(limits, budget)
    for member in members:
        if member.is_dir():
            continue
        with archive.open(member) as stream:
            start = stream.peek(8)[:8].lstrip(b"\xef\xbb\xbf \t\r\n")
            if start.startswith(b"<") or start.startswith(b"\xff\xfe") or start.startswith(b"\xfe\xff"):
                scan.scan(stream)


def _read_xlsx(content: bytes, limits: ReadLimits, budget: _Budget) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_archive(archive, limits, budget)
    except SheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError, OSError, ValueError,
            NotImplementedError) as exc:
        raise SheetError(_NOT_READABLE) from exc
    collected = _Rows(limits, budget)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            named = [ws for ws in workbook.worksheets if ws.title.casefold() in SHEET_NAMES]
            worksheet = named[0] if named else workbook.worksheets[0]
            # The declared <dimension> is the file's claim, not its content: ignored, or a tiny file
            # declaring A1:XFD1048576 pads every row to 16,384 cells and every gap with empty rows.
            worksheet.reset_dimensions()
            for values in worksheet.iter_rows(values_only=True):
                collected.add([cell_text(value) for value in values])
        finally:
            workbook.close()
    except SheetError:
        raise
    # openpyxl's errors on a malformed workbook are of many kinds (its own, KeyError, IndexError,
    # TypeError, ValueError incl. defusedxml's); all mean the same to the person uploading.
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, KeyError, IndexError, TypeError,
            AttributeError, ValueError, OSError, EOFError, SyntaxError) as exc:
        raise SheetError(_NOT_READABLE) from exc
    return collected.sheet()


# --------------------------------------------------------------------------- csv


def _read_csv(content: bytes, limits: ReadLimits, budget: _Budget) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV" on Swedish Windows
    first_line = text[:4096].split("\n", 1)[0]
    # Swedish Excel writes ';' (the comma is the decimal sign); others write ','.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    collected = _Rows(limits, budget)
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            collected.add([cell.strip() for cell in row])
    except csv.Error as exc:
        raise SheetError("The CSV file cannot be read: %(reason)s.", reason=str(exc)) from exc
    return collected.sheet()


# --------------------------------------------------------------------------- the template


def template_headers(lang: str) -> list[str]:
    return [column.sv if lang == "sv" else column.en for column in COLUMNS]


def template_csv(lang: str = "sv") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if lang == "sv" else ",")
    writer.writerow(template_headers(lang))
    writer.writerow([EXAMPLE_ROW.get(column.key, "") for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(lang: str = "sv", question_ids: tuple[str, ...] = ()) -> bytes:
    """The template: a sheet of columns with one example row, and a sheet documenting each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lösningar" if lang == "sv" else "Solutions"
    sheet.append(template_headers(lang) + list(question_ids))
    sheet.append([EXAMPLE_ROW.get(column.key, "") for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    docs = workbook.create_sheet("Instruktioner" if lang == "sv" else "Instructions")
    docs.append(["Column (en)", "Kolumn (sv)", "Key", "Required", "Description"])
    for column in COLUMNS:
        docs.append([column.en, column.sv, column.key, "yes" if column.required else "", column.help])
    docs.append([])
    docs.append(["<question id>", "<fråge-id>", "", "",
                 "Optional first classification answers: one column per question id of the questionnaire "
                 "(classification-contract.md), e.g. ai_system; lists separated by ';', '-' for none."])
    for cell in docs[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
