"""Forged and damaged bundles (issue #19, item 1): tools/verify_bundle.py refuses duplicate names, names
outside the manifest and unsafe paths, turns every ZIP or decompression error into NOT INTACT with a
reason and exit code 3, and checks the evidence files a bundle carries against the register's record."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import warnings
import zipfile
from pathlib import Path

import pytest

from tests.reports.test_bundle import TOOL, bundle_url, rewrite, verify

EVIDENCE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def bundle(client, auth, users, story, tmp_path) -> Path:
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.data)
    return path


@pytest.fixture
def public_key(client, tmp_path) -> Path:
    path = tmp_path / "key.pem"
    path.write_bytes(client.get("/api/v1/audit/public-key").data)
    return path


def load_tool():
    spec = importlib.util.spec_from_file_location("verify_bundle_under_test", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def with_extra_entries(source: Path, target: Path, extra: dict[str, bytes], *, first: bool) -> Path:
    """A copy of the ZIP with `extra` entries written before (first=True) or after the originals."""
    with zipfile.ZipFile(source) as old:
        originals = [(info, old.read(info.filename)) for info in old.infolist()]
    with warnings.catch_warnings(), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        warnings.simplefilter("ignore")  # "Duplicate name": exactly what the forger wants
        if first:
            for name, data in extra.items():
                new.writestr(name, data)
        for info, data in originals:
            new.writestr(info, data)
        if not first:
            for name, data in extra.items():
                new.writestr(name, data)
    return target


def test_a_second_report_beside_the_originals_is_refused(bundle, public_key, tmp_path):
    """The forged copies come first: `unzip` extracts them, while zipfile.open() reads the last entry."""
    forged = with_extra_entries(bundle, tmp_path / "forged.zip", {
        "report.json": b'{"solution": {"name": "forged"}}', "report.pdf": b"%PDF-1.4 forged"}, first=True)
    result = verify(forged, public_key)
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("NOT INTACT")
    assert "report.json appears 2 times in the bundle" in result.stdout
    assert "report.pdf appears 2 times in the bundle" in result.stdout


@pytest.mark.parametrize("name", ["../report.json", "/etc/cron.d/evil", "evidence/../../x.pdf",
                                  "C:/Windows/evil.txt", "..\\evil.txt"])
def test_unsafe_paths_are_refused(bundle, public_key, tmp_path, name):
    forged = with_extra_entries(bundle, tmp_path / "unsafe.zip", {name: b"x"}, first=False)
    result = verify(forged, public_key)
    assert result.returncode == 1, result.stdout
    assert "unsafe path" in result.stdout and repr(name) in result.stdout


def test_a_name_outside_the_manifest_is_refused(bundle, public_key, tmp_path):
    forged = with_extra_entries(bundle, tmp_path / "extra.zip", {"evidence/99-forged.pdf": b"%PDF"}, first=False)
    result = verify(forged, public_key)
    assert result.returncode == 1
    assert "evidence/99-forged.pdf is in the bundle but not in the manifest" in result.stdout


def _compressed_data_offset(path: Path, name: str) -> int:
    """Where the compressed bytes of `name` start in the file (after its local header)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    raw = path.read_bytes()
    header = info.header_offset
    name_length = int.from_bytes(raw[header + 26:header + 28], "little")
    extra_length = int.from_bytes(raw[header + 28:header + 30], "little")
    return header + 30 + name_length + extra_length


def test_damaged_compressed_data_is_not_intact_with_exit_code_3(bundle, public_key, tmp_path):
    raw = bytearray(bundle.read_bytes())
    offset = _compressed_data_offset(bundle, "events.jsonl") + 20
    raw[offset] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    result = verify(damaged, public_key)
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout.startswith("NOT INTACT")
    assert "events.jsonl cannot be read" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_truncated_bundle_is_not_intact_with_exit_code_3(bundle, public_key, tmp_path):
    damaged = tmp_path / "short.zip"
    damaged.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    result = verify(damaged, public_key)
    assert result.returncode == 3 and "not a readable ZIP" in result.stdout
    assert "Traceback" not in result.stderr


def test_not_a_zip_is_exit_code_3(tmp_path):
    path = tmp_path / "junk.zip"
    path.write_bytes(b"not a zip")
    result = verify(path)
    assert result.returncode == 3 and result.stdout.startswith("NOT INTACT")


def test_a_missing_file_is_usage_exit_code_2(tmp_path):
    result = verify(tmp_path / "absent.zip")
    assert result.returncode == 2 and "cannot read" in result.stderr


