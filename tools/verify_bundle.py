#!/usr/bin/env python3
"""Check an ai-register evidence bundle offline: signature, manifest, files, every event hash, checkpoints.

    python3 tools/verify_bundle.py BUNDLE.zip [--public-key KEY.pem] [--checkpoints FILE]

Needs only the Python standard library and the `cryptography` package; it does not import the
register, so an auditor can run it anywhere. It checks:

1. the archive itself: every entry name appears once, is a plain relative path (no absolute path,
   drive letter, backslash or `..`), and is listed in the manifest; every entry decompresses and
   passes its CRC check (a damaged archive is never half-read);
2. manifest.sig is a valid Ed25519 signature of manifest.json, under the key given with
   --public-key (pin the key fetched once from GET /api/v1/audit/public-key) or, without it, the
   key inside the bundle (then the bundle only proves it is unchanged since it was signed by
   whoever holds that key, and the report says so);
3. every file listed in the manifest has the SHA-256 and size it states (a member is read only up
   to the size the manifest states, plus one byte); the evidence files (evidence/…) are the ones the
   report records by SHA-256, and every evidence file the report names is in the bundle;
4. every event in events.jsonl hashes to its stored hash: SHA-256(prev_hash || canonical), with
   canonical = json.dumps(the hashed fields, sort_keys=True, separators=(",", ":"),
   ensure_ascii=False) in UTF-8 — the same form as ai_register/audit/chain.py;
5. the per-solution sequence runs 1, 2, 3, ... without a gap up to the last one exported;
6. where two events sit at consecutive chain positions, the later one's prev_hash is the earlier
   one's hash; and no event lies beyond the chain head recorded at export;
7. checkpoints: every signed checkpoint in the bundle (checkpoints.jsonl) and every one given with
   --checkpoints (the auditor's own copies, kept from the register's e-mails: one JSON object per
   line, or a JSON list) has a valid signature, and the chain at export reached its position with the
   hash it records. A chain that ends before a checkpoint's position was truncated; one with another
   hash there was rewritten. Both are NOT INTACT. A checkpoint of the auditor's that the bundle does
   not cover (its position lies before the bundle's records) is reported as a note: check it against
   the register with POST /api/v1/audit/verify.

It prints INTACT, or NOT INTACT and every problem found, then notes. Exit codes:

    0  INTACT: every check above holds
    1  NOT INTACT: the bundle reads, but its content does not hold (signature, names, hashes,
       sequence, evidence files, checkpoints)
    2  usage: bad arguments, or the bundle, key or checkpoint file cannot be read from disk
    3  NOT INTACT: the archive is damaged (not a ZIP, or an entry fails to decompress or its CRC)
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import io
import json
import sys
import zipfile
import zlib
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EXIT_INTACT, EXIT_NOT_INTACT, EXIT_USAGE, EXIT_DAMAGED = 0, 1, 2, 3

# The fields the chain hashes (ai_register/audit/chain.py, HASHED_FIELDS): every stored field of
# an event except its own hash and its prev_hash, which is the hash's prefix instead.
HASHED_FIELDS = (
    "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
    "solution_id", "solution_seq", "data", "reason", "request_id",
)
GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "ai-register-checkpoint/1"
SIGNED_FILES = ("manifest.json", "manifest.sig")
REQUIRED_FILES = ("report.json", "report.pdf", "events.jsonl", "chain_head.json", "public_key.pem")
SMALL_FILE_LIMIT = 64 * 1024 * 1024  # manifest, signature, key, chain head, checkpoints
LINE_LIMIT = 64 * 1024 * 1024
CHUNK = 1 << 16
# What a damaged entry raises while it is read: a broken header, deflate stream or CRC, a cut file.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)


def canonical(event: dict) -> bytes:
    fields = {name: event[name] for name in HASHED_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link_hash(prev_hash: str, event: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


def checkpoint_statement(checkpoint: dict) -> bytes:
    """The bytes a checkpoint's signature covers: every field but the signature, canonical JSON."""
    body = {key: value for key, value in checkpoint.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Findings:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.damaged = False

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)


class Damaged(Exception):
    """An entry of the archive cannot be read: the archive is damaged."""


def exit_code(findings: Findings) -> int:
    if findings.damaged:
        return EXIT_DAMAGED
    return EXIT_NOT_INTACT if findings.problems else EXIT_INTACT


