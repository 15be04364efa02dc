#!/usr/bin/env python3
"""Check an ai-register evidence bundle offline: signature, manifest, every event hash, the sequence.

    python3 tools/verify_bundle.py BUNDLE.zip [--public-key KEY.pem]

Needs only the Python standard library and the `cryptography` package; it does not import the
register, so an auditor can run it anywhere. It checks:

1. manifest.sig is a valid Ed25519 signature of manifest.json, under the key given with
   --public-key (pin the key fetched once from GET /api/v1/audit/public-key) or, without it, the
   key inside the bundle (then the bundle only proves it is unchanged since it was signed by
   whoever holds that key, and the report says so);
2. every file listed in the manifest has the SHA-256 and size it states, and no file is unlisted;
3. every event in events.jsonl hashes to its stored hash: SHA-256(prev_hash || canonical), with
   canonical = json.dumps(the hashed fields, sort_keys=True, separators=(",", ":"),
   ensure_ascii=False) in UTF-8 — the same form as ai_register/audit/chain.py;
4. the per-solution sequence runs 1, 2, 3, ... without a gap up to the last one exported;
5. where two events sit at consecutive chain positions, the later one's prev_hash is the earlier
   one's hash; and no event lies beyond the chain head recorded at export.

It prints INTACT, or every problem found, and exits 0 when intact, 1 otherwise (2 on bad usage).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The fields the chain hashes (ai_register/audit/chain.py, HASHED_FIELDS): every stored field of
# an event except its own hash and its prev_hash, which is the hash's prefix instead.
HASHED_FIELDS = (
    "position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
    "solution_id", "solution_seq", "data", "reason", "request_id",
)
GENESIS_HASH = "0" * 64
SIGNED_FILES = ("manifest.json", "manifest.sig")
REQUIRED_FILES = ("report.json", "report.pdf", "events.jsonl", "chain_head.json", "public_key.pem")


def canonical(event: dict) -> bytes:
    fields = {name: event[name] for name in HASHED_FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link_hash(prev_hash: str, event: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(event)).hexdigest()


class Findings:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)


def _load_public_key(pem: bytes, source: str, findings: Findings) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        findings.problem(f"the public key ({source}) is not a PEM public key")
        return None
    if not isinstance(key, Ed25519PublicKey):
        findings.problem(f"the public key ({source}) is not an Ed25519 key")
        return None
    return key


def check_signature(archive: zipfile.ZipFile, pinned: bytes | None, findings: Findings) -> dict | None:
    names = set(archive.namelist())
    for name in SIGNED_FILES:
        if name not in names:
            findings.problem(f"{name} is missing")
    if any(name not in names for name in SIGNED_FILES):
        return None
    manifest_bytes = archive.read("manifest.json")
    if pinned is not None:
        key = _load_public_key(pinned, "--public-key", findings)
        if "public_key.pem" in names and archive.read("public_key.pem").strip() != pinned.strip():
            findings.note("the key inside the bundle differs from the pinned key; the pinned key was used")
    elif "public_key.pem" in names:
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
        except (InvalidSignature, ValueError):
            findings.problem("bad signature: manifest.sig does not match manifest.json under the public key")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        findings.problem("manifest.json is not valid JSON")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        findings.problem("manifest.json lists no files")
        return None
    return manifest


def check_manifest(archive: zipfile.ZipFile, manifest: dict, findings: Findings) -> None:
    listed = manifest["files"]
    present = set(archive.namelist())
    for name in REQUIRED_FILES:
        if name not in listed:
            findings.problem(f"{name} is not listed in the manifest")
    for name, entry in sorted(listed.items()):
        if name not in present:
            findings.problem(f"{name} is listed in the manifest but missing from the bundle")
            continue
        digest, size = hashlib.sha256(), 0
        with archive.open(name) as handle:
            while chunk := handle.read(1 << 16):
                digest.update(chunk)
                size += len(chunk)
        if not isinstance(entry, dict) or digest.hexdigest() != entry.get("sha256"):
            findings.problem(f"{name}: SHA-256 does not match the manifest (the file was changed)")
        elif entry.get("size") not in (None, size):
            findings.problem(f"{name}: size {size} does not match the manifest ({entry.get('size')})")
    for name in sorted(present - set(listed) - set(SIGNED_FILES)):
        findings.problem(f"{name} is in the bundle but not in the manifest")


def check_events(archive: zipfile.ZipFile, findings: Findings) -> int:
    """Recompute every event's hash; check the sequence and the links between neighbours."""
    if "events.jsonl" not in archive.namelist():
        return 0
    head = {}
    if "chain_head.json" in archive.namelist():
        try:
            head = json.loads(archive.read("chain_head.json").decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            findings.problem("chain_head.json is not valid JSON")
    solution_id = head.get("solution_id")
    by_position: dict[int, dict] = {}
    expected_seq = 1
    count = 0
    with archive.open("events.jsonl") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                event = json.loads(raw.decode("utf-8"))
                missing = [f for f in (*HASHED_FIELDS, "prev_hash", "hash") if f not in event]
            except (UnicodeDecodeError, json.JSONDecodeError, TypeError):
                findings.problem(f"events.jsonl line {number}: not a JSON event")
                continue
            if missing:
                findings.problem(f"events.jsonl line {number}: missing fields {', '.join(missing)}")
                continue
            count += 1
            label = f"event seq {event['solution_seq']} (chain position {event['position']})"
            if link_hash(event["prev_hash"], event) != event["hash"]:
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
    chain_head = head.get("chain_head") or {}
    head_position = chain_head.get("position")
    if by_position and isinstance(head_position, int) and max(by_position) > head_position:
        findings.problem("an event lies beyond the chain head recorded at export")
    if head_position in by_position and by_position[head_position]["hash"] != chain_head.get("hash"):
        findings.problem("the chain head recorded at export does not match the event at that position")
    return count


def verify(bundle: Path, public_key: bytes | None = None) -> Findings:
    findings = Findings()
    try:
        archive = zipfile.ZipFile(bundle)
    except (OSError, zipfile.BadZipFile) as exc:
        findings.problem(f"not a readable ZIP file: {exc}")
        return findings
    with archive:
        manifest = check_signature(archive, public_key, findings)
        if manifest is not None:
            check_manifest(archive, manifest, findings)
        events = check_events(archive, findings)
        findings.note(f"{events} events checked")
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an ai-register evidence bundle offline.")
    parser.add_argument("bundle", type=Path, help="the bundle ZIP")
    parser.add_argument("--public-key", type=Path, help="PEM of the instance's public key (pin it)")
    args = parser.parse_args(argv)
    pinned = None
    if args.public_key is not None:
        try:
            pinned = args.public_key.read_bytes()
        except OSError as exc:
            print(f"cannot read the public key: {exc}", file=sys.stderr)
            return 2
    findings = verify(args.bundle, pinned)
    if findings.problems:
        print(f"NOT INTACT: {args.bundle}")
        for problem in findings.problems:
            print(f"  - {problem}")
    else:
        print(f"INTACT: {args.bundle}")
    for note in findings.notes:
        print(f"  note: {note}")
    return 1 if findings.problems else 0


if __name__ == "__main__":
    sys.exit(main())
