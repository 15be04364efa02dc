"""Evidence files on disk: type checks by extension and content, random storage names. No Flask.

A file is accepted only when its extension is on the list AND its first bytes (or, for Office
files, its zip structure) say the same; the name the user gave is kept only as a sanitised
download name, never as a path. Files are stored flat under the upload directory with a random
name, so no user input ever reaches the file system path.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from werkzeug.utils import secure_filename

CHUNK = 64 * 1024
HEAD_BYTES = 16
STORED_NAME = re.compile(r"[0-9a-f]{32}")
MAX_NAME = 200


class UploadRejected(Exception):
    """The upload is refused; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _starts_with(*signatures: bytes) -> Callable[[Path, bytes], bool]:
    return lambda path, head: head.startswith(signatures)


def _office(member: str) -> Callable[[Path, bytes], bool]:
    """OOXML is a zip with a content-types part and the main part of its kind."""
    def check(path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and member in names
    return check


def _plain_text(path: Path, head: bytes) -> bool:
    """UTF-8 text without NUL bytes (binary formats nearly always contain some)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[Path, bytes], bool]


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", _starts_with(b"%PDF-")),
    "png": FileType("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "jpeg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "txt": FileType("text/plain", _plain_text),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     _office("word/document.xml")),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _office("xl/workbook.xml")),
}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    file_name: str
    content_type: str
    size: int
    sha256: str


def _base_name(filename: str) -> str:
    # Browsers on Windows may send a full path; keep only the last part, whatever the separator.
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def extension_of(filename: str) -> str:
    base = _base_name(filename)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def sanitise_filename(filename: str, extension: str) -> str:
    """A safe download name that keeps the extension: ASCII letters, digits, `._-` only."""
    name = secure_filename(_base_name(filename))
    if not name.lower().endswith(f".{extension}") or len(name) <= len(extension) + 1:
        name = f"evidence.{extension}"
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME - len(extension) - 1]}.{extension}"
    return name


def store_upload(stream: BinaryIO, filename: str, upload_dir: Path, max_bytes: int) -> StoredFile:
    """Check and store an uploaded file; nothing stays on disk when it is refused."""
    extension = extension_of(filename or "")
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise UploadRejected(415, f"Files of type {extension or '(none)'!r} are not accepted; "
                                  f"allowed: {allowed}.")
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = upload_dir / stored_name
    digest, size, head = hashlib.sha256(), 0, b""
    kept = False
    try:
        with path.open("xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejected(413, f"Files are limited to {max_bytes // (1024 * 1024)} MB.")
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected(422, "The file is empty.")
        if not file_type.matches(path, head):
            raise UploadRejected(415, f"The file's content is not {extension.upper()}; "
                                      "its name and content must agree.")
        kept = True
    finally:
        if not kept:
            path.unlink(missing_ok=True)
    return StoredFile(stored_name, sanitise_filename(filename, extension), file_type.content_type, size,
                      digest.hexdigest())


def stored_path(upload_dir: Path, stored_name: str) -> Path:
    """The path of a stored file. The name comes from our database, but is checked anyway."""
    if not STORED_NAME.fullmatch(stored_name or ""):
        raise ValueError("not a stored file name")
    return upload_dir / stored_name


def remove_stored(upload_dir: Path, stored_name: str) -> None:
    stored_path(upload_dir, stored_name).unlink(missing_ok=True)
