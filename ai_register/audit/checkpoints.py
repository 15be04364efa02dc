"""Signed checkpoints of the audit chain: a witness outside the database.

A hash chain shows any change inside it, but not its own truncation: delete the newest events (with the
trigger switched off) and what is left is a shorter chain that verifies. A checkpoint is the register's
signed statement "at <signed_at> the chain had <position> events and its head was <head>" (Certificate
Transparency's signed tree head, for a chain). `flask audit checkpoint` (cron) signs one with the
register's Ed25519 key, writes it as a file of its own into CHECKPOINT_DIR (meant for write-once storage:
each checkpoint is created once and never rewritten) and e-mails it to the auditors, who keep their
copies. A chain that ends before a checkpoint's position, or has another hash there, is broken.

Someone with root on the server can sign false checkpoints with the key on that server; they cannot
change the copies auditors already hold. That is why auditors keep theirs (docs/security.md).

The statement signed is the checkpoint's fields except `signature`, as canonical JSON (sorted keys,
no spaces, UTF-8): tools/verify_bundle.py checks it without the register.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ai_register.audit.chain import format_timestamp

CHECKPOINT_FORMAT = "ai-register-checkpoint/1"
HEX = frozenset("0123456789abcdef")


class CheckpointError(ValueError):
    """A checkpoint that is not one, or not signed by this register's key."""


def statement(checkpoint: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers."""
    body = {key: value for key, value in checkpoint.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(head: Mapping[str, Any], key: Ed25519PrivateKey, *, now: datetime, key_fingerprint: str) -> dict:
    """A checkpoint of the chain head {position, hash}, signed now."""
    checkpoint = {"format": CHECKPOINT_FORMAT, "position": int(head["position"]), "head": str(head["hash"]),
                  "signed_at": format_timestamp(now), "public_key_sha256": key_fingerprint}
    checkpoint["signature"] = base64.b64encode(key.sign(statement(checkpoint))).decode("ascii")
    return checkpoint


def well_formed(item: Any) -> bool:
    return (isinstance(item, dict) and item.get("format") == CHECKPOINT_FORMAT
            and type(item.get("position")) is int and item["position"] >= 0
            and isinstance(item.get("head"), str) and len(item["head"]) == 64 and set(item["head"]) <= HEX
            and isinstance(item.get("signed_at"), str) and isinstance(item.get("signature"), str))


def signature_holds(checkpoint: Mapping[str, Any], key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(checkpoint["signature"], validate=True), statement(checkpoint))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def check_given(items: Iterable[Any], key: Ed25519PublicKey) -> list[dict]:
    """Checkpoints someone brings (an auditor's copies): each must be one, signed by this register."""
    checked = []
    for number, item in enumerate(items, start=1):
        if not well_formed(item):
            raise CheckpointError(f"Item {number} is not a checkpoint ({CHECKPOINT_FORMAT}).")
        if not signature_holds(item, key):
            raise CheckpointError(f"Item {number} (position {item['position']}) is not signed by this register's key.")
        checked.append(dict(item))
    return checked


def parse(text: str) -> list[Any]:
    """Checkpoints from JSON lines, a JSON list or one JSON object (as e-mailed or stored)."""
    text = text.strip()
    if not text:
        return []
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return parsed if isinstance(parsed, list) else [parsed]


def line(checkpoint: Mapping[str, Any]) -> str:
    return json.dumps(checkpoint, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def store(directory: Path, checkpoint: Mapping[str, Any]) -> Path:
    """Write the checkpoint as a new file, created exclusively and never rewritten (write-once storage)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = checkpoint["signed_at"].replace("-", "").replace(":", "").replace(".", "")
    path = directory / f"checkpoint-{stamp}-{checkpoint['position']:012d}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(line(checkpoint) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def load(directory: Path) -> list[dict]:
    """Every stored checkpoint, oldest first; a file that is not a checkpoint is skipped (the signature
    check decides what counts, see `stored_and_signed`)."""
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("checkpoint-*.json")):
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if well_formed(item):
            found.append(item)
    return sorted(found, key=lambda c: (c["position"], c["signed_at"]))


def contradictions(checkpoints: Iterable[Mapping[str, Any]], hash_at: Mapping[int, str | None],
                   last_position: int) -> list[dict]:
    """Where the chain (its last position, and its hash at each checkpoint's position) contradicts a
    checkpoint: shorter than the checkpoint, or another hash at its position. Oldest first."""
    found = []
    for checkpoint in sorted(checkpoints, key=lambda c: (c["position"], c["signed_at"])):
        position = checkpoint["position"]
        if position == 0:
            continue
        if position > last_position:
            kind = "shorter"
            reason = (f"the chain ends at position {last_position}, before the checkpoint signed "
                      f"{checkpoint['signed_at']} at position {position}: events after it were removed")
        elif hash_at.get(position) != checkpoint["head"]:
            kind = "differs"
            reason = (f"the event at position {position} does not have the hash the checkpoint signed "
                      f"{checkpoint['signed_at']} records: the chain was rewritten, or truncated and refilled")
        else:
            continue
        found.append({"position": position, "signed_at": checkpoint["signed_at"], "kind": kind,
                      "chain_ends_at": last_position, "reason": reason})
    return found
