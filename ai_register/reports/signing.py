"""The instance's Ed25519 key that signs evidence bundles.

The private key lives at config `SIGNING_KEY_PATH` (PEM, PKCS#8, file mode 0600) and is generated
on first use. Anyone can fetch the public key (`GET /api/v1/audit/public-key`) and check a bundle
offline with `tools/verify_bundle.py`; auditors should pin the key they fetched once rather than
trust the copy inside a bundle.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

_lock = threading.Lock()


class SigningKeyError(RuntimeError):
    """The signing key file exists but cannot be used; the message says what to fix."""


def key_path() -> Path:
    return Path(current_app.config["SIGNING_KEY_PATH"])


def load_or_create_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = path or key_path()
    with _lock:
        if not path.exists():
            _create(path)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as exc:
            raise SigningKeyError(f"The signing key at {path} is not a PEM private key.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"The signing key at {path} is not an Ed25519 key.")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # O_EXCL: two workers starting at once never overwrite each other's key; the loser reads it.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def public_key_pem(key: Ed25519PrivateKey | None = None) -> bytes:
    key = key or load_or_create_key()
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def key_fingerprint(public_pem: bytes) -> str:
    """SHA-256 of the raw 32-byte public key, hex: short enough to compare by eye."""
    key = serialization.load_pem_public_key(public_pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(message: bytes, key: Ed25519PrivateKey | None = None) -> bytes:
    """The raw 64-byte Ed25519 signature, base64 encoded (one ASCII line)."""
    key = key or load_or_create_key()
    return base64.b64encode(key.sign(message)) + b"\n"
