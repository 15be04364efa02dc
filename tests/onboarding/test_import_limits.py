"""Hostile spreadsheets (issue 19, item 3): the import bounds its work before parsing and refuses with
422 naming the limit; XXE and entity expansion are 422 too, and a clean error on the command line.
The files are built here by small generators; memory is measured with tracemalloc (no timings)."""

from __future__ import annotations

import contextlib
import io
import tracemalloc
import zipfile

import pytest

from ai_register.onboarding.spreadsheet import ReadLimits, SheetError, read_sheet
from tests.onboarding.conftest import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def base_workbook() -> bytes:
    return xlsx_bytes(["Externt id", "Namn", "Syfte"], [["NLL-1", "Röntgenstöd", "Flags nodules."]])


def rewrite(workbook: bytes, parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with some parts replaced or added (written streamed, so a huge part costs no memory)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item.filename, source.read(item.filename))
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def sheet_xml(rows: str, dimension: str = "A1:C2") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + inline("A1", "Externt id") + inline("B1", "Namn") + inline("C1", "Syfte") + "</row>"


def refused(exc_info, limit: str) -> str:
    assert exc_info.value.limit == limit, str(exc_info.value)
    return str(exc_info.value)


def peak_mib(function) -> float:
    tracemalloc.start()
    with contextlib.suppress(SheetError):
        function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / (1024 * 1024)


def test_a_declared_dimension_of_the_whole_sheet_is_ignored():
    # Trusting the dimension, the gap before row 40,000 became thousands of rows of 16,384 cells (~700 MiB).
    bomb = rewrite(base_workbook(), {SHEET: sheet_xml(
        HEADER_ROW + '<row r="2">' + inline("A2", "NLL-1") + inline("B2", "X") + inline("C2", "P") + "</row>"
        + '<row r="40000">' + inline("A40000", "NLL-2") + "</row>", dimension="A1:XFD1048576")})
    assert len(bomb) < 10_000
    sheet = read_sheet("bomb.xlsx", bomb)
    assert sheet.headers == ["Externt id", "Namn", "Syfte"]
    assert sheet.rows == [(2, ["NLL-1", "X", "P"]), (40000, ["NLL-2"])]
    assert peak_mib(lambda: read_sheet("bomb.xlsx", bomb)) < 20


def test_a_cell_far_to_the_right_is_refused_before_any_row_is_padded():
    bomb = rewrite(base_workbook(), {SHEET: sheet_xml(HEADER_ROW + '<row r="2">' + inline("XFD2", "x") + "</row>")})
    with pytest.raises(SheetError) as exc_info:
        read_sheet("wide.xlsx", bomb)
    assert "column 256" in refused(exc_info, "columns")


def test_a_row_far_below_is_refused_before_the_gap_is_filled():
    bomb = rewrite(base_workbook(), {SHEET: sheet_xml(HEADER_ROW + '<row r="1048576">' + inline("A1048576", "x")
                                                      + "</row>")})
    with pytest.raises(SheetError) as exc_info:
        read_sheet("tall.xlsx", bomb)
    assert "row 50000" in refused(exc_info, "row_index")


def test_a_huge_inline_string_is_refused_by_its_unpacked_size_without_reading_it():
    huge = sheet_xml(HEADER_ROW + '<row r="2">' + inline("A2", "a" * (40 * 1024 * 1024)) + "</row>")
    bomb = rewrite(base_workbook(), {SHEET: huge})
    del huge
    assert len(bomb) < 200_000
    with pytest.raises(SheetError) as exc_info:
        read_sheet("string.xlsx", bomb)
    assert "MiB" in refused(exc_info, "member_bytes")
    assert peak_mib(lambda: read_sheet("string.xlsx", bomb)) < 5


def test_a_part_compressed_beyond_the_ratio_is_refused():
    bomb = rewrite(base_workbook(), {"xl/media/filler.xml": b"<a>" + b" " * (4 * 1024 * 1024) + b"</a>"})
    with pytest.raises(SheetError) as exc_info:
        read_sheet("ratio.xlsx", bomb)
    assert "100 to 1" in refused(exc_info, "ratio")


def test_a_cell_longer_than_excel_allows_is_refused():
    bomb = rewrite(base_workbook(), {SHEET: sheet_xml(HEADER_ROW + '<row r="2">' + inline("A2", "a" * 40_000)
                                                      + "</row>")})
    with pytest.raises(SheetError) as exc_info:
        read_sheet("long.xlsx", bomb)
    refused(exc_info, "cell_chars")


