"""Write the API's OpenAPI spec to docs/openapi.json, the committed snapshot that tests/architecture/
test_openapi_snapshot.py compares with the live spec. A change to the API shows in review as a diff of
that file: run this after changing an endpoint or a schema, and commit the result.

    PYTHONPATH=$PWD .venv/bin/python tools/openapi_snapshot.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "docs" / "openapi.json"


def current_spec() -> str:
    """The spec as the app serves it, in a stable text form (sorted keys, two-space indent)."""
    sys.path.insert(0, str(ROOT))
    from ai_register import create_app  # noqa: E402 - the path above first

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "snapshot-" * 8,
                      "JWT_SECRET": "snapshot-" * 8, "TESTING": True})
    response = app.test_client().get("/api/v1/openapi.json")
    if response.status_code != 200:
        raise RuntimeError(f"the spec did not build: {response.status_code}")
    return json.dumps(response.get_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(current_spec(), encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