def unsafe_name(name: str) -> bool:
    """Anything an extracting tool could place outside the folder it extracts to, or misread."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return any(part in ("", ".", "..") for part in name.split("/"))


class Archive:
    """The bundle's entries by name, each name used only when it is unique and safe."""

    def __init__(self, archive: zipfile.ZipFile, findings: Findings) -> None:
        self.zip = archive
        self.findings = findings
        counts: dict[str, int] = {}
        for info in archive.infolist():
            counts[info.filename] = counts.get(info.filename, 0) + 1
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = info.filename
            if counts[name] > 1:
                continue
            if unsafe_name(name):
                findings.problem(f"unsafe path in the bundle: {name!r}")
                continue
            self.entries[name] = info
        for name, count in sorted(counts.items()):
            if count > 1:
                findings.problem(f"{name} appears {count} times in the bundle (a second copy can hide a forgery)")
        self.ambiguous = {name for name, count in counts.items() if count > 1}

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def open(self, name: str):
        try:
            return self.zip.open(self.entries[name])
        except READ_ERRORS as exc:
            raise Damaged(f"{name} cannot be read: {exc}") from exc

    def read(self, name: str, limit: int = SMALL_FILE_LIMIT) -> bytes:
        """The whole entry, at most `limit` bytes (more is refused, never read whole)."""
        with self.open(name) as handle:
            try:
                data = handle.read(limit + 1)
            except READ_ERRORS as exc:
                raise Damaged(f"{name} cannot be read: {exc}") from exc
        if len(data) > limit:
            raise Damaged(f"{name} is larger than {limit} bytes")
        return data

    def digest(self, name: str, limit: int) -> tuple[str, int]:
        """SHA-256 and size of an entry, reading at most `limit` + 1 bytes."""
        digest, size = hashlib.sha256(), 0
        with self.open(name) as handle:
            try:
                while size <= limit and (chunk := handle.read(min(CHUNK, limit + 1 - size))):
                    digest.update(chunk)
                    size += len(chunk)
            except READ_ERRORS as exc:
                raise Damaged(f"{name} cannot be read: {exc}") from exc
        return digest.hexdigest(), size


def _load_public_key(pem: bytes, source: str, findings: Findings) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        findings.problem(f"the public key ({source}) is not a PEM public key")
        return None
    if not isinstance(key, Ed25519PublicKey):
        findings.problem(f"the public key ({source}) is not an Ed25519 key")
        return None
    return key


def _json(data: bytes, name: str, findings: Findings):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        findings.problem(f"{name} is not valid JSON")
        return None


def check_signature(archive: Archive, pinned: bytes | None,
                    findings: Findings) -> tuple[dict | None, Ed25519PublicKey | None]:
    missing = [name for name in SIGNED_FILES if name not in archive]
    for name in missing:
        if name not in archive.ambiguous:
            findings.problem(f"{name} is missing")
    if missing:
        return None, None
    manifest_bytes = archive.read("manifest.json")
    if pinned is not None:
        key = _load_public_key(pinned, "--public-key", findings)
        if "public_key.pem" in archive and archive.read("public_key.pem").strip() != pinned.strip():
            findings.note("the key inside the bundle differs from the pinned key; the pinned key was used")
    elif "public_key.pem" in archive:
        key = _load_public_key(archive.read("public_key.pem"), "public_key.pem in the bundle", findings)
        findings.note("signature checked with the key inside the bundle; pass --public-key with the key from "
                      "GET /api/v1/audit/public-key to prove who signed it")
    else:
        findings.problem("public_key.pem is missing and no --public-key was given")
        key = None
    if key is not None:
        try:
            signature = base64.b64decode(archive.read("manifest.sig").strip(), validate=True)
            key.verify(signature, manifest_bytes)
        except (InvalidSignature, ValueError, binascii.Error):
            findings.problem("bad signature: manifest.sig does not match manifest.json under the public key")
    manifest = _json(manifest_bytes, "manifest.json", findings)
    if manifest is None:
        return None, key
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        findings.problem("manifest.json lists no files")
        return None, key
    return manifest, key