def test_millions_of_shared_strings_are_counted_and_refused_while_streaming():
    assert ReadLimits().shared_strings == 300_000
    limits = ReadLimits(shared_strings=20_000)
    strings = b"".join(b"<si><t>%x</t></si>" % n for n in range(limits.shared_strings + 1))
    table = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">').encode() + strings + b"</sst>"
    # Stored, not deflated: within the part and ratio limits, so the count is what refuses it.
    bomb = rewrite(base_workbook(), {"xl/sharedStrings.xml": table}, compression=zipfile.ZIP_STORED)
    with pytest.raises(SheetError) as exc_info:
        read_sheet("strings.xlsx", bomb, limits)
    assert "20000 shared strings" in refused(exc_info, "shared_strings")
    assert peak_mib(lambda: read_sheet("strings.xlsx", bomb, limits)) < 5


XXE = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       f'<sst xmlns="{MAIN}"><si><t>&xxe;</t></si></sst>').encode()
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10))
          + f']><workbook xmlns="{MAIN}"><x>&lol9;</x></workbook>').encode()


@pytest.mark.parametrize("part,payload", [("xl/sharedStrings.xml", XXE), ("xl/workbook.xml", LAUGHS)])
def test_xml_entities_are_refused(part, payload):
    with pytest.raises(SheetError) as exc_info:
        read_sheet("entities.xlsx", rewrite(base_workbook(), {part: payload}))
    assert "entities" in refused(exc_info, "xml_entities")


def test_blank_csv_lines_are_counted_while_streaming():
    content = b"Externt id,Namn,Syfte\n" + b"\n" * 2_000_000
    with pytest.raises(SheetError) as exc_info:
        read_sheet("blank.csv", content)
    refused(exc_info, "row_index")
    assert peak_mib(lambda: read_sheet("blank.csv", content)) < 30  # the decoded text, no list of rows


def test_csv_rows_columns_and_cells_are_bounded():
    limits = ReadLimits(rows=3)
    rows = b"".join(b"NLL-%d,x,y\n" % n for n in range(4))
    with pytest.raises(SheetError) as exc_info:
        read_sheet("rows.csv", b"a,b,c\n" + rows, limits)
    assert "At most 3 rows" in refused(exc_info, "rows")
    with pytest.raises(SheetError) as exc_info:
        read_sheet("wide.csv", b",".join([b"h"] * 300) + b"\n")
    refused(exc_info, "columns")
    with pytest.raises(SheetError) as exc_info:
        read_sheet("cell.csv", b"a,b\n" + b"x" * 40_000 + b",y\n")
    refused(exc_info, "cell_chars")


def test_a_read_beyond_its_time_budget_is_refused():
    with pytest.raises(SheetError) as exc_info:
        read_sheet("slow.csv", b"a,b\n1,2\n", ReadLimits(seconds=0))
    assert "time budget of 0 seconds" in refused(exc_info, "seconds")


def test_a_corrupt_part_is_not_a_readable_workbook():
    good = base_workbook()
    broken = rewrite(good, {SHEET: b"<worksheet><sheetData><row><c"})
    with pytest.raises(SheetError, match="not a readable"):
        read_sheet("broken.xlsx", broken)


# --------------------------------------------------------------------------- through the API, web and CLI


def upload(client, headers, content: bytes, name: str):
    return client.post("/api/v1/imports/solutions?dry_run=true", headers=headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_the_api_refuses_a_hostile_workbook_with_a_422_naming_the_limit(client, users, auth):
    response = upload(client, auth(users["compliance"]), rewrite(base_workbook(), {"xl/sharedStrings.xml": XXE}),
                      "x.xlsx")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["limit"] == "xml_entities"
    assert "entities" in body["errors"]["file"][0]


def test_the_api_applies_the_configured_time_budget(app, client, users, auth):
    app.config["IMPORT_TIME_BUDGET_SECONDS"] = 0
    response = upload(client, auth(users["compliance"]), b"a,b\n1,2\n", "x.csv")
    assert response.status_code == 422
    assert response.get_json()["limit"] == "seconds"


def test_the_web_page_names_the_limit_in_swedish(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = False
    with client.session_transaction() as session:
        session["_user_id"] = str(users["compliance"].id)
        session["lang"] = "sv"
    content = b"Externt id,Namn,Syfte\n" + b"\n" * 60_000
    response = client.post("/imports/solutions", data={"file": (io.BytesIO(content), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "tomma rader" in response.get_data(as_text=True)


def test_the_cli_reports_a_hostile_workbook_without_a_traceback(runner, users, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(rewrite(base_workbook(), {"xl/workbook.xml": LAUGHS}))
    result = runner.invoke(args=["import", "solutions", str(path), "--dry-run", "--as", "compliance@region.example"])
    assert result.exit_code == 1
    assert "entities" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
