"""Load the rule set in risk_rules/: read the files, check them against their declared shapes
(rules/shapes.py), build the rule set (rules/builder.py), hash and snapshot it.

A rule set is the file `ruleset.yaml` plus the files it lists. Its SHA-256 is computed over every
file, sorted by name, each contributing `name NUL length NUL bytes` (UTF-8 name, decimal byte
length), so a stored classification can name the exact rules that produced it, and a snapshot
(name → text) rebuilds the same rule set with the same hash.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ai_register.rules.builder import build
from ai_register.rules.ruleset import RuleSet, RuleSetError
from ai_register.rules.shapes import (
    INDEX_FILE,
    SECTIONS,
    IndexShape,
    RuleFileShape,
    ShapeError,
    check,
    entry_at,
    path_text,
)

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "risk_rules"


def load_ruleset(directory: Path | str | None = None) -> RuleSet:
    """Load and validate the rule set in `directory` (default: the repository's risk_rules/)."""
    path = Path(directory) if directory is not None else DEFAULT_RULES_DIR
    if not path.is_dir():
        raise RuleSetError(f"rule set directory not found: {path}")
    index_text = _read_file(path, INDEX_FILE)
    index = _index(index_text)
    names = index.files
    unlisted = sorted(
        entry.name
        for entry in path.iterdir()
        if entry.suffix in (".yaml", ".yml") and entry.name != INDEX_FILE and entry.name not in names
    )
    if unlisted:
        raise RuleSetError(f"{', '.join(unlisted)} not listed under 'files'", file=INDEX_FILE)
    texts = {INDEX_FILE: index_text, **{name: _read_file(path, name) for name in names}}
    return _build(index, texts)


def load_ruleset_from_snapshot(snapshot: Mapping[str, str]) -> RuleSet:
    """Rebuild a rule set from `RuleSet.snapshot()` (e.g. as stored with a classification)."""
    if not isinstance(snapshot, Mapping) or not all(
        isinstance(name, str) and isinstance(text, str) for name, text in snapshot.items()
    ):
        raise RuleSetError("a snapshot must map file names to file texts")
    if INDEX_FILE not in snapshot:
        raise RuleSetError(f"the snapshot has no {INDEX_FILE}")
    index = _index(snapshot[INDEX_FILE])
    expected = {INDEX_FILE, *index.files}
    if set(snapshot) != expected:
        extra = sorted(set(snapshot) - expected)
        absent = sorted(expected - set(snapshot))
        detail = "; ".join(
            part
            for part in (
                f"not listed: {', '.join(extra)}" if extra else "",
                f"missing: {', '.join(absent)}" if absent else "",
            )
            if part
        )
        raise RuleSetError(f"the snapshot's files do not match 'files' ({detail})", file=INDEX_FILE)
    return _build(index, dict(snapshot))


_active_lock = threading.Lock()
_active: dict[Path, tuple[tuple[tuple[str, int, int], ...], RuleSet]] = {}
# A rule file edited on disk is seen within RECHECK_SECONDS: the directory is listed and its files
# stat'ed at most that often per directory name (it was on every call, i.e. on every read of a
# solution: a fifth of the classification summary's CPU). `_clock` is time.monotonic (tests move it).
RECHECK_SECONDS = 1.0
_clock = time.monotonic
_last_check: dict[Path | str | None, tuple[float, RuleSet]] = {}


def get_active_ruleset(directory: Path | str | None = None) -> RuleSet:
    """The rule set in `directory`, loaded once and reloaded when a rule file changes (seen within
    `RECHECK_SECONDS` of the change)."""
    now = _clock()
    checked = _last_check.get(directory)
    if checked is not None and 0 <= now - checked[0] < RECHECK_SECONDS:
        return checked[1]
    path = (Path(directory) if directory is not None else DEFAULT_RULES_DIR).resolve()
    stamp = _directory_stamp(path)
    with _active_lock:
        cached = _active.get(path)
        ruleset = cached[1] if cached is not None and cached[0] == stamp else None
    if ruleset is None:
        ruleset = load_ruleset(path)
        with _active_lock:
            _active[path] = (stamp, ruleset)
    with _active_lock:
        if len(_last_check) >= 64:  # directory names seen (the tests use one per test)
            _last_check.clear()
        _last_check[directory] = (now, ruleset)
    return ruleset


def ruleset_digest(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode("utf-8")
        for part in (name.encode("utf-8"), b"\0", str(len(data)).encode("ascii"), b"\0", data):
            digest.update(part)
    return digest.hexdigest()


def _directory_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
    if not path.is_dir():
        raise RuleSetError(f"rule set directory not found: {path}")
    stamps = []
    for entry in sorted(path.iterdir()):
        if entry.suffix in (".yaml", ".yml"):
            status = entry.stat()
            stamps.append((entry.name, status.st_mtime_ns, status.st_size))
    return tuple(stamps)


def _read_file(directory: Path, name: str) -> str:
    try:
        return (directory / name).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RuleSetError("file not found", file=name) from None
    except UnicodeDecodeError as exc:
        raise RuleSetError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})", file=name) from None


# YAML 1.2-style scalars: only true/false are booleans (`yes`/`no` stay strings, as the
# contract's answer values), dates stay strings, and a duplicate key is an error.
class _RuleFileLoader(yaml.SafeLoader):
    pass


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_RuleFileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RuleFileLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|false)$"), list("tf"))


def _construct_unique_mapping(loader: _RuleFileLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_RuleFileLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _parse_yaml(name: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_RuleFileLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleSetError(f"invalid YAML: {exc}", file=name) from None


# ---- checking and building ----


def _index(text: str) -> IndexShape:
    return _checked(INDEX_FILE, _parse_yaml(INDEX_FILE, text), IndexShape)


def _build(index: IndexShape, texts: Mapping[str, str]) -> RuleSet:
    files = {}
    for name in index.files:
        document = _parse_yaml(name, texts[name])
        if not isinstance(document, Mapping) or not document:
            raise RuleSetError(f"expected a mapping of sections ({', '.join(SECTIONS)})", file=name)
        files[name] = _checked(name, document, RuleFileShape)
    return build(index, files, ruleset_digest(texts), texts)


def _checked(file: str, document: Any, shape: type) -> Any:
    """The document read as `shape`; a fault is reported in its file, its entry and the place in that."""
    try:
        return check(document, shape)
    except ShapeError as error:
        size, what, entry_id = entry_at(document, error.path) if shape is RuleFileShape else (0, "rule", None)
        raise RuleSetError(
            error.text(size if entry_id else 0), file=file, rule_id=entry_id, what=what, path=path_text(error.path)
        ) from None

