"""The FRIA form hands its values to the FRIA service, which holds the FRIA's rules, so the page and the API
answer alike: the API with a 422 naming the field, the page with the same message beside it, the form kept."""

from __future__ import annotations

from ai_register.extensions import db
from ai_register.fria.models import FriaAssessment
from tests.helpers import events, problem
from tests.webclient import field_error, text

from .test_fria import _evidence

RISK = {"risks-0-group": "Barn", "risks-0-description": "Inte validerad för barn.", "risks-0-likelihood": "high",
        "risks-0-severity": "medium"}


def _versions(solution) -> list[FriaAssessment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(FriaAssessment).where(FriaAssessment.solution_id == solution.id)))


def test_a_risk_needs_its_group_description_and_levels_on_the_page_as_in_the_api(web, api, solution):
    for name in ("group", "description", "likelihood", "severity"):
        risk = {k.removeprefix("risks-0-"): v for k, v in RISK.items() if k != f"risks-0-{name}"}
        refused = problem(api.post("owner", f"/api/v1/solutions/{solution.id}/fria",
                                   json={"processes": "Triage", "risks": [risk]}), 422)
        assert refused["errors"] == {"risks": {"0": {name: ["Missing data for required field."]}}}
        page = web("owner").post(f"/solutions/{solution.id}/fria/new",
                                 {"processes": "Triage nattetid", **RISK, f"risks-0-{name}": ""})
        assert page.status_code == 422
        assert field_error(page, f"risks-0-{name}") == "Måste anges."  # the catalog's Swedish of the API's words
        assert "Triage nattetid" in text(page)  # the form is kept
    assert _versions(solution) == []


def test_a_linked_document_must_be_the_solutions_own_of_the_right_kind(api, solution, users, make_solution):
    other = _evidence(make_solution(name="Annan lösning"), users, "instructions_for_use", "Annan bruksanvisning")
    dpia = _evidence(solution, users, "dpia", "DPIA")
    for name, evidence in (("instructions_evidence_id", dpia), ("instructions_evidence_id", other),
                           ("dpia_evidence_id", other)):
        refused = problem(api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json={name: evidence.id}), 422)
        assert refused["errors"] == {name: ["No such evidence of the right type for this solution."]}
    assert _versions(solution) == []


def test_a_saved_draft_and_an_edit_go_to_the_version_with_a_message(web, solution):
    owner = web("owner")
    saved = owner.post(f"/solutions/{solution.id}/fria/new", {"processes": "Triage", **RISK})
    assert saved.status_code == 302
    [record] = _versions(solution)
    assert saved.headers["Location"].endswith(f"/fria/{record.id}") and record.risks[0]["severity"] == "medium"
    edited = owner.post(f"/fria/{record.id}/edit", {"processes": "Triage dygnet runt", **RISK, "risks-0-group": "",
                                                    "lock_version": str(record.lock_version)})
    assert edited.status_code == 422 and field_error(edited, "risks-0-group") == "Måste anges."
    edited = owner.post(f"/fria/{record.id}/edit", {"processes": "Triage dygnet runt", **RISK,
                                                    "lock_version": str(record.lock_version)}, follow_redirects=True)
    assert edited.status_code == 200 and "FRIA:n är sparad." in text(edited)
    assert _versions(solution)[0].processes == "Triage dygnet runt"
    changed = events(solution.id, "fria")[-1]
    assert changed.action == "update" and changed.actor_id == record.created_by_id
