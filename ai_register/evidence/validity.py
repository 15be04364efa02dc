"""When evidence counts, pure. DOMAIN.md: "Evidence counts for a gate only when it is valid on the
transition date (not expired)".

The rule itself lives once, in `lifecycle.EvidenceFact.valid_on` (what the gates use); this
function applies it to anything with `type`, `issued_on` and `expires_on`, so what the register
shows as valid is exactly what a gate accepts.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType


class Dated(Protocol):
    issued_on: date
    expires_on: date | None


def is_valid_on(evidence: Dated, on: date) -> bool:
    return EvidenceFact(EvidenceType.OTHER, evidence.issued_on, evidence.expires_on).valid_on(on)
