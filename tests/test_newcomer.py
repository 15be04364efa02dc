"""Small things a newcomer meets (issue 20): the README lists every demo account with its role and
password, and `make run` takes PORT."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ai_register.demo import DEMO_USERS

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_lists_every_demo_account():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for email, role, _name, password in DEMO_USERS:
        row = next((line for line in readme.splitlines() if f"`{email}`" in line), "")
        assert f"`{password}`" in row and f"({role})" in row, email


def test_make_run_takes_a_port():
    dry = subprocess.run(["make", "-n", "-o", "demo", "run", "PORT=8123"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert "--port 8123" in dry.stdout
    default = subprocess.run(["make", "-n", "-o", "demo", "run"], cwd=ROOT, capture_output=True, text=True,
                             check=True)
    assert "--port 5000" in default.stdout


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
