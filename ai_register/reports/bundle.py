"""The signed evidence bundle of a solution: a ZIP an auditor can check offline.

Contents (BUNDLE_FILES): the JSON report, the PDF report, the solution's audit events one per line
with every chain field (so each hash can be recomputed and a gap in the per-solution sequence
shows), the chain head at export, the manifest of SHA-256 sums, its Ed25519 signature and the
public key, and the files of the solution's evidence records (`evidence/<id>-<name>`), each hashed in the
manifest beside the evidence id, so the tool can compare them with the SHA-256 the register recorded at
upload. `tools/verify_bundle.py` checks all of it with the standard library and `cryptography`.

The ZIP is written to a spooled temporary file: small bundles stay in memory, large ones go to disk.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ai_register.audit.chain import GENESIS_HASH, HASHED_FIELDS, format_timestamp
from ai_register.reports import signing
from ai_register.reports.export import iter_events_jsonl, iter_report_json

BUNDLE_FORMAT = "ai-register-evidence-bundle/1"
BUNDLE_FILES = ("report.json", "report.pdf", "events.jsonl", "chain_head.json", "manifest.json",
                "manifest.sig", "public_key.pem")
SPOOL_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence record's stored file: where it is on disk, and what the register recorded at upload."""

    evidence_id: int
    file_name: str
    path: Path
    sha256: str | None

    @property
    def archive_name(self) -> str:
        return f"evidence/{self.evidence_id}-{self.file_name}"


class _HashingWriter:
    def __init__(self, target: IO[bytes]):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def flush(self) -> None:
        self.target.flush()

    def entry(self) -> dict[str, Any]:
        return {"sha256": self.digest.hexdigest(), "size": self.size}


def build_bundle(report: Mapping[str, Any], events: Callable[[], Iterable[Mapping[str, Any]]],
                 render_pdf: Callable[[IO[bytes]], Any], *, last_solution_seq: int,
                 evidence_files: Sequence[EvidenceFile] = (), checkpoints: Sequence[Mapping[str, Any]] = (),
                 at_checkpoints: Mapping[int, str | None] | None = None) -> IO[bytes]:
    """The ZIP as a file object positioned at 0. `events()` yields the same events on every call.
    An evidence file missing from disk is declared in the manifest (`evidence_files_missing`). `checkpoints`
    are the register's signed checkpoints (checkpoints.jsonl) and `at_checkpoints` the chain's hash at each
    of their positions now (in chain_head.json), so the tool can see a chain shorter than, or differing at,
    a checkpoint."""
    key = signing.load_or_create_key()
    public_pem = signing.public_key_pem(key)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned; the response closes it
    files: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("report.json", "w") as raw:
            writer = _HashingWriter(raw)
            for piece in iter_report_json(report, events()):
                writer.write(piece.encode("utf-8"))
            files["report.json"] = writer.entry()

        with tempfile.TemporaryFile() as pdf, archive.open("report.pdf", "w") as raw:
            render_pdf(pdf)
            pdf.seek(0)
            writer = _HashingWriter(raw)
            shutil.copyfileobj(pdf, writer, 256 * 1024)
            files["report.pdf"] = writer.entry()

        with archive.open("events.jsonl", "w") as raw:
            writer = _HashingWriter(raw)
            for line in iter_events_jsonl(events()):
                writer.write(line)
            files["events.jsonl"] = writer.entry()

        missing = []
        for evidence in evidence_files:
            try:
                source = evidence.path.open("rb")
            except FileNotFoundError:
                missing.append({"evidence_id": evidence.evidence_id, "sha256": evidence.sha256})
                continue
            with source, archive.open(evidence.archive_name, "w") as raw:
                writer = _HashingWriter(raw)
                shutil.copyfileobj(source, writer, 256 * 1024)
                files[evidence.archive_name] = {**writer.entry(), "evidence_id": evidence.evidence_id}

        chain = report["chain"]
        head = {
            "chain_head": chain["head"],
            "exported_at": report["report"]["generated_at"],
            "solution_id": report["solution"]["id"],
            "solution_events": chain["events_of_solution"],
            "last_solution_seq": last_solution_seq,
            "verification_at_export": chain["verification"],
            "at_checkpoints": {str(position): value for position, value in sorted((at_checkpoints or {}).items())},
        }
        if checkpoints:
            lines = "".join(json.dumps(c, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
                            for c in checkpoints)
            files["checkpoints.jsonl"] = _write(archive, "checkpoints.jsonl", lines.encode("utf-8"))
        files["chain_head.json"] = _write(archive, "chain_head.json", _json_bytes(head))
        files["public_key.pem"] = _write(archive, "public_key.pem", public_pem)

        manifest = {
            "format": BUNDLE_FORMAT,
            "created_at": format_timestamp(datetime.now(UTC)),
            "created_by": report["report"]["generated_by"],
            "solution": {"id": report["solution"]["id"], "name": report["solution"].get("name")},
            "chain_head": chain["head"],
            "hash_chain": {
                "algorithm": "sha256(prev_hash || canonical)",
                "canonical": "json.dumps(fields, sort_keys=True, separators=(',', ':'), ensure_ascii=False), "
                             "UTF-8",
                "hashed_fields": list(HASHED_FIELDS),
                "genesis_prev_hash": GENESIS_HASH,
                "timestamp_format": "ISO 8601 UTC with microseconds and Z",
            },
            "signature": {"algorithm": "Ed25519", "file": "manifest.sig", "encoding": "base64",
                          "public_key": "public_key.pem",
                          "public_key_sha256": signing.key_fingerprint(public_pem)},
            "files": files,
        }
        if missing:
            manifest["evidence_files_missing"] = missing
        manifest_bytes = _json_bytes(manifest)
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sig", signing.sign(manifest_bytes, key))
    out.seek(0)
    return out


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> dict[str, Any]:
    archive.writestr(name, data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
