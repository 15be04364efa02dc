"""The audit trail page writes each value and label once per request or process (audit.views): what a
reader sees is still their own language's words, and values Python counts as equal but a person reads
differently (True and 1) keep their own text."""

from __future__ import annotations

from ai_register.audit import services as audit
from ai_register.extensions import db
from tests.webclient import text, web  # noqa: F401 - the fixture


def _events(app):
    with app.app_context():
        audit.record("update", "solution", 1, data={"changes": {"phase": {"before": "decommissioning",
                                                                          "after": "retired"}}})
        audit.record("update", "solution", 2, data={"flagged": True, "changes": {"phase": {
            "before": "decommissioning", "after": "retired"}}})
        audit.record("update", "solution", 3, data={"flagged": 1})
        db.session.commit()


def _details(page: str) -> list[str]:
    return [row.split("</dl>")[0] for row in page.split('<dl class="facts change-rows">')[1:]]


def test_trail_labels_are_the_readers_language_and_equal_values_keep_their_own_text(app, web):  # noqa: F811
    _events(app)
    auditor = web("auditor")
    swedish = _details(text(auditor.get("/audit?entity_type=solution")))
    assert swedish[0] == "<dt>Flagged</dt><dd>1</dd>"  # newest first: the number, not "ja"
    assert swedish[1].startswith("<dt>Fas</dt><dd>Avveckling → Avvecklad</dd>")
    assert swedish[1].endswith("<dt>Flagged</dt><dd>ja</dd>")
    assert swedish[2] == "<dt>Fas</dt><dd>Avveckling → Avvecklad</dd>"
    auditor.language("en")
    english = _details(text(auditor.get("/audit?entity_type=solution")))
    assert english[:3] == ["<dt>Flagged</dt><dd>1</dd>",
                           "<dt>Phase</dt><dd>Decommissioning → Retired</dd><dt>Flagged</dt><dd>yes</dd>",
                           "<dt>Phase</dt><dd>Decommissioning → Retired</dd>"]
    auditor.language("sv")
    assert _details(text(auditor.get("/audit?entity_type=solution"))) == swedish
