"""Evidence records and their files through the API: types, dates and validity, uploads and downloads."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from ai_register.evidence import services as evidence_services
from ai_register.evidence.files import sanitise_filename
from ai_register.evidence.validity import is_valid_on
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType
from ai_register.solutions.services import region_today
from tests.helpers import events, problem

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))
TEXT = "Riskbedömning genomförd av vårdenheten.\n".encode()

DPIA = {"type": "dpia", "title": "DPIA triage support", "reference": "DPIA-2026-014",
        "issued_on": "2026-01-10", "expires_on": None, "issuer": "Region data protection officer"}


def ooxml(main_part: str) -> bytes:
    """A minimal Office file. The entries carry a fixed date: the bytes are part of the test ids, which
    every pytest-xdist worker must collect alike (the clock would differ across a 2-second boundary)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), (main_part, "<document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def url(sid: int) -> str:
    return f"/api/v1/solutions/{sid}/evidence"


def upload(api, sid: int, content: bytes, filename: str, who: str = "owner", **fields):
    data = {**{k: v for k, v in DPIA.items() if v is not None}, **fields,
            "file": (io.BytesIO(content), filename)}
    return api.post(who, url(sid), data=data, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- records ------------------------------------------------------------------------------------------

def test_record_list_and_read_evidence_as_json(api, solution, users):
    response = api.post("owner", url(solution.id), json=DPIA)
    assert response.status_code == 201, response.get_json()
    dpia = response.get_json()
    assert dpia["type"] == "dpia" and dpia["reference"] == "DPIA-2026-014" and dpia["file"] is None
    assert dpia["valid_today"] is True and dpia["superseded_by_id"] is None
    assert dpia["created_by_id"] == users["owner"].id
    ce = api.post("compliance", url(solution.id), json={
        "type": "ce_certificate", "title": "CE certificate", "reference": "NB 2797-MDR-123",
        "issued_on": "2025-06-01", "expires_on": "2030-05-31", "issuer": "BSI Group The Netherlands B.V."})
    assert ce.status_code == 201

    listing = api.get("auditor", url(solution.id)).get_json()
    assert listing["total"] == 2 and [e["type"] for e in listing["items"]] == ["dpia", "ce_certificate"]
    only_ce = api.get("owner", url(solution.id), query_string={"type": "ce_certificate"}).get_json()
    assert [e["id"] for e in only_ce["items"]] == [ce.get_json()["id"]]
    assert api.get("auditor", f"/api/v1/evidence/{dpia['id']}").get_json()["title"] == DPIA["title"]


@pytest.mark.parametrize("evidence_type", [t.value for t in EvidenceType])
def test_every_evidence_type_is_accepted(api, solution, evidence_type):
    response = api.post("owner", url(solution.id), json={**DPIA, "type": evidence_type})
    assert response.status_code == 201 and response.get_json()["type"] == evidence_type


def test_validation_errors_name_the_fields(api, solution):
    body = problem(api.post("owner", url(solution.id), json={"type": "horoscope"}), 422)
    assert {"type", "title", "issued_on"} <= set(body["errors"]) and "issued_on" in body["detail"]
    body = problem(api.post("owner", url(solution.id), json={**DPIA, "expires_on": "2025-12-31"}), 422)
    assert body["errors"] == {"expires_on": ["Must not be before issued_on."]}  # the evidence service's rule
    assert (body["code"], body["detail"]) == ("invalid_input", "Invalid input: expires_on")
    body = problem(api.post("owner", url(solution.id), json={**DPIA, "secret": 1}), 422)
    assert "secret" in body["errors"]
    body = problem(upload(api, solution.id, PDF, "dpia.pdf", issued_on="not a date"), 422)
    assert "issued_on" in body["errors"]
    problem(api.post("owner", url(solution.id), data="type=dpia", content_type="text/plain"), 415)
    problem(api.post("owner", url(solution.id), json=["not", "an", "object"]), 422)
    assert events(solution.id) == []


def test_expiry_and_validity_on_a_date(api, solution):
    today = region_today()
    expired = api.post("owner", url(solution.id), json={
        **DPIA, "issued_on": (today - timedelta(days=400)).isoformat(),
        "expires_on": (today - timedelta(days=1)).isoformat()}).get_json()
    expires_today = api.post("owner", url(solution.id), json={
        **DPIA, "issued_on": (today - timedelta(days=10)).isoformat(),
        "expires_on": today.isoformat()}).get_json()
    valid = api.post("owner", url(solution.id), json={
        **DPIA, "issued_on": today.isoformat(),
        "expires_on": (today + timedelta(days=1)).isoformat()}).get_json()
    future = api.post("owner", url(solution.id), json={
        **DPIA, "issued_on": (today + timedelta(days=5)).isoformat()}).get_json()
    assert (expired["valid_today"], valid["valid_today"], future["valid_today"]) == (False, True, False)
    # The expiry day itself counts exactly as the gates count it.
    gate_says = EvidenceFact(EvidenceType.DPIA, today - timedelta(days=10), today).valid_on(today)
    assert expires_today["valid_today"] is gate_says


def test_is_valid_on_pure_and_the_same_rule_as_the_gates():
    fact = EvidenceFact(EvidenceType.FRIA, date(2026, 1, 1), date(2026, 12, 31))
    for on, valid in ((date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2026, 12, 30), True),
                      (date(2027, 1, 1), False)):
        assert is_valid_on(fact, on) is valid
    for offset in range(-3, 400):
        on = date(2026, 1, 1) + timedelta(days=offset)
        assert is_valid_on(fact, on) is fact.valid_on(on)
    assert is_valid_on(EvidenceFact(EvidenceType.DPIA, date(2026, 1, 1)), date(2099, 1, 1)) is True


def test_supersede_keeps_both_and_only_the_new_counts(api, solution):
    old = api.post("owner", url(solution.id), json={**DPIA, "expires_on": "2030-01-01"}).get_json()
    response = api.post("owner", url(solution.id), json={
        **DPIA, "title": "DPIA v2", "issued_on": "2026-03-01", "supersedes": old["id"],
        "reason": "New data source"})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    old_now = api.get("owner", f"/api/v1/evidence/{old['id']}").get_json()
    assert old_now["superseded_by_id"] == new["id"] and old_now["superseded_at"]
    assert api.get("owner", url(solution.id)).get_json()["total"] == 2
    current = api.get("owner", url(solution.id), query_string={"current": "true"}).get_json()
    assert [e["id"] for e in current["items"]] == [new["id"]]
    # Superseding twice is a conflict; superseding another solution's evidence is refused.
    problem(api.post("owner", url(solution.id), json={**DPIA, "supersedes": old["id"]}), 409)
    body = problem(api.post("owner", url(solution.id), json={**DPIA, "supersedes": 999999}), 422)
    assert "supersedes" in body["errors"]
    assert [f.issued_on for f in evidence_services.evidence_facts(solution.id)] == [date(2026, 3, 1)]
    assert len(evidence_services.evidence_for(solution.id, include_superseded=True)) == 2
    trail = events(solution.id, "evidence")
    assert [(e.action, int(e.entity_id)) for e in trail] == [
        ("create", old["id"]), ("create", new["id"]), ("supersede", old["id"])]
    assert trail[2].data["changes"]["superseded_by_id"] == {"before": None, "after": new["id"]}
    assert trail[2].reason == "New data source"


# --- files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "filename", "content_type"), [
    (PDF, "dpia.pdf", "application/pdf"),
    (PNG, "scan.PNG", "image/png"),
    (JPEG, "photo.jpeg", "image/jpeg"),
    (JPEG, "photo.jpg", "image/jpeg"),
    (TEXT, "note.txt", "text/plain"),
    (ooxml("word/document.xml"), "report.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("xl/workbook.xml"), "plan.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_upload_and_download_back_identical(api, solution, app, content, filename, content_type):
    response = upload(api, solution.id, content, filename)
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    assert record["file"]["name"] == filename and record["file"]["content_type"] == content_type
    assert record["file"]["size"] == len(content)
    assert record["file"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert record["type"] == "dpia" and record["issued_on"] == DPIA["issued_on"]
    for who in ("owner", "compliance", "auditor"):
        download = api.get(who, record["file"]["download_url"])
        assert download.status_code == 200 and download.data == content
        assert download.mimetype == content_type
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert filename in download.headers["Content-Disposition"]
        assert download.headers["Cache-Control"] == "no-store"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    # Stored under a random name, in the upload directory only.
    [stored] = stored_files(app)
    assert stored.parent == Path(app.config["UPLOAD_DIR"]) and stored.name != filename
    assert stored.read_bytes() == content
    created = events(solution.id, "evidence")[0].data["record"]
    assert created["file_sha256"] == record["file"]["sha256"] and "stored_name" not in created


def test_upload_over_the_size_limit_is_413(api, solution, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 20 * 1024 * 1024
    body = problem(upload(api, solution.id, PDF + b"0" * limit, "big.pdf"), 413)
    assert body["status"] == 413
    assert stored_files(app) == [] and events(solution.id) == []


def test_file_itself_over_the_limit_is_413_even_without_a_request_limit(api, solution, app):
    # Chunked bodies carry no length; the service counts the bytes it stores.
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = api.post("owner", url(solution.id), data={**{k: v for k, v in DPIA.items() if v},
                                                         "file": (io.BytesIO(PDF + b"0" * 2048), "a.pdf")},
                        content_type="multipart/form-data")
    problem(response, 413)
    assert stored_files(app) == []


@pytest.mark.parametrize(("content", "filename"), [
    (PNG, "actually-a-png.pdf"),
    (PDF, "actually-a-pdf.png"),
    (b"MZ\x90\x00" + bytes(64), "tool.exe"),
    (PDF, "no-extension"),
    (b"%PDF-1.7\x00" + bytes(16), "binary.txt"),
    (b"\xff\xfe\xfa invalid utf-8", "latin.txt"),
    (ooxml("xl/workbook.xml"), "spreadsheet-as.docx"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx"),
    (PDF, "report.html"),
])
def test_wrong_type_is_refused_by_extension_or_content(api, solution, app, content, filename):
    body = problem(upload(api, solution.id, content, filename), 415)
    assert "file" in body["errors"]
    assert stored_files(app) == [] and events(solution.id) == []


def test_empty_file_is_refused(api, solution, app):
    body = problem(upload(api, solution.id, b"", "empty.pdf"), 422)
    assert "file" in body["errors"] and stored_files(app) == []


@pytest.mark.parametrize(("filename", "stored_as"), [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\evil.pdf", None),
    ("/absolute/path/report.pdf", "report.pdf"),
    ("....pdf", "evidence.pdf"),
    ("Riskbedömning för vårdenhet.pdf", "Riskbedomning_for_vardenhet.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ("CON.pdf", None),
])
def test_traversal_looking_filenames_are_stored_safely(api, solution, app, filename, stored_as):
    response = upload(api, solution.id, PDF, filename)
    assert response.status_code == 201, response.get_json()
    name = response.get_json()["file"]["name"]
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.pdf", name), name
    if stored_as is not None:
        assert name == stored_as
    [stored] = stored_files(app)
    assert stored.parent == Path(app.config["UPLOAD_DIR"]) and re.fullmatch(r"[0-9a-f]{32}", stored.name)
    download = api.get("owner", response.get_json()["file"]["download_url"])
    assert download.data == PDF and name in download.headers["Content-Disposition"]


def test_sanitise_filename_keeps_extension_and_length():
    assert sanitise_filename("a" * 500 + ".pdf", "pdf") == "a" * 196 + ".pdf"
    assert sanitise_filename("", "txt") == "evidence.txt"


def test_download_without_a_file_or_missing_from_storage_is_404(api, solution, app):
    record = api.post("owner", url(solution.id), json=DPIA).get_json()
    problem(api.get("owner", f"/api/v1/evidence/{record['id']}/file"), 404)
    with_file = upload(api, solution.id, PDF, "a.pdf").get_json()
    for stored in stored_files(app):
        stored.unlink()
    problem(api.get("owner", with_file["file"]["download_url"]), 404)


def test_unknown_multipart_file_field_is_refused(api, solution, app):
    data = {**{k: v for k, v in DPIA.items() if v}, "attachment": (io.BytesIO(PDF), "a.pdf")}
    body = problem(api.post("owner", url(solution.id), data=data, content_type="multipart/form-data"), 422)
    assert "attachment" in body["errors"] and stored_files(app) == []


def test_multipart_without_a_file_records_metadata_only(api, solution):
    data = {k: v for k, v in DPIA.items() if v}
    response = api.post("owner", url(solution.id), data={**data, "expires_on": ""},
                        content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["file"] is None
    assert response.get_json()["expires_on"] is None


# --- access and audit ---------------------------------------------------------------------------------

def test_auditor_reads_and_downloads_but_cannot_write(api, solution, app):
    record = upload(api, solution.id, PDF, "a.pdf").get_json()
    problem(api.post("auditor", url(solution.id), json=DPIA), 403)
    problem(upload(api, solution.id, PDF, "b.pdf", who="auditor"), 403)
    assert api.get("auditor", url(solution.id)).status_code == 200
    assert api.get("auditor", f"/api/v1/evidence/{record['id']}").status_code == 200
    assert api.get("auditor", record["file"]["download_url"]).data == PDF
    for path in (url(solution.id), f"/api/v1/evidence/{record['id']}", record["file"]["download_url"]):
        problem(api.get("admin", path), 403)
    assert len(stored_files(app)) == 1


def test_another_owners_evidence_is_404(api, solution, app):
    record = upload(api, solution.id, PDF, "a.pdf").get_json()
    for response in (
        api.get("owner2", url(solution.id)),
        api.post("owner2", url(solution.id), json=DPIA),
        upload(api, solution.id, PDF, "b.pdf", who="owner2"),
        api.get("owner2", f"/api/v1/evidence/{record['id']}"),
        api.get("owner2", record["file"]["download_url"]),
        api.get("owner", "/api/v1/evidence/999999"),
        api.get("owner", "/api/v1/evidence/999999/file"),
    ):
        body = problem(response, 404)
        assert "a.pdf" not in str(body)
    assert len(stored_files(app)) == 1


def test_every_change_is_audited_with_the_solution(api, solution, users):
    first = upload(api, solution.id, PDF, "a.pdf").get_json()
    api.post("compliance", url(solution.id), json={**DPIA, "supersedes": first["id"]})
    trail = events(solution.id)
    assert [(e.entity_type, e.action, e.actor_id) for e in trail] == [
        ("evidence", "create", users["owner"].id), ("evidence", "create", users["compliance"].id),
        ("evidence", "supersede", users["compliance"].id)]
    assert all(e.solution_id == solution.id for e in trail)
    assert trail[0].data["record"]["file_name"] == "a.pdf"