def check_manifest(archive: Archive, manifest: dict, findings: Findings) -> set[str]:
    """Every listed file's hash and size; returns the names that hold."""
    listed = manifest["files"]
    holding: set[str] = set()
    for name in REQUIRED_FILES:
        if name not in listed:
            findings.problem(f"{name} is not listed in the manifest")
    for name, entry in sorted(listed.items()):
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int) or entry["size"] < 0:
            findings.problem(f"{name}: the manifest gives no size")
            continue
        if unsafe_name(name):
            findings.problem(f"unsafe path in the manifest: {name!r}")
            continue
        if name not in archive:
            if name not in archive.ambiguous:
                findings.problem(f"{name} is listed in the manifest but missing from the bundle")
            continue
        digest, size = archive.digest(name, entry["size"])
        if size > entry["size"]:
            findings.problem(f"{name}: SHA-256 does not match the manifest (the file was changed: it is larger "
                             f"than the manifest states, {entry['size']} bytes)")
        elif digest != entry.get("sha256"):
            findings.problem(f"{name}: SHA-256 does not match the manifest (the file was changed)")
        elif size != entry["size"]:
            findings.problem(f"{name}: size {size} does not match the manifest ({entry['size']})")
        else:
            holding.add(name)
    for name in sorted(set(archive.entries) - set(listed) - set(SIGNED_FILES)):
        findings.problem(f"{name} is in the bundle but not in the manifest")
    return holding


def check_evidence_files(archive: Archive, manifest: dict, findings: Findings) -> int:
    """The evidence files against the SHA-256 the register recorded at upload (in report.json)."""
    if "report.json" not in archive:
        return 0
    report = _json(archive.read("report.json", limit=1 << 31), "report.json", findings)
    if not isinstance(report, dict):
        return 0
    recorded = {item.get("id"): item.get("file_sha256") for item in report.get("evidence") or ()
                if isinstance(item, dict) and item.get("file_sha256")}
    carried = {entry.get("evidence_id"): (name, entry) for name, entry in manifest["files"].items()
               if isinstance(entry, dict) and name.startswith("evidence/")}
    declared_missing = {item.get("evidence_id") for item in manifest.get("evidence_files_missing") or ()
                        if isinstance(item, dict)}
    checked = 0
    for evidence_id, sha256 in sorted(recorded.items(), key=lambda item: str(item[0])):
        if evidence_id not in carried:
            why = " (the register could not read it at export)" if evidence_id in declared_missing else ""
            findings.problem(f"evidence {evidence_id}: its file is not in the bundle{why}")
            continue
        name, entry = carried[evidence_id]
        if entry.get("sha256") != sha256:
            findings.problem(f"evidence {evidence_id}: the file in the bundle is not the one recorded at upload "
                             f"({name})")
        checked += 1
    for evidence_id, (name, _entry) in sorted(carried.items(), key=lambda item: str(item[0])):
        if evidence_id not in recorded:
            findings.problem(f"{name}: not an evidence file of the report")
    if checked:
        findings.note(f"{checked} evidence file{'s' if checked != 1 else ''} checked against the report")
    return checked


