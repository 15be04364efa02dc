"""The evidence page hands its parsed values to the evidence service, which owns the rule that an expiry is
not before the issue: the refusal stands beside the field in the reader's language, nothing is saved."""

from __future__ import annotations

from sqlalchemy import select

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from tests.web.test_readable_pages import _register
from tests.webclient import text


def test_an_expiry_before_the_issue_is_refused_beside_the_field(web):
    owner = web("owner")
    solution = _register(owner)
    form = {"type": "dpia", "title": "DPIA 2026", "issued_on": "2026-03-01", "expires_on": "2026-02-01"}
    refused = owner.post(f"/solutions/{solution.id}/evidence/new", form)
    page = text(refused)
    assert refused.status_code == 422
    assert "Får inte vara före utfärdandedatumet." in page and "issued_on." not in page
    assert 'value="DPIA 2026"' in page and 'value="2026-02-01"' in page
    assert db.session.scalars(select(Evidence)).all() == []
    owner.language("en")
    assert "Must not be before the issue date." in text(owner.post(f"/solutions/{solution.id}/evidence/new", form))
    owner.language("sv")
    saved = owner.post(f"/solutions/{solution.id}/evidence/new", {**form, "expires_on": "2029-03-01"})
    assert saved.status_code == 302, text(saved)
    record = db.session.scalars(select(Evidence)).one()
    assert (record.title, str(record.expires_on), record.superseded_by_id) == ("DPIA 2026", "2029-03-01", None)
