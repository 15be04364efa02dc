"""ai-register: the AI governance register of a health region.

This package stays light: importing it (or a pure module inside it, such as the rules engine, the lifecycle
or the audit hash chain) imports no Flask. The factory lives in `ai_register.app`; `create_app` is exposed
here on first use, so `from ai_register import create_app` and `flask --app ai_register` keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ai_register.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        # lazy: keeps this pure module importable without Flask, SQLAlchemy and marshmallow
        from ai_register.app import create_app  # the factory pulls in Flask; only when asked for

        return create_app
    raise AttributeError(f"module 'ai_register' has no attribute {name!r}")