def check_events(archive: Archive, head: dict, findings: Findings) -> dict[int, dict]:
    """Recompute every event's hash; check the sequence and the links between neighbours."""
    if "events.jsonl" not in archive:
        return {}
    solution_id = head.get("solution_id")
    by_position: dict[int, dict] = {}
    expected_seq = 1
    count = 0
    with archive.open("events.jsonl") as handle:
        number = 0
        while True:
            try:
                raw = handle.readline(LINE_LIMIT)
            except READ_ERRORS as exc:
                raise Damaged(f"events.jsonl cannot be read: {exc}") from exc
            if not raw:
                break
            number += 1
            if not raw.strip():
                continue
            try:
                event = json.loads(raw.decode("utf-8"))
                missing = [f for f in (*HASHED_FIELDS, "prev_hash", "hash") if f not in event]
                valid = (isinstance(event["position"], int) and isinstance(event["prev_hash"], str)
                         and isinstance(event["hash"], str) and event["prev_hash"].isascii()) if not missing else True
            except (UnicodeDecodeError, json.JSONDecodeError, TypeError, RecursionError):
                findings.problem(f"events.jsonl line {number}: not a JSON event")
                continue
            if missing:
                findings.problem(f"events.jsonl line {number}: missing fields {', '.join(missing)}")
                continue
            if not valid:
                findings.problem(f"events.jsonl line {number}: position, prev_hash or hash has the wrong type")
                continue
            count += 1
            label = f"event seq {event['solution_seq']} (chain position {event['position']})"
            try:
                holds = link_hash(event["prev_hash"], event) == event["hash"]
            except (TypeError, ValueError):
                holds = False
            if not holds:
                findings.problem(f"{label}: hash does not match its content")
            if solution_id is not None and event["solution_id"] != solution_id:
                findings.problem(f"{label}: belongs to solution {event['solution_id']}, not {solution_id}")
            if event["solution_seq"] != expected_seq:
                if isinstance(event["solution_seq"], int) and event["solution_seq"] > expected_seq:
                    gap = range(expected_seq, event["solution_seq"])
                    findings.problem(f"gap in the sequence: event(s) {gap.start}–{gap.stop - 1} missing "
                                     f"before {label}")
                else:
                    findings.problem(f"{label}: out of order (expected seq {expected_seq})")
            if isinstance(event["solution_seq"], int):
                expected_seq = event["solution_seq"]
            expected_seq += 1
            if event["position"] in by_position:
                findings.problem(f"{label}: a second event at the same chain position")
            by_position[event["position"]] = {"hash": event["hash"], "prev_hash": event["prev_hash"]}
    for position, event in by_position.items():
        before = by_position.get(position - 1)
        if before is not None and event["prev_hash"] != before["hash"]:
            findings.problem(f"chain position {position}: prev_hash is not the hash of position "
                             f"{position - 1}")
        if position == 1 and event["prev_hash"] != GENESIS_HASH:
            findings.problem("chain position 1: prev_hash is not the genesis value (64 zeros)")
    last_seq = head.get("last_solution_seq")
    if isinstance(last_seq, int) and expected_seq - 1 != last_seq:
        findings.problem(f"the bundle ends at seq {expected_seq - 1}, but {last_seq} events were exported "
                         "(events missing at the end)")
    chain_head = head.get("chain_head") if isinstance(head.get("chain_head"), dict) else {}
    head_position = chain_head.get("position")
    if by_position and isinstance(head_position, int) and max(by_position) > head_position:
        findings.problem("an event lies beyond the chain head recorded at export")
    if head_position in by_position and by_position[head_position]["hash"] != chain_head.get("hash"):
        findings.problem("the chain head recorded at export does not match the event at that position")
    findings.note(f"{count} events checked")
    return by_position


# --------------------------------------------------------------------------- checkpoints


def parse_checkpoints(data: bytes, source: str, findings: Findings) -> list[dict]:
    """Checkpoints from JSON lines, a JSON list or one JSON object."""
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        findings.problem(f"{source}: not UTF-8 text")
        return []
    if not text:
        return []
    try:
        parsed = json.loads(text)
        items = parsed if isinstance(parsed, list) else [parsed]
    except json.JSONDecodeError:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                findings.problem(f"{source} line {number}: not a JSON checkpoint")
    checkpoints = []
    for number, item in enumerate(items, start=1):
        if (not isinstance(item, dict) or item.get("format") != CHECKPOINT_FORMAT
                or not isinstance(item.get("position"), int) or not isinstance(item.get("head"), str)
                or not isinstance(item.get("signature"), str)):
            findings.problem(f"{source} item {number}: not a checkpoint ({CHECKPOINT_FORMAT})")
            continue
        checkpoints.append(item)
    return checkpoints


def checkpoint_label(checkpoint: dict) -> str:
    return f"checkpoint at position {checkpoint['position']} (signed {checkpoint.get('signed_at', '?')})"


