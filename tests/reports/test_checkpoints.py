"""Signed checkpoints (issue #19, item 2): truncating the chain after a checkpoint is seen, through the API
and offline, with the trigger switched off the way a database superuser would (PostgreSQL) or dropped
(SQLite)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from ai_register.audit.models import SQLITE_GUARD, AuditEvent
from ai_register.extensions import db
from tests.notifications.test_reminders import FakeSmtp
from tests.reports.test_bundle import bundle_url, verify

from .conftest import etag, ok


@pytest.fixture
def smtp(app):
    server = FakeSmtp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_DEFAULT_SENDER="ai@region.example",
                      CHECKPOINT_MAIL_TO=["revision@region.example"])
    yield server
    server.shutdown()
    server.server_close()


def last_position() -> int:
    return db.session.scalar(select(func.max(AuditEvent.position)))


def checkpoint(runner) -> dict:
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[0])


def truncate_after(position: int, is_postgres: bool) -> None:
    """What someone with the database does: switch the guard off, delete the newest events, switch it on."""
    db.session.commit()
    with db.engine.begin() as connection:
        if is_postgres:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"))
            connection.execute(text("DELETE FROM audit_events WHERE position > :p"), {"p": position})
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text("DELETE FROM audit_events WHERE position > :p"), {"p": position})
            connection.execute(text(SQLITE_GUARD[1]))
    db.session.expire_all()


def rename(client, auth, users, story, name: str) -> None:
    headers = auth(users["owner"])
    ok(client.patch(f"/api/v1/solutions/{story.solution_id}", json={"name": name},
                    headers={**headers, "If-Match": etag(client, headers, story.solution_id)}), 200)


def chain_report(client, auth, users, body=None) -> dict:
    headers = auth(users["auditor"])
    if body is None:
        return ok(client.get("/api/v1/audit/verify", headers=headers), 200)
    return ok(client.post("/api/v1/audit/verify", json=body, headers=headers), 200)


def test_checkpoint_is_signed_stored_write_once_and_mailed(app, runner, story, users, smtp, client, auth):
    signed = checkpoint(runner)
    assert signed["position"] == last_position() and signed["format"] == "ai-register-checkpoint/1"
    files = list(Path(app.config["CHECKPOINT_DIR"]).glob("checkpoint-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text()) == signed
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o444
    recipients = sorted(address for to, _message in smtp.messages for address in to)
    assert recipients == ["auditor@region.example", "revision@region.example"]
    body = smtp.messages[0][1].get_content()
    assert json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) in body
    # The signature holds under the published key (as an auditor checks it).
    from cryptography.hazmat.primitives import serialization

    from ai_register.audit import checkpoints

    key = serialization.load_pem_public_key(client.get("/api/v1/audit/public-key").data)
    assert checkpoints.signature_holds(signed, key)
    assert not checkpoints.signature_holds({**signed, "position": signed["position"] + 1}, key)
    report = chain_report(client, auth, users)
    assert report["intact"] and report["checkpoints"]["checked"] == 1


def test_truncation_after_a_checkpoint_is_broken_via_the_api(client, auth, users, story, runner, is_postgres):
    signed = checkpoint(runner)
    truncate_after(signed["position"] - 3, is_postgres)
    report = chain_report(client, auth, users)
    assert report["intact"] is False
    assert report["first_broken"]["position"] == signed["position"]
    assert f"the chain ends at position {signed['position'] - 3}" in report["first_broken"]["reason"]
    # The CLI says the same, and refuses to sign the shortened chain.
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "events after it were removed" in result.output
    refused = runner.invoke(args=["audit", "checkpoint"])
    assert refused.exit_code == 1 and "no checkpoint was signed" in refused.output


def test_truncated_and_refilled_differs_at_the_checkpoint(client, auth, users, story, runner, is_postgres):
    signed = checkpoint(runner)
    truncate_after(signed["position"] - 3, is_postgres)
    for number in range(5):
        rename(client, auth, users, story, f"Omdöpt {number}")
    assert last_position() > signed["position"]
    report = chain_report(client, auth, users)
    assert report["intact"] is False and report["first_broken"]["position"] == signed["position"]
    assert "does not have the hash the checkpoint" in report["first_broken"]["reason"]


def test_an_auditors_copy_finds_it_when_the_register_lost_its_own(client, auth, users, story, runner, app,
                                                                   is_postgres):
    """Root wipes the checkpoint directory as well; the auditor's e-mailed copy still shows the truncation."""
    signed = checkpoint(runner)
    for path in Path(app.config["CHECKPOINT_DIR"]).iterdir():
        path.chmod(0o600)
        path.unlink()
    truncate_after(signed["position"] - 3, is_postgres)
    assert chain_report(client, auth, users)["intact"] is True  # nothing left to compare with inside
    report = chain_report(client, auth, users, {"checkpoints": [signed]})
    assert report["intact"] is False and report["first_broken"]["position"] == signed["position"]


