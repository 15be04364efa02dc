"""The follow-up agenda and the review schedule read a page in as many statements for many items as for
few: no statement per item (an oversight owner's account, a supplier's contact, a solution's last review)."""

from __future__ import annotations

from datetime import date

from freezegun import freeze_time

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.incidents.models import Incident, IncidentDuty
from ai_register.oversight.models import OversightAssignment, Person
from ai_register.reviews.models import Review
from ai_register.suppliers.models import SolutionSupplierProduct, Supplier, SupplierProduct
from tests.reliability.conftest import counted_statements

TODAY = "2026-05-04 08:00:00"


def _add(make_solution, report, users, start: int, count: int) -> None:
    """`count` solutions with an item of every person-naming kind: an overdue review after a recorded
    one, expiring evidence, a re-confirmation due (of an account holder or of a person without an
    account), a serious incident whose duty goes to the provider of a linked product."""
    owner = users["owner"].id
    for n in range(start, start + count):
        solution = make_solution(name=f"Agenda {n:02d}", phase="management", next_review_on=date(2026, 4, 1))
        supplier = Supplier(name=f"Supplier {n}", created_by_id=owner,
                            contacts=[{"role": "vigilance", "name": f"Vera {n}", "email": f"v{n}@example.com"}])
        db.session.add(supplier)
        db.session.flush()
        product = SupplierProduct(supplier_id=supplier.id, product="Sepsis AI", product_version=str(n),
                                  created_by_id=owner)
        person = Person(name=f"Petra {n}", created_by_id=owner)
        db.session.add_all([product, person])
        db.session.flush()
        db.session.add_all([
            SolutionSupplierProduct(solution_id=solution.id, product_id=product.id, linked_by_id=owner),
            Review(solution_id=solution.id, reviewed_on=date(2025, 4, 1), checked=["goals"], outcome="continue",
                   interval_months=12, next_review_on=date(2026, 4, 1), reviewed_by_id=owner),
            Evidence(solution_id=solution.id, type="dpia", title=f"DPIA {n}", issued_on=date(2024, 1, 1),
                     expires_on=date(2026, 5, 20), created_by_id=owner),
            OversightAssignment(solution_id=solution.id, created_by_id=owner, authority_to_suspend=True,
                                accepted_on=date(2025, 5, 10), **({"user_id": owner} if n % 2 else
                                                                  {"person_id": person.id})),
        ])
        db.session.commit()
        assert report(solution, patient_harm="death").status_code == 201
        incident = db.session.query(Incident).filter_by(solution_id=solution.id).one()
        duty = db.session.query(IncidentDuty).filter_by(incident_id=incident.id).order_by(IncidentDuty.id).first()
        duty.recipient = "provider"  # the deployer informs the provider first (Art 26(5)): a supplier contact
        db.session.commit()


def _count(client, url: str, headers: dict) -> tuple[int, dict, list[str]]:
    with counted_statements() as statements:
        response = client.get(url, headers=headers)
        body = response.get_json()
    assert response.status_code == 200, body
    db.session.rollback()
    return len(statements), body, statements


def test_agenda_and_schedule_pages_read_no_statement_per_item(client, auth, users, make_solution, report,
                                                             without_auth_cache):
    urls = [("compliance", "/api/v1/follow-up?per_page=100"), ("owner", "/api/v1/follow-up?per_page=100"),
            ("auditor", "/api/v1/follow-up?per_page=100&overdue=false"),
            ("owner", "/api/v1/reviews/schedule"), ("compliance", "/api/v1/reviews/schedule?state=overdue")]
    with freeze_time(TODAY):
        _add(make_solution, report, users, 0, 2)
        small = {(who, url): _count(client, url, auth(users[who])) for who, url in urls}
        _add(make_solution, report, users, 2, 6)
        large = {(who, url): _count(client, url, auth(users[who])) for who, url in urls}
    agenda = large["compliance", "/api/v1/follow-up?per_page=100"][1]
    kinds = {item["kind"] for item in agenda["items"]}
    assert {"review_overdue", "evidence_expiring", "oversight_confirmation_due", "incident_duty_due"} <= kinds
    duties = [i for i in agenda["items"] if i["kind"] == "incident_duty_due" and "contact" in i["details"]]
    assert {i["details"]["contact"] for i in duties} == {f"Supplier {n} — Vera {n}, v{n}@example.com"
                                                         for n in range(8)}
    owners = sorted(i["details"]["oversight_owner"] for i in agenda["items"]
                    if i["kind"] == "oversight_confirmation_due")
    assert owners == sorted([users["owner"].display_name] * 4 + [f"Petra {n}" for n in range(0, 8, 2)])
    schedule = large["owner", "/api/v1/reviews/schedule"][1]
    assert len(schedule["items"]) == 8 and {i["last_reviewed_on"] for i in schedule["items"]} == {"2025-04-01"}
    assert len({i["last_review_id"] for i in schedule["items"]}) == 8
    grown = {key: (small[key][0], large[key][0]) for key in small if small[key][0] != large[key][0]}
    assert not grown, grown
    assert small["compliance", "/api/v1/follow-up?per_page=100"][1]["total"] < agenda["total"]
    # The twelve sources are counted in one statement (a UNION ALL), not in a statement each.
    for who, url in urls[:3]:
        statements = large[who, url][2]
        assert sum(1 for sql in statements if "count(*)" in sql.lower()) == 1, (who, url)
        # (An owner's first reviews are read as their own and their co-owned ones, a UNION ALL without a count.)
        assert sum(1 for sql in statements if "union all" in sql.lower() and "count(*)" in sql.lower()) == 1, \
            (who, url)