def signature_holds(checkpoint: dict, key: Ed25519PublicKey | None) -> bool:
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(checkpoint["signature"], validate=True), checkpoint_statement(checkpoint))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def check_checkpoints(archive: Archive, head: dict, events: dict[int, dict], key: Ed25519PublicKey | None,
                      own: list[dict], findings: Findings) -> None:
    """The chain at export against every checkpoint: the bundle's and the auditor's own."""
    bundled = (parse_checkpoints(archive.read("checkpoints.jsonl"), "checkpoints.jsonl", findings)
               if "checkpoints.jsonl" in archive else [])
    chain_head = head.get("chain_head") if isinstance(head.get("chain_head"), dict) else {}
    head_position = chain_head.get("position") if isinstance(chain_head.get("position"), int) else None
    # The chain's hash at each stored checkpoint's position, read from the database at export (None: no
    # event there), signed with the rest; the bundle's events and the head add what they show.
    raw_at = head.get("at_checkpoints") if isinstance(head.get("at_checkpoints"), dict) else {}
    known: dict[int, str | None] = {int(p): h for p, h in raw_at.items() if str(p).isdigit()}
    known.update({p: e["hash"] for p, e in events.items()})
    if head_position is not None and isinstance(chain_head.get("hash"), str):
        known[head_position] = chain_head["hash"]
    signed_at: dict[int, str] = {}
    for source, checkpoints in (("in the bundle", bundled), ("of yours", own)):
        for checkpoint in checkpoints:
            label = f"{checkpoint_label(checkpoint)} {source}"
            if not signature_holds(checkpoint, key):
                findings.problem(f"{label}: its signature does not hold under the public key")
                continue
            position = checkpoint["position"]
            if signed_at.setdefault(position, checkpoint["head"]) != checkpoint["head"]:
                findings.problem(f"{label}: the register signed two different hashes at position {position} "
                                 "(its history was rewritten)")
            if head_position is not None and position > head_position:
                findings.problem(f"{label}: the chain at export ends at position {head_position}, before the "
                                 "checkpoint (events after it were removed)")
            elif position not in known:
                if source == "in the bundle":
                    findings.problem(f"{label}: the bundle does not record the chain's hash at that position")
                else:
                    findings.note(f"{label}: not covered by this bundle; check it against the register with "
                                  "POST /api/v1/audit/verify")
            elif known[position] is None:
                findings.problem(f"{label}: the chain at export has no event at that position")
            elif known[position] != checkpoint["head"]:
                findings.problem(f"{label}: the chain at export has another hash at that position (it was "
                                 "rewritten, or truncated and refilled)")
    if signed_at:
        findings.note(f"{len(signed_at)} checkpoint position{'s' if len(signed_at) != 1 else ''} checked")


# --------------------------------------------------------------------------- the whole bundle


def verify_archive(archive: zipfile.ZipFile, public_key: bytes | None, checkpoints: list[dict],
                   findings: Findings) -> None:
    entries = Archive(archive, findings)
    manifest, key = check_signature(entries, public_key, findings)
    if manifest is not None:
        check_manifest(entries, manifest, findings)
        check_evidence_files(entries, manifest, findings)
    head: dict = {}
    if "chain_head.json" in entries:
        loaded = _json(entries.read("chain_head.json"), "chain_head.json", findings)
        head = loaded if isinstance(loaded, dict) else {}
    events = check_events(entries, head, findings)
    check_checkpoints(entries, head, events, key, checkpoints, findings)


def verify_bytes(data: bytes, public_key: bytes | None = None, checkpoints: list[dict] | None = None) -> Findings:
    return verify(io.BytesIO(data), public_key, checkpoints)


def verify(bundle: Path | IO[bytes], public_key: bytes | None = None,
           checkpoints: list[dict] | None = None) -> Findings:
    findings = Findings()
    try:
        archive = zipfile.ZipFile(bundle)
    except READ_ERRORS as exc:
        findings.damaged = True
        findings.problem(f"not a readable ZIP file: {exc}")
        return findings
    with archive:
        try:
            verify_archive(archive, public_key, checkpoints or [], findings)
        except Damaged as exc:
            findings.damaged = True
            findings.problem(f"the archive is damaged: {exc}")
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an ai-register evidence bundle offline.")
    parser.add_argument("bundle", type=Path, help="the bundle ZIP")
    parser.add_argument("--public-key", type=Path, help="PEM of the instance's public key (pin it)")
    parser.add_argument("--checkpoints", type=Path,
                        help="your own copies of the register's signed checkpoints (JSON lines or a JSON list)")
    args = parser.parse_args(argv)
    pinned = None
    own: list[dict] = []
    try:
        if args.public_key is not None:
            pinned = args.public_key.read_bytes()
        if args.checkpoints is not None:
            given = Findings()
            own = parse_checkpoints(args.checkpoints.read_bytes(), str(args.checkpoints), given)
            if given.problems:
                for problem in given.problems:
                    print(problem, file=sys.stderr)
                return EXIT_USAGE
        if not args.bundle.is_file():
            raise OSError(f"{args.bundle} is not a file")
    except OSError as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return EXIT_USAGE
    findings = verify(args.bundle, pinned, own)
    if findings.problems:
        print(f"NOT INTACT: {args.bundle}")
        for problem in findings.problems:
            print(f"  - {problem}")
    else:
        print(f"INTACT: {args.bundle}")
    for note in findings.notes:
        print(f"  note: {note}")
    return exit_code(findings)


if __name__ == "__main__":
    sys.exit(main())
