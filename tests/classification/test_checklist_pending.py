"""While a classification version waits for review, the checklist's link shows that version and its
status instead of sending the owner to answer again (issue 20)."""

from __future__ import annotations

from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.answers import NOT_LISTED as MINIMAL_ANSWERS
from tests.webclient import SOLUTION_FORM as GOOD
from tests.webclient import answer_wizard, text


def test_the_checklist_names_the_version_waiting_for_review(web):
    owner = web("owner")
    owner.post("/solutions/new", GOOD)
    solution = db.session.scalars(db.select(Solution)).one()
    before = text(owner.get(f"/solutions/{solution.id}"))
    assert 'data-test="pending-classification"' not in before
    answer_wizard(owner, solution.id, MINIMAL_ANSWERS)
    classification = db.session.scalars(db.select(Classification)).one()
    assert classification.status == "submitted"
    page = text(owner.get(f"/solutions/{solution.id}"))
    assert 'data-test="pending-classification"' in page
    assert f"/solutions/{solution.id}/classifications/{classification.id}" in page
    assert f"Version {classification.version} väntar på granskning" in page
