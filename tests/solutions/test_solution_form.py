"""The solution form hands its values to the solutions service, which holds the register's rules between
fields and records, so the API and the page refuse alike: the API with a 422 naming the field, the page with
the same message beside the field, the form kept. The form checks the shapes the page offers (lines)."""

from __future__ import annotations

from datetime import date, timedelta

from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.helpers import problem
from tests.webclient import SOLUTION_FORM, field_error, text

from .conftest import BASE, events

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Solution.id)))


def test_the_services_rules_on_the_page_as_in_the_api(reg, web):
    sid = reg.create(external_id="EXT-1")["id"]
    owner = web("owner")
    for fields, form, field, english, swedish in (
        ({"external_id": "EXT-1"}, {"external_id": "EXT-1"}, "external_id",
         "Another solution has this external id.", "En annan lösning har redan detta externa id."),
        ({"processes_personal_data": False, "processes_health_data": True},
         {"processes_personal_data": "no", "processes_health_data": "yes"}, "processes_personal_data",
         "Health data are personal data (GDPR Art 4(15), Art 9).",
         "Hälsouppgifter är personuppgifter (GDPR art. 4.15, art. 9)."),
        ({"recovery_plan_tested_on": TOMORROW}, {"recovery_plan_tested_on": TOMORROW}, "recovery_plan_tested_on",
         "A test cannot be dated later than today.", "Ett test kan inte dateras senare än i dag."),
    ):
        refused = problem(reg.client.post(BASE, json={"name": "Annan", "purpose": "Annat.", **fields},
                                          headers=reg.h()), 422)
        assert refused["errors"] == {field: [english]} and refused["code"] == "invalid_input"
        page = owner.post("/solutions/new", {**SOLUTION_FORM, "supplier": "Behåll AB", **form})
        assert page.status_code == 422 and field_error(page, field) == swedish
        assert 'value="Behåll AB"' in text(page)  # the form is kept
        if field != "external_id":  # its own external id is no clash
            edited = owner.post(f"/solutions/{sid}/edit", {**SOLUTION_FORM, **form, "external_id": "EXT-1",
                                                           "version": "1"})
            assert edited.status_code == 422 and field_error(edited, field) == swedish
    assert _count() == 1 and db.session.get(Solution, sid).version == 1


def test_an_owner_registers_only_for_themself_in_the_api(reg, users):
    refused = problem(reg.client.post(BASE, json={"name": "X", "purpose": "Y.", "owner_id": users["owner2"].id},
                                      headers=reg.h()), 422)
    assert refused["errors"] == {
        "owner_id": ["You can register a solution only as its owner; add others as co-owners."]}


def test_the_form_checks_the_shape_of_its_lines(web):
    owner = web("owner")
    page = owner.post("/solutions/new", {**SOLUTION_FORM, "care_units": "Akuten\n" + "x" * 101})
    assert page.status_code == 422
    assert field_error(page, "care_units") == "Högst 50 rader, var och en högst 100 tecken."
    page = owner.post("/solutions/new", {**SOLUTION_FORM, "tags": "\n".join(f"t{n}" for n in range(51))})
    assert page.status_code == 422 and field_error(page, "tags") == "Högst 50 rader, var och en högst 100 tecken."
    assert _count() == 0


def test_a_saved_edit_goes_to_the_solution_with_its_reason(reg, web, users):
    sid = reg.create()["id"]
    saved = web("owner").post(f"/solutions/{sid}/edit", {**SOLUTION_FORM, "name": "Nytt namn", "version": "1",
                                                        "reason": "Bytt namn", "in_service_since": "2026-01-02"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/solutions/{sid}")
    db.session.expire_all()
    solution = db.session.get(Solution, sid)
    assert solution.name == "Nytt namn" and solution.in_service_since == date(2026, 1, 2)
    assert events(sid)[-1].reason == "Bytt namn" and events(sid)[-1].actor_id == users["owner"].id
