"""Solutions on the web: register (errors beside the field, input kept), list with filters, the
solution page per role, editing with the version, and the refusals (auditor 403, other owner 404)."""

from __future__ import annotations

import pytest

from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM, text

GOOD = SOLUTION_FORM


def register(client, **changes):
    return client.post("/solutions/new", {**GOOD, **changes})


def test_owner_registers_a_solution_and_lands_on_its_page(web, users):
    owner = web("owner")
    response = register(owner)
    assert response.status_code == 302
    solution = db.session.scalars(db.select(Solution)).one()
    assert solution.owner_id == users["owner"].id and solution.care_units == [
        "Röntgen Sunderby",
        "Röntgen Gällivare",
    ]
    assert solution.processes_personal_data is True and solution.confidentiality == 3
    page = owner.get(response.headers["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "Chest X-ray triage" in body and 'data-test="gate"' in body and 'data-test="edit-solution"' in body


def test_bad_register_post_shows_the_error_beside_the_field_and_keeps_the_input(web):
    response = register(web("owner"), name="", review_interval_months="0", supplier="Keep me AB")
    assert response.status_code == 422
    body = text(response)
    assert 'id="name-error"' in body and 'id="review_interval_months-error"' in body
    assert 'value="Keep me AB"' in body and "Long waiting times for radiology answers." in body
    assert 'aria-invalid="true"' in body and 'class="error-summary"' in body
    assert db.session.scalar(db.select(db.func.count(Solution.id))) == 0


def test_schema_and_service_errors_land_beside_the_field(web):
    owner = web("owner")
    assert register(owner, external_id="EXT-1").status_code == 302
    response = register(owner, external_id="EXT-1", name="Another")
    assert response.status_code == 422
    assert 'id="external_id-error"' in text(response)
    response = register(owner, processes_personal_data="no", processes_health_data="yes")
    assert response.status_code == 422 and 'id="processes_personal_data-error"' in text(response)


def test_register_requires_csrf(web):
    assert web("owner").post("/solutions/new", GOOD, csrf=False).status_code == 400


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditor_and_admin_cannot_register(web, role):
    client = web(role)
    assert client.get("/solutions/new").status_code == 403
    assert register(client).status_code == 403


def _solution(web):
    register(web("owner"))
    return db.session.scalars(db.select(Solution)).one()


def test_list_filters_search_and_paging(web):
    owner = web("owner")
    for index in range(30):
        register(
            owner, name=f"Solution {index:02d}", purpose="Speech recognition" if index % 2 else "Sepsis alert"
        )
    page = text(owner.get("/solutions"))
    assert "30 solutions" in page or "30 lösningar" in page
    assert "Solution 24" in page and "Solution 25" not in page and 'rel="next"' in page
    second = text(owner.get("/solutions?page=2"))
    assert "Solution 25" in second
    searched = text(owner.get("/solutions?q=sepsis"))
    assert "15" in searched and "Solution 01" not in searched
    assert "Solution 00" in text(owner.get("/solutions?phase=needs_analysis"))
    assert "Solution 00" not in text(owner.get("/solutions?phase=pilot"))
    bad = owner.get("/solutions?phase=nonsense")
    assert bad.status_code == 200 and "phase" in text(bad)


def test_other_owner_sees_neither_list_entry_nor_page(web):
    solution = _solution(web)
    other = web("owner2")
    assert solution.name not in text(other.get("/solutions"))
    assert other.get(f"/solutions/{solution.id}").status_code == 404
    assert other.get(f"/solutions/{solution.id}/edit").status_code == 404


def test_auditor_reads_without_edit_controls_and_is_refused_on_posts(web):
    solution = _solution(web)
    auditor = web("auditor")
    page = text(auditor.get(f"/solutions/{solution.id}"))
    assert solution.name in page
    for control in (
        'data-test="edit-solution"',
        'data-test="request-transition"',
        "/classify",
        "/goals",
        "/evidence/new",
        "/oversight",
        "Record a decision",
        "Registrera en lösning",
    ):
        assert control not in page
    assert auditor.get(f"/solutions/{solution.id}/edit").status_code == 403
    assert auditor.post(f"/solutions/{solution.id}/edit", GOOD).status_code == 403


def test_compliance_reads_and_edits(web):
    solution = _solution(web)
    compliance = web("compliance")
    assert compliance.get(f"/solutions/{solution.id}").status_code == 200
    edit = compliance.get(f"/solutions/{solution.id}/edit")
    assert edit.status_code == 200 and f'name="version" value="{solution.version}"' in text(edit)


def test_edit_keeps_the_version_and_refuses_a_stale_one(web):
    solution = _solution(web)
    owner = web("owner")
    form = owner.get(f"/solutions/{solution.id}/edit")
    assert form.status_code == 200 and 'id="owner_id"' not in text(form) and "Röntgen Gällivare" in text(form)
    version = solution.version
    response = owner.post(
        f"/solutions/{solution.id}/edit",
        {**GOOD, "name": "Renamed", "version": str(version), "reason": "Clearer name"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).name == "Renamed"
    stale = owner.post(f"/solutions/{solution.id}/edit", {**GOOD, "name": "Lost", "version": str(version)})
    assert stale.status_code == 412 and 'value="Lost"' in text(stale)
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).name == "Renamed"


def test_overview_per_role(web):
    _solution(web)
    for role in ("owner", "compliance", "auditor", "admin", "owner2"):
        response = web(role).get("/")
        assert response.status_code == 200, role
    owner_page = text(web("owner").get("/"))
    assert (
        "<svg" in owner_page and 'data-test="awaiting"' in owner_page and "Chest X-ray triage" in owner_page
    )
    assert "Chest X-ray triage" not in text(web("owner2").get("/"))


def test_owner_start_page_checks_the_gate_of_the_first_few_solutions_only(web, users):
    """The tasks of the owner's first solutions by name come from a few statements; the gate checklist
    (every module's records) runs for the first five that may move on, and the page says so."""
    from ai_register.main.overview_views import GATE_CHECKS
    from ai_register.solutions.models import TransitionRequest
    from tests.helpers import solution_factory

    make_solution = solution_factory(users, name="Tool", purpose="Helps the staff")
    made = [make_solution(name=f"Tool {n:02d}") for n in range(GATE_CHECKS + 3)]
    waiting = made[1]  # a pending phase change: its own task, no gate check
    db.session.add(TransitionRequest(solution_id=waiting.id, from_phase="idea", to_phase="pilot",
                                     approval_required=True, requested_by_id=users["owner"].id, status="pending"))
    made[-1].next_review_on = made[-1].created_at.date().replace(year=2000)  # overdue: a task beyond the gates
    db.session.commit()
    owner = web("owner")
    owner.language("en")
    body = text(owner.get("/"))
    awaiting = body.split('data-test="awaiting"', 1)[1].split("</section>", 1)[0]
    gated = [s.name for s in made if s.id != waiting.id][:GATE_CHECKS]
    for solution in made:
        shown = awaiting.count(f">{solution.name}</a>")
        assert shown == (1 if solution.name in gated or solution.id == waiting.id else 0) \
            + (1 if solution is made[-1] else 0), solution.name
    assert "Phase change awaiting approval" in awaiting
    assert "Periodic review overdue" in awaiting
    assert 'data-test="gates-unchecked"' in awaiting and f"for the first {GATE_CHECKS} of them" in awaiting


def test_the_start_page_counts_a_gate_as_the_solution_pages_checklist_does(app, users):
    """The start page counts met and all conditions with gates.progress (no texts, notices or waiting
    version): the same counts as the solution page's checklist, whatever the phase and status."""
    from datetime import date

    from ai_register.web import gates
    from tests.helpers import solution_factory

    make = solution_factory(users, name="Tool", purpose="Helps the staff")
    solutions = [make(), make(need_statement="Waiting times are too long."), make(status="paused"),
                 make(phase="pilot", need_statement="Waiting times are too long.", processes_personal_data=False),
                 make(phase="rollout", critical_for_patient_care=True), make(phase="management"),
                 make(phase="decommissioning", decommission_rationale="Replaced."), make(phase="retired")]
    today = date(2026, 12, 7)
    with app.test_request_context("/"):
        for solution in solutions:
            counted, listed = gates.progress(solution, today), gates.checklist(solution, today)
            if listed is None:
                assert counted is None, solution.phase
                continue
            assert (counted.to, counted.met, counted.total, counted.missing) == (
                listed.to, listed.met_count, len(listed.rows), len(listed.rows) - listed.met_count), solution.phase
    assert {solution.phase for solution in solutions} >= {"needs_analysis", "pilot", "decommissioning", "retired"}


def test_the_start_page_counts_what_each_reader_sees(app, users):
    """An owner's counts (overdue, flagged, owned) ride along in the grouped statement over their own
    solutions; compliance's come from indexed counts over the register: the same numbers either way."""
    from datetime import timedelta

    from ai_register.main import overview_views as overview
    from ai_register.solutions.services import region_today
    from tests.helpers import solution_factory

    make = solution_factory(users, name="Tool", purpose="Helps the staff")
    past = region_today() - timedelta(days=3)
    make(name="Overdue", next_review_on=past)
    make(name="Flagged", needs_rereview=True)
    make(name="Retired", phase="retired", next_review_on=past)
    make(name="Co-owned", owner=users["owner2"], co_owners=[users["owner"]], needs_rereview=True,
         next_review_on=past)
    make(name="Another's", owner=users["owner2"], needs_rereview=True, next_review_on=past)
    with app.test_request_context("/"):
        mine, every = overview.build(users["owner"]), overview.build(users["compliance"])
    assert (mine["total"], mine["overdue_count"], mine["flagged_count"], mine["owned"]) == (4, 3, 2, 3)
    assert [s.name for s in mine["flagged"]] == ["Co-owned", "Flagged"]
    assert mine["overdue"] == []  # the page lists the overdue ones to the readers of the whole register only
    assert (every["total"], every["overdue_count"], every["flagged_count"]) == (5, 4, 3)
    assert [s.name for s in every["overdue"]] == ["Overdue", "Retired", "Co-owned", "Another's"]  # by date, then number
    assert [s.name for s in every["flagged"]] == ["Another's", "Co-owned", "Flagged"]
