"""The signed evidence bundle, verified offline by tools/verify_bundle.py run as a separate process."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ai_register.audit.chain import link_hash

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_bundle.py"
FILES = {"report.json", "report.pdf", "events.jsonl", "chain_head.json", "manifest.json", "manifest.sig",
         "public_key.pem"}


def bundle_url(story) -> str:
    return f"/api/v1/solutions/{story.solution_id}/bundle"


def verify(path: Path, key: Path | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, str(TOOL), str(path)] + (["--public-key", str(key)] if key else [])
    # A clean environment: the tool must not need the register on its path.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": ""}
    return subprocess.run(args, capture_output=True, text=True, cwd="/", env=env, timeout=60)


@pytest.fixture
def bundle(client, auth, users, story, tmp_path) -> Path:
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.data)
    return path


@pytest.fixture
def public_key(client, tmp_path) -> Path:
    response = client.get("/api/v1/audit/public-key")
    assert response.status_code == 200 and response.mimetype == "application/x-pem-file"
    path = tmp_path / "key.pem"
    path.write_bytes(response.data)
    return path


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the ZIP with `change(name, bytes) -> bytes | None` applied (None drops the file)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    return target


@pytest.mark.parametrize("role, status", [("owner", 200), ("compliance", 200), ("auditor", 200),
                                          ("owner2", 404), ("admin", 403)])
def test_bundle_by_role(client, auth, users, story, role, status):
    assert client.get(bundle_url(story), headers=auth(users[role])).status_code == status


def test_bundle_needs_a_token(client, story):
    assert client.get(bundle_url(story)).status_code == 401


def test_bundle_contents(bundle, story, app):
    with zipfile.ZipFile(bundle) as archive:
        assert set(archive.namelist()) == FILES
        manifest = json.loads(archive.read("manifest.json"))
        report = json.loads(archive.read("report.json"))
        events = [json.loads(line) for line in archive.read("events.jsonl").decode().splitlines()]
        head = json.loads(archive.read("chain_head.json"))
        assert archive.read("report.pdf").startswith(b"%PDF-")
    assert set(manifest["files"]) == FILES - {"manifest.json", "manifest.sig"}
    assert manifest["signature"]["algorithm"] == "Ed25519"
    assert report["solution"]["id"] == story.solution_id and len(report["audit_events"]) == len(events)
    assert [e["solution_seq"] for e in events] == list(range(1, len(events) + 1))
    for event in events:
        assert event["prev_hash"] and event["hash"] == link_hash(event["prev_hash"], event)
    assert head["last_solution_seq"] == len(events)
    assert head["chain_head"]["position"] >= events[-1]["position"]
    # The signing key was made on first use, readable by its owner only.
    mode = stat.S_IMODE(os.stat(app.config["SIGNING_KEY_PATH"]).st_mode)
    assert mode == 0o600


def test_bundle_verifies_offline(bundle, public_key):
    result = verify(bundle, public_key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("INTACT")
    without_pin = verify(bundle)
    assert without_pin.returncode == 0 and "key inside the bundle" in without_pin.stdout


def test_public_key_is_public_and_signs_the_bundle(client, bundle, public_key):
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read("public_key.pem") == public_key.read_bytes()
    assert public_key.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert client.get("/api/v1/audit/public-key").data == public_key.read_bytes()  # stable


def test_edited_event_is_detected(bundle, public_key, tmp_path):
    def edit(name, data):
        if name != "events.jsonl":
            return data
        lines = data.decode().splitlines()
        event = json.loads(lines[1])
        event["reason"] = "nothing to see here"
        lines[1] = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return ("\n".join(lines) + "\n").encode()

    result = verify(rewrite(bundle, tmp_path / "edited.zip", edit), public_key)
    assert result.returncode == 1
    assert result.stdout.startswith("NOT INTACT")
    assert "events.jsonl: SHA-256 does not match the manifest" in result.stdout
    assert "event seq 2" in result.stdout and "hash does not match its content" in result.stdout


def test_removed_event_shows_as_a_gap(bundle, public_key, tmp_path):
    def drop(name, data):
        if name != "events.jsonl":
            return data
        lines = data.decode().splitlines()
        return ("\n".join(lines[:2] + lines[3:]) + "\n").encode()

    result = verify(rewrite(bundle, tmp_path / "gap.zip", drop), public_key)
    assert result.returncode == 1 and "gap in the sequence: event(s) 3–3 missing" in result.stdout


def test_forged_manifest_fails_the_signature(bundle, public_key, tmp_path):
    """Someone edits an event, recomputes its hash and the manifest: only the signature stops them."""
    forged_events = {}

    def forge(name, data):
        if name == "events.jsonl":
            lines = data.decode().splitlines()
            event = json.loads(lines[-1])
            event["reason"] = "forged"
            event["hash"] = link_hash(event["prev_hash"], event)
            lines[-1] = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            forged_events["data"] = ("\n".join(lines) + "\n").encode()
            return forged_events["data"]
        return data

    step = rewrite(bundle, tmp_path / "step.zip", forge)

    def fix_manifest(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"]["events.jsonl"] = {"sha256": hashlib.sha256(forged_events["data"]).hexdigest(),
                                             "size": len(forged_events["data"])}
        return json.dumps(manifest, indent=2).encode()

    result = verify(rewrite(step, tmp_path / "forged.zip", fix_manifest), public_key)
    assert result.returncode == 1
    assert "bad signature" in result.stdout
    assert "SHA-256 does not match" not in result.stdout  # the sums were made to fit; the signature was not


def test_edited_manifest_fails_the_signature(bundle, public_key, tmp_path):
    def edit(name, data):
        return data.replace(b'"format"', b'"format" ') if name == "manifest.json" else data

    result = verify(rewrite(bundle, tmp_path / "manifest.zip", edit), public_key)
    assert result.returncode == 1 and "bad signature" in result.stdout


def test_a_different_key_is_refused(bundle, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "other.pem"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = verify(bundle, other)
    assert result.returncode == 1 and "bad signature" in result.stdout


def test_re_signed_with_another_key_is_caught_by_the_pinned_key(bundle, public_key, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)

    def resign(name, data):
        return pem if name == "public_key.pem" else data

    step = rewrite(bundle, tmp_path / "step.zip", resign)
    with zipfile.ZipFile(step) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"]["public_key.pem"] = {"sha256": hashlib.sha256(pem).hexdigest(), "size": len(pem)}
    manifest_bytes = json.dumps(manifest, indent=2).encode()
    signature = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
    replaced = {"manifest.json": manifest_bytes, "manifest.sig": signature}
    forged = rewrite(step, tmp_path / "resigned.zip", lambda name, data: replaced.get(name, data))
    assert verify(forged).returncode == 0  # self-consistent with its own key ...
    result = verify(forged, public_key)
    assert result.returncode == 1 and "bad signature" in result.stdout  # ... but not signed by this instance


def test_not_a_zip(tmp_path):
    path = tmp_path / "junk.zip"
    path.write_bytes(b"not a zip")
    result = verify(path)
    assert result.returncode == 3 and "not a readable ZIP" in result.stdout


def test_the_tool_imports_nothing_of_the_register():
    source = TOOL.read_text()
    imports = {line.split()[1].split(".")[0] for line in source.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "argparse", "base64", "binascii", "hashlib", "io", "json", "sys", "typing",
                       "zipfile", "zlib", "pathlib",
                       "cryptography"}


def test_the_tool_hashes_as_the_register_does():
    """The tool reimplements the canonical form; both must agree field for field."""
    import importlib.util

    from ai_register.audit import chain

    spec = importlib.util.spec_from_file_location("verify_bundle", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.HASHED_FIELDS == chain.HASHED_FIELDS and tool.GENESIS_HASH == chain.GENESIS_HASH
    event = {"position": 3, "occurred_at": "2026-11-23T08:00:00.123456Z", "actor_id": 7, "channel": "api",
             "action": "update", "entity_type": "solution", "entity_id": "3", "solution_id": 3,
             "solution_seq": 2,
             "data": {"changes": {"name": {"before": "å", "after": "ö"}}}, "reason": None, "request_id": "r"}
    assert tool.link_hash("a" * 64, event) == chain.link_hash("a" * 64, event)


def test_bundle_pdf_is_the_report(bundle):
    with zipfile.ZipFile(bundle) as archive:
        pdf = archive.read("report.pdf")
    assert len(pdf) > 2000 and io.BytesIO(pdf).read(5) == b"%PDF-"
