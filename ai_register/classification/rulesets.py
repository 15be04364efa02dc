"""The rule sets classifications are made under: the active one on disk, the stored snapshots (every
stored result names the rule set that produced it, and that rule set is snapshotted so the result can
be reproduced after the files on disk change), candidates installed on the server, and the list the
API shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.models import Classification, RulesetClassificationCount, RuleSetSnapshot
from ai_register.exceptions import InvalidInput, NotFound, Unavailable
from ai_register.extensions import db
from ai_register.rules.loader import get_active_ruleset, load_ruleset, load_ruleset_from_snapshot
from ai_register.rules.ruleset import RuleSet, RuleSetError
from ai_register.users.models import utcnow


def active_ruleset() -> RuleSet:
    """The rule set on disk (the active one); the loader reloads it when a rule file changes.

    A rule file that does not validate classifies nothing: 503 with the loader's message (it names
    the file and rule), rather than results from a half-read rule set.
    """
    try:
        return get_active_ruleset(current_app.config["RISK_RULES_DIR"])
    except RuleSetError as exc:
        current_app.logger.error("rule set not loadable: %s", exc)
        raise Unavailable(f"The active rule set cannot be loaded: {exc}",
                          title="Rule set unavailable") from exc


def ruleset_ref(ruleset: RuleSet) -> dict:
    return {"version": ruleset.version, "sha256": ruleset.sha256}


def snapshot_ruleset(ruleset: RuleSet) -> RuleSetSnapshot:
    """The stored snapshot of `ruleset`, created on first use."""
    existing = db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == ruleset.sha256))
    if existing is not None:
        return existing
    snapshot = RuleSetSnapshot(sha256=ruleset.sha256, version=ruleset.version, files=ruleset.snapshot(),
                               created_at=utcnow())
    try:
        # Two requests may meet the new rule set at once; the loser reads the winner's row.
        with db.session.begin_nested():
            db.session.add(snapshot)
    except IntegrityError:
        return db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == ruleset.sha256))
    # The files are identified by the hash; the trail need not repeat the whole rule text.
    audit.record_create(snapshot, "ruleset_snapshot", exclude=frozenset({"files"}),
                        reason=coded("first_result_under_ruleset"))
    return snapshot


def ruleset_of(classification: Classification) -> RuleSet:
    """The rule set that produced the stored result, rebuilt from its snapshot (once per hash)."""
    ruleset = _SNAPSHOT_RULESETS.get(classification.ruleset_sha256)
    if ruleset is None:
        ruleset = load_ruleset_from_snapshot(classification.snapshot.files)
        if len(_SNAPSHOT_RULESETS) >= 32:
            _SNAPSHOT_RULESETS.clear()
        _SNAPSHOT_RULESETS[ruleset.sha256] = ruleset
    return ruleset


# SHA-256 → rule set rebuilt from a snapshot: a snapshot never changes, and its hash names it.
_SNAPSHOT_RULESETS: dict[str, RuleSet] = {}
CANDIDATE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"


def candidate_ruleset(name: str) -> RuleSet:
    """A candidate rule set installed on the server under RISK_RULES_CANDIDATES_DIR/<name>, to preview
    its impact before it becomes active. Only installed directories: never a path or uploaded files."""

    if not re.fullmatch(CANDIDATE_NAME, name or "") or ".." in name:
        raise InvalidInput(f"{name!r} is not the name of an installed rule set.",
                           errors={"candidate": ["A directory name under the installed candidate rule sets."]})
    base = Path(current_app.config["RISK_RULES_CANDIDATES_DIR"]).resolve()
    directory = (base / name).resolve()
    if directory.parent != base or not directory.is_dir():
        raise NotFound(f"No candidate rule set {name!r} is installed on the server.")
    try:
        return load_ruleset(directory)
    except RuleSetError as exc:
        raise InvalidInput(f"The candidate rule set {name!r} does not load: {exc}",
                           errors={"candidate": [str(exc)]}) from exc


def find_ruleset(ref: str) -> dict:
    """A rule set by SHA-256 or version label: the active one, or a snapshot. 404 when unknown.

    A label can name several snapshots when a rule file was edited without bumping `version`;
    then the active one wins, else the latest snapshot (the SHA-256 is the unambiguous name).
    """
    active = active_ruleset()
    if ref in (active.sha256, active.version):
        stored = db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == active.sha256))
        return _ruleset_entry(active.version, active.sha256, active=True, snapshot=stored,
                              files=active.snapshot())
    snapshot = db.session.scalar(
        select(RuleSetSnapshot)
        .where((RuleSetSnapshot.sha256 == ref) | (RuleSetSnapshot.version == ref))
        .order_by(RuleSetSnapshot.created_at.desc(), RuleSetSnapshot.id.desc())
        .limit(1)
    )
    if snapshot is None:
        raise NotFound(f"No rule set with version or SHA-256 {ref!r}.")
    return _ruleset_entry(snapshot.version, snapshot.sha256, active=False, snapshot=snapshot,
                          files=snapshot.files)


def list_rulesets() -> list[dict]:
    """The active rule set first, then every snapshot, newest first, each with how many stored
    classifications were made under it (read from the count kept per snapshot, `RulesetClassificationCount`:
    one row per snapshot, whatever the register's size), without the snapshots' files."""
    active = active_ruleset()
    used = func.coalesce(RulesetClassificationCount.classifications, 0)
    snapshots = db.session.execute(
        select(RuleSetSnapshot.sha256, RuleSetSnapshot.version, RuleSetSnapshot.created_at, used.label("used"))
        .outerjoin(RulesetClassificationCount, RulesetClassificationCount.ruleset_sha256 == RuleSetSnapshot.sha256)
        .order_by(RuleSetSnapshot.created_at.desc(), RuleSetSnapshot.id.desc())
    ).all()
    by_sha = {s.sha256: s for s in snapshots}
    stored = by_sha.get(active.sha256)  # classifications name a snapshot (foreign key): none without one
    entries = [_ruleset_entry(active.version, active.sha256, active=True, snapshot=stored,
                              classifications=stored.used if stored is not None else 0)]
    entries += [_ruleset_entry(s.version, s.sha256, active=False, snapshot=s, classifications=s.used)
                for s in snapshots if s.sha256 != active.sha256]
    return entries


def _ruleset_entry(version: str, sha256: str, *, active: bool, snapshot: Any,
                   files: Any = None, classifications: int | None = None) -> dict:
    entry = {"version": version, "sha256": sha256, "active": active, "snapshotted": snapshot is not None,
             "snapshotted_at": snapshot.created_at if snapshot is not None else None}
    if files is not None:
        entry["files"] = files
    if classifications is not None:
        entry["classifications"] = classifications
    return entry