def contents(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_byte_flips_never_end_in_a_traceback(bundle, public_key):
    """Single-byte flips over the whole file (a sample of the data, every byte of the central directory):
    each ends NOT INTACT with a reason, or INTACT only when every entry still extracts to the same bytes
    under the same name (the flip hit a byte no check needs, such as a file time)."""
    tool = load_tool()
    pinned = public_key.read_bytes()
    original = bundle.read_bytes()
    expected = contents(original)
    with zipfile.ZipFile(bundle) as archive:
        directory_start = archive.start_dir
    positions = sorted(set(range(0, len(original), max(1, len(original) // 400)))
                       | set(range(directory_start, len(original))))
    outcomes = {0: 0, 1: 0, 3: 0}
    for position in positions:
        flipped = bytearray(original)
        flipped[position] ^= 0x55
        findings = tool.verify_bytes(bytes(flipped), pinned)
        code = tool.exit_code(findings)
        assert code in outcomes
        outcomes[code] += 1
        if code == 0:
            assert contents(bytes(flipped)) == expected, f"INTACT after a flip at byte {position}"
        else:
            assert findings.problems
    assert outcomes[1] and outcomes[3] and outcomes[0] < len(positions) / 2, outcomes


def test_a_member_larger_than_the_manifest_says_is_not_read_whole(bundle, public_key, tmp_path):
    """A member inflated beyond its manifest size is refused after reading at most one byte more."""
    def inflate(name, data):
        return data + b"\n" * (5 * 1024 * 1024) if name == "events.jsonl" else data

    result = verify(rewrite(bundle, tmp_path / "inflated.zip", inflate), public_key)
    assert result.returncode == 1
    assert "events.jsonl: SHA-256 does not match the manifest (the file was changed: it is larger than the " \
           "manifest states" in result.stdout


# --- the evidence files themselves ------------------------------------------------------------------

@pytest.fixture
def bundle_with_file(client, auth, users, story, tmp_path) -> tuple[Path, dict]:
    data = {"type": "risk_assessment", "title": "Riskbedömning", "issued_on": "2026-02-01",
            "file": (io.BytesIO(EVIDENCE_PDF), "riskbedömning ärende 7.pdf")}
    response = client.post(f"/api/v1/solutions/{story.solution_id}/evidence", data=data,
                           content_type="multipart/form-data", headers=auth(users["owner"]))
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    assert response.status_code == 200
    path = tmp_path / "with-file.zip"
    path.write_bytes(response.data)
    return path, record


def test_the_bundle_carries_evidence_files_hashed_in_the_manifest(bundle_with_file, public_key):
    path, record = bundle_with_file
    name = f"evidence/{record['id']}-{record['file']['name']}"
    with zipfile.ZipFile(path) as archive:
        assert archive.read(name) == EVIDENCE_PDF
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["files"][name] == {"sha256": hashlib.sha256(EVIDENCE_PDF).hexdigest(),
                                       "size": len(EVIDENCE_PDF), "evidence_id": record["id"]}
    result = verify(path, public_key)
    assert result.returncode == 0, result.stdout
    assert "1 evidence file checked against the report" in result.stdout


def test_an_evidence_file_changed_on_disk_before_export_is_caught(bundle_with_file, client, auth, users,
                                                                   story, app, tmp_path, public_key):
    """Someone with the server's disk edits a stored file: the bundle is signed over what was read, but
    the report still carries the SHA-256 recorded at upload, and the tool compares the two."""
    from ai_register.evidence.models import Evidence
    from ai_register.extensions import db

    _path, record = bundle_with_file
    stored = db.session.get(Evidence, record["id"]).stored_name
    (Path(app.config["UPLOAD_DIR"]) / stored).write_bytes(EVIDENCE_PDF.replace(b"Catalog", b"Katalog"))
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    path = tmp_path / "edited-on-disk.zip"
    path.write_bytes(response.data)
    result = verify(path, public_key)
    assert result.returncode == 1
    assert f"evidence {record['id']}: the file in the bundle is not the one recorded at upload" in result.stdout


def test_an_evidence_file_lost_from_disk_is_declared(bundle_with_file, client, auth, users, story, app,
                                                     tmp_path, public_key):
    from ai_register.evidence.models import Evidence
    from ai_register.extensions import db

    _path, record = bundle_with_file
    (Path(app.config["UPLOAD_DIR"]) / db.session.get(Evidence, record["id"]).stored_name).unlink()
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    assert response.status_code == 200
    path = tmp_path / "lost.zip"
    path.write_bytes(response.data)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["evidence_files_missing"] == [{"evidence_id": record["id"],
                                                   "sha256": record["file"]["sha256"]}]
    result = verify(path, public_key)
    assert result.returncode == 1
    assert f"evidence {record['id']}: its file is not in the bundle" in result.stdout


def test_exit_codes_are_documented():
    doc = load_tool().__doc__
    for line in ("0  INTACT", "1  NOT INTACT", "2  usage", "3  NOT INTACT"):
        assert line in doc
