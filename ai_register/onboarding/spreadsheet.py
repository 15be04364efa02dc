"""Reading an uploaded sheet (XLSX with openpyxl, or CSV) into rows of cells, and writing the template."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

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


class SheetError(ValueError):
    """The file cannot be read as a sheet of rows; the message says why."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells as text)


def read_sheet(filename: str, content: bytes) -> Sheet:
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        return _read_xlsx(content)
    if lowered.endswith(".csv"):
        return _read_csv(content)
    raise SheetError("Upload an .xlsx or .csv file.")


def _sheet(raw_rows: list[list[str]]) -> Sheet:
    if not raw_rows:
        raise SheetError("The file is empty: the first row must hold the column names.")
    headers = raw_rows[0]
    rows = [(number, cells) for number, cells in enumerate(raw_rows[1:], start=2) if any(cells)]
    if len(rows) > MAX_ROWS:
        raise SheetError(f"At most {MAX_ROWS} rows per file; split the file.")
    return Sheet(headers, rows)


def _read_xlsx(content: bytes) -> Sheet:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SheetError("The file is not a readable .xlsx workbook.") from exc
    try:
        named = [ws for ws in workbook.worksheets if ws.title.casefold() in SHEET_NAMES]
        worksheet = named[0] if named else workbook.worksheets[0]
        raw = []
        for values in worksheet.iter_rows(values_only=True):
            raw.append([cell_text(value) for value in values])
            if len(raw) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    while raw and not any(raw[-1]):
        raw.pop()
    return _sheet(raw)


def _read_csv(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    first_line = text.split("\n", 1)[0]
    # Swedish Excel writes ';' (the comma is the decimal sign); others write ','.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        raw = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise SheetError(f"The CSV file cannot be read: {exc}.") from exc
    return _sheet(raw)


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