def test_a_checkpoint_not_signed_by_the_register_is_refused(client, auth, users, story, runner):
    signed = checkpoint(runner)
    forged = {**signed, "head": "f" * 64}
    response = client.post("/api/v1/audit/verify", json={"checkpoints": [forged]}, headers=auth(users["auditor"]))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "not signed by this register" in json.dumps(response.get_json())
    response = client.post("/api/v1/audit/verify", json={"checkpoints": [{"position": 1}]},
                           headers=auth(users["auditor"]))
    assert response.status_code == 422


def test_only_compliance_and_auditors_verify_with_checkpoints(client, auth, users, story):
    for role, status in (("owner", 403), ("admin", 403), ("compliance", 200), ("auditor", 200)):
        response = client.post("/api/v1/audit/verify", json={"checkpoints": []}, headers=auth(users[role]))
        assert response.status_code == (status if status == 403 else 422)


def test_reports_and_bundles_carry_the_latest_checkpoint(client, auth, users, story, runner, tmp_path):
    checkpoint(runner)
    rename(client, auth, users, story, "Efter första kontrollpunkten")
    latest = checkpoint(runner)
    report = ok(client.get(f"/api/v1/solutions/{story.solution_id}/report", headers=auth(users["auditor"])), 200)
    assert report["chain"]["checkpoint"] == latest and report["chain"]["checkpoint_contradictions"] == []
    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.data)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        lines = archive.read("checkpoints.jsonl").decode().splitlines()
        head = json.loads(archive.read("chain_head.json"))
    assert json.loads(lines[-1]) == latest and len(lines) == 2
    assert head["at_checkpoints"][str(latest["position"])] == latest["head"]
    key = tmp_path / "key.pem"
    key.write_bytes(client.get("/api/v1/audit/public-key").data)
    result = verify(path, key)
    assert result.returncode == 0, result.stdout
    assert "2 checkpoint positions checked" in result.stdout


def test_truncation_is_seen_offline_in_a_bundle(client, auth, users, story, runner, is_postgres, tmp_path):
    signed = checkpoint(runner)
    copies = tmp_path / "my-checkpoints.jsonl"
    copies.write_text(json.dumps(signed) + "\n")
    key = tmp_path / "key.pem"
    key.write_bytes(client.get("/api/v1/audit/public-key").data)
    truncate_after(signed["position"] - 3, is_postgres)

    response = client.get(bundle_url(story), headers=auth(users["auditor"]))
    assert response.status_code == 200
    path = tmp_path / "after-truncation.zip"
    path.write_bytes(response.data)
    result = verify(path, key)  # the bundle's own copy of the register's checkpoints
    assert result.returncode == 1, result.stdout
    assert "events after it were removed" in result.stdout

    refilled_path = tmp_path / "refilled.zip"
    for number in range(5):
        rename(client, auth, users, story, f"Omdöpt {number}")
    refilled_path.write_bytes(client.get(bundle_url(story), headers=auth(users["auditor"])).data)
    import subprocess
    import sys

    from tests.reports.test_bundle import TOOL

    result = subprocess.run([sys.executable, str(TOOL), str(refilled_path), "--public-key", str(key),
                             "--checkpoints", str(copies)], capture_output=True, text=True, timeout=60,
                            env={"PATH": os.environ.get("PATH", "")})
    assert result.returncode == 1, result.stdout
    assert "has another hash at that position" in result.stdout


def test_cli_verify_takes_a_file_of_checkpoints(runner, story, tmp_path, is_postgres):
    signed = checkpoint(runner)
    copies = tmp_path / "copies.jsonl"
    copies.write_text(json.dumps(signed) + "\n")
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(copies)])
    assert result.exit_code == 0, result.output
    truncate_after(signed["position"] - 1, is_postgres)
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(copies)])
    assert result.exit_code == 1


def test_the_audit_page_shows_the_truncation_too(app, users, story, runner, is_postgres):
    from tests.webclient import WebClient

    signed = checkpoint(runner)
    truncate_after(signed["position"] - 3, is_postgres)
    page = WebClient(app, users["auditor"]).get("/audit?verify=1").get_data(as_text=True)
    assert 'data-test="chain-broken"' in page and f"position {signed['position']}" in page
    assert "händelser efter den har tagits bort" in page  # in the reader's language (Swedish by default)
