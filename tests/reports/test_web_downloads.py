"""The auditor's downloads on the web (issue 19/20): the signed evidence bundle from the solution page and
the latest signed checkpoint from the audit page, with the note on checking them offline. Until now they
were API-only."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys

from tests.reports.test_bundle import TOOL
from tests.web.conftest import WebClient


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_auditor_downloads_a_bundle_that_verifies_offline_with_the_pinned_key_and_checkpoint(
        app, client, users, story, runner, tmp_path):
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    auditor = WebClient(app, users["auditor"])
    page = page_text(auditor.get(f"/solutions/{story.solution_id}"))
    assert 'data-test="evidence-bundle"' in page and "Signerat bevispaket (ZIP)" in page
    assert "Så kontrollerar du utan registret" in page and "Slutkod 0: intakt" in page
    bundle = auditor.get(f"/solutions/{story.solution_id}/bundle.zip")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    assert bundle.headers["Content-Disposition"].startswith('attachment; filename="evidence-bundle-solution-')
    checkpoint = auditor.get("/audit/checkpoint.json")
    assert checkpoint.status_code == 200 and json.loads(checkpoint.data)["format"].startswith("ai-register-checkpoint")
    key = client.get("/api/v1/audit/public-key").data
    (tmp_path / "bundle.zip").write_bytes(bundle.data)
    (tmp_path / "key.pem").write_bytes(key)
    (tmp_path / "checkpoints.jsonl").write_bytes(checkpoint.data)
    result = subprocess.run([sys.executable, str(TOOL), str(tmp_path / "bundle.zip"), "--public-key",
                             str(tmp_path / "key.pem"), "--checkpoints", str(tmp_path / "checkpoints.jsonl")],
                            capture_output=True, text=True, cwd="/", timeout=60,
                            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": ""})
    assert result.returncode == 0 and "INTACT" in result.stdout, result.stdout
    # The fingerprint the page asks the auditor to compare is the key's.
    from ai_register.reports.signing import key_fingerprint

    assert key_fingerprint(key) in page


def test_who_sees_and_gets_the_downloads(app, users, story):
    owner, admin = WebClient(app, users["owner"]), WebClient(app, users["admin"])
    assert 'data-test="evidence-bundle"' not in page_text(owner.get(f"/solutions/{story.solution_id}"))
    assert owner.get(f"/solutions/{story.solution_id}/bundle.zip").status_code == 200  # as the API allows
    assert WebClient(app, users["owner2"]).get(f"/solutions/{story.solution_id}/bundle.zip").status_code == 404
    assert admin.get(f"/solutions/{story.solution_id}/bundle.zip").status_code == 403
    assert owner.get("/audit/checkpoint.json").status_code == 403
    officer = WebClient(app, users["compliance"])
    assert 'data-test="evidence-bundle"' in page_text(officer.get(f"/solutions/{story.solution_id}"))


def test_before_any_checkpoint_the_page_says_so_and_the_download_is_a_friendly_404(app, users, story):
    auditor = WebClient(app, users["auditor"])
    auditor.language("en")
    page = page_text(auditor.get("/audit"))
    assert 'data-test="no-checkpoint"' in page and "No checkpoint has been signed yet." in page
    assert "How to check it without the register" in page
    missing = auditor.get("/audit/checkpoint.json")
    assert missing.status_code == 404 and "No checkpoint has been signed yet." in page_text(missing)
