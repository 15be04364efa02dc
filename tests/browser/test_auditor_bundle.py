"""The auditor's evidence bundle from the web, in Swedish (issue 19/20): the auditor opens the solution,
downloads the signed bundle, the latest checkpoint and the register's public key in Chromium, and the
offline checker (tools/verify_bundle.py) finds the bundle intact against the pinned key and checkpoint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.slow

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_bundle.py"


def test_the_auditor_downloads_the_bundle_and_it_verifies_offline(app, client, auth, accounts, new_page, tmp_path):
    expect = pytest.importorskip("playwright.sync_api").expect
    created = client.post("/api/v1/solutions", headers=auth(accounts["owner"]),
                          json={"name": "Triagering av lungröntgen", "purpose": "Sorterar remisser."})
    assert created.status_code == 201, created.get_json()
    sid = created.get_json()["id"]
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0

    auditor = sign_in(new_page(), "auditor")
    auditor.goto(f"/solutions/{sid}")
    section = auditor.locator("[data-test=evidence-bundle]")
    expect(section).to_contain_text("Underlag för granskning")
    section.locator("summary").click()  # the note on checking offline, in Swedish
    expect(section).to_contain_text("Slutkod 0: intakt")
    files = {}
    for name, control in (("bundle.zip", "download-bundle"), ("checkpoints.jsonl", "download-checkpoint"),
                          ("key.pem", "download-public-key")):
        with auditor.expect_download() as download:
            section.locator(f"[data-test={control}]").click()
        files[name] = tmp_path / name
        download.value.save_as(files[name])
    assert files["bundle.zip"].read_bytes()[:2] == b"PK"
    result = subprocess.run([sys.executable, str(TOOL), str(files["bundle.zip"]), "--public-key", str(files["key.pem"]),
                             "--checkpoints", str(files["checkpoints.jsonl"])], capture_output=True, text=True,
                            cwd="/", timeout=60, env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": ""})
    assert result.returncode == 0 and result.stdout.startswith("INTACT"), result.stdout
