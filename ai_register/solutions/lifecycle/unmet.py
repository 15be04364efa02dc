"""What the lifecycle answers when it says no: one `Unmet` per condition that keeps a move or a gate closed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unmet:
    """One condition that keeps a move or a gate closed. `code` is stable; `message` is for people."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": dict(self.details)}
