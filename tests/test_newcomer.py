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


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def test_make_demo_leaves_the_git_tree_clean():
    """What `make demo` writes (compiled catalogues, the virtualenv and its egg-info, the instance directory
    with the database, uploads, signing key and checkpoints) is ignored by git and never tracked, so
    `git status` stays clean. Checked on the recipe and the default configuration, without running it."""
    import pytest

    from ai_register.config import from_environment

    if _git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        pytest.skip("not a git checkout")
    recipe = subprocess.run(["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    assert "pybabel -q compile -d ai_register/translations" in recipe and "demo load" in recipe
    config = from_environment({})
    written = [
        *(po.with_suffix(".mo") for po in (ROOT / "ai_register" / "translations").glob("*/LC_MESSAGES/*.po")),
        ROOT / ".venv" / "bin" / "python",
        ROOT / "ai_register.egg-info" / "PKG-INFO",
        Path(config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")),
        Path(config["UPLOAD_DIR"]) / "ab" / "file.pdf",
        Path(config["SIGNING_KEY_PATH"]),
        Path(config["CHECKPOINT_DIR"]) / "checkpoint.json",
        Path(config["RISK_RULES_CANDIDATES_DIR"]) / "candidate.yaml",
    ]
    # The directory resolved, not the file: .venv/bin/python is a link to the interpreter outside the tree.
    relative = [str((path.parent.resolve() / path.name).relative_to(ROOT)) for path in written]
    ignored = set(_git("check-ignore", "--no-index", *relative).stdout.split())
    assert [path for path in relative if path not in ignored] == []
    assert _git("ls-files", "--", "*.mo", "instance", "*.db").stdout == ""
