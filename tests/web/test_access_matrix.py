"""Every web page per role: who reads it, who is refused (403), and for whom the solution does not
exist (404). Posts without a CSRF token are refused (400); an auditor's posts are refused (403)."""

from __future__ import annotations

import pytest

from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM as GOOD

from .conftest import MINIMAL_ANSWERS, answer_wizard, text

OK, FORBIDDEN, MISSING = 200, 403, 404

# page → expected status for owner (own solution), owner2 (someone else's), compliance, auditor, admin
SOLUTION_PAGES = {
    "/solutions/{sid}": (OK, MISSING, OK, OK, FORBIDDEN),
    "/solutions/{sid}/edit": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/goals": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/benefit": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/evidence/new": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/oversight": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/transition?to=pilot": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/decision": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/rollout-plan": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/checklist": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/classify": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/solutions/{sid}/classifications/{cid}": (OK, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/review/classifications/{cid}": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
}
GLOBAL_PAGES = {
    "/": (OK, OK, OK, OK, OK),
    "/profile": (OK, OK, OK, OK, OK),
    "/solutions": (OK, OK, OK, OK, FORBIDDEN),
    "/solutions/new": (OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/review": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/audit": (FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN),
}
ROLES = ("owner", "owner2", "compliance", "auditor", "admin")


@pytest.fixture
def seeded(web):
    owner = web("owner")
    owner.post("/solutions/new", GOOD)
    solution = db.session.scalars(db.select(Solution)).one()
    answer_wizard(owner, solution.id, MINIMAL_ANSWERS)
    classification = db.session.scalars(db.select(Classification)).one()
    return {"sid": solution.id, "cid": classification.id}


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_every_page_per_role(web, seeded, role_index, role):
    client = web(role)
    pages = {**SOLUTION_PAGES, **GLOBAL_PAGES}
    failures = []
    for pattern, expected in pages.items():
        path = pattern.format(**seeded)
        status = client.get(path).status_code
        if status != expected[role_index]:
            failures.append(f"{path}: {status}, expected {expected[role_index]}")
    assert not failures, failures


WRITES = [
    "/solutions/{sid}/edit",
    "/solutions/{sid}/goals",
    "/solutions/{sid}/measurements",
    "/solutions/{sid}/benefit",
    "/solutions/{sid}/evidence/new",
    "/solutions/{sid}/oversight",
    "/solutions/{sid}/transition",
    "/solutions/{sid}/decision",
    "/solutions/{sid}/rollout-plan",
    "/solutions/{sid}/checklist",
    "/solutions/{sid}/classify",
    "/review/classifications/{cid}",
]


def test_auditor_posts_are_refused_and_nothing_changes(web, seeded):
    from ai_register.audit.models import AuditEvent

    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    auditor = web("auditor")
    for pattern in WRITES:
        assert auditor.post(pattern.format(**seeded), {"name": "x"}).status_code == 403, pattern
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before


def test_other_owner_posts_get_404(web, seeded):
    other = web("owner2")
    for pattern in WRITES[:-1]:
        assert other.post(pattern.format(**seeded), {"name": "x"}).status_code == 404, pattern


def test_posts_without_csrf_are_refused(web, seeded):
    owner = web("owner")
    for pattern in WRITES[:-1] + ["/profile/tokens", "/solutions/new", "/logout"]:
        response = owner.post(pattern.format(**seeded), {"name": "x"}, csrf=False)
        assert response.status_code == 400, pattern


def test_auditor_pages_show_no_edit_controls(web, seeded):
    auditor = web("auditor")
    for path in ("/", "/solutions", f"/solutions/{seeded['sid']}"):
        page = text(auditor.get(path))
        assert "/edit" not in page and "/solutions/new" not in page and "/classify" not in page, path
        assert page.count('method="post"') == 2, path  # only the language switch and sign-out


def test_oversight_owner_with_an_account_confirms_from_the_overview(web, users, seeded):
    owner = web("owner")
    version = db.session.get(Solution, seeded["sid"]).version
    response = owner.post(
        f"/solutions/{seeded['sid']}/oversight",
        {
            "version": str(version),
            "person_kind": "user",
            "person_user_id": str(users["owner"].id),
            "deputy_kind": "none",
            "authority_to_suspend": "y",
        },
    )
    assert response.status_code == 302, text(response)
    overview = text(owner.get("/"))
    assert f"/solutions/{seeded['sid']}/oversight/confirm" in overview
    assert owner.post(f"/solutions/{seeded['sid']}/oversight/confirm").status_code == 302
    from ai_register.oversight.models import OversightAssignment

    assignment = db.session.scalars(db.select(OversightAssignment)).one()
    db.session.refresh(assignment)
    assert assignment.confirmed_on is not None
    # Someone else cannot confirm for them.
    assert web("compliance").post(f"/solutions/{seeded['sid']}/oversight/confirm").status_code == 403
