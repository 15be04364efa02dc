"""The tests hash passwords at argon2's smallest cost (tests/conftest.py); production must hash them at
argon2-cffi's recommended cost (RFC 9106, low-memory profile: three passes over 64 MiB, four lanes, argon2id),
and lowering it would otherwise go unnoticed."""

from __future__ import annotations

from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY


def test_production_hashes_passwords_at_argon2s_recommended_cost(production_password_hasher):
    hasher, profile = production_password_hasher, RFC_9106_LOW_MEMORY
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.type) == (
        profile.time_cost, profile.memory_cost, profile.parallelism, Type.ID)
    assert hasher.time_cost >= 3 and hasher.memory_cost >= 64 * 1024
