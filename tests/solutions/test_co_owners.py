"""Co-owners are chosen by searching a region's staff, not from a list of every account: a lookup limited to
active accounts that can own (owner, compliance), answered only to those who register and change solutions;
without JavaScript the search box takes e-mail addresses; a compliance officer who becomes co-owner is warned
of that they can no longer review the solution."""

from __future__ import annotations

from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.webclient import SOLUTION_FORM as GOOD
from tests.webclient import text


def test_the_lookup_offers_active_accounts_that_can_own_to_those_who_edit(web, users, make_user):
    make_user("owner", "olle.inaktiv@region.example", name="Olle Inaktiv").active = False
    make_user("auditor", "olga.revisor@region.example", name="Olga Revisor")
    db.session.commit()
    owner = web("owner")
    items = owner.get("/people/lookup?q=o").get_json()["items"]
    names = {item["name"] for item in items}
    assert "Olle Inaktiv" not in names and "Olga Revisor" not in names  # inactive, cannot own
    compliance = users["compliance"]
    found = owner.get(f"/people/lookup?q={compliance.email[:6].upper()}").get_json()["items"]
    assert [i for i in found if i["id"] == compliance.id][0]["warning"].startswith("En granskare som blir medägare")
    assert owner.get("/people/lookup?q=").get_json() == {"items": []}
    assert web("auditor").get("/people/lookup?q=o").status_code == 403


def test_co_owners_are_added_by_e_mail_without_javascript_and_a_compliance_officer_is_warned(web, users):
    owner = web("owner")
    page = text(owner.get("/solutions/new"))
    assert 'data-lookup="/people/lookup"' in page and "<select" not in page.split('data-test="co-owners"')[1][:2000]
    response = owner.post("/solutions/new", {**GOOD, "co_owner_add": f"{users['owner2'].email}, nobody@region.example"})
    assert response.status_code == 422
    page = text(response)
    assert ("Inget aktivt konto som ägare eller granskare har den e-postadressen eller det namnet: "
            "nobody@region.example") in page
    # The one found is kept as a ticked co-owner while the typo is fixed.
    assert f'name="co_owner_ids" value="{users["owner2"].id}" checked' in page

    response = owner.post("/solutions/new", {**GOOD, "co_owner_ids": [str(users["owner2"].id)],
                                             "co_owner_add": users["compliance"].email.upper()})
    assert response.status_code == 302, text(response)[:1500]
    solution = db.session.scalars(db.select(Solution)).one()
    assert {u.id for u in solution.co_owners} == {users["owner2"].id, users["compliance"].id}
    page = text(owner.get(f"/solutions/{solution.id}"))
    assert "kan inte längre granska lösningens klassificering eller fasbyten" in page
    edit = text(owner.get(f"/solutions/{solution.id}/edit"))
    assert 'data-test="compliance-co-owner"' in edit and 'data-test="compliance-warning"' in edit

    # Unticking removes a co-owner.
    version = db.session.get(Solution, solution.id).version
    form = {**GOOD, "version": str(version), "co_owner_ids": [str(users["owner2"].id)]}
    assert owner.post(f"/solutions/{solution.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert [u.id for u in db.session.get(Solution, solution.id).co_owners] == [users["owner2"].id]


def test_the_deviation_form_searches_as_you_type(web):
    page = text(web("owner").get("/deviations/new"))
    assert 'data-lookup-radios="solution-options"' in page and 'data-lookup="/deviations/solutions"' in page
    assert "js/lookup.js" in page
