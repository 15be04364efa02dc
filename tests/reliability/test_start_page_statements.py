"""The start page sends as many statements when its lists are full as when they hold one item each: the
overdue and flagged lists (with their counts) come in one statement, the supplier card's documents with their
suppliers, the reader's oversight confirmations with their solutions, the breaches to assess (awaiting the
reader, then overdue) with their solutions and metrics, an owner's first solutions with their latest
classification and pending request, and their gates in one statement (tests/solutions/test_gate_facts_of.py).
test_query_counts grows a register no list shows; this one fills the lists the page shows."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from ai_register.extensions import db
from ai_register.monitoring.models import MonitoringAssessment, MonitoringMetric, MonitoringValue
from ai_register.oversight.models import OversightAssignment
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import rules as supplier_rules
from ai_register.suppliers.models import SolutionSupplierProduct, Supplier, SupplierDocument, SupplierProduct
from tests.webclient import WebClient

from .test_query_counts import _web_get


def _listed(owner_id: int, start: int, count: int) -> None:
    """`count` solutions of the owner, each overdue for review, flagged for re-review and using a supplier's
    product whose certificate expires soon (a row of the supplier card each)."""
    today = region_today()
    db.session.execute(insert(Solution), [{
        "name": f"Listad {start + n:03d}", "purpose": "Sorterar remisser.", "owner_id": owner_id,
        "created_by_id": owner_id, "phase": ("needs_analysis", "pilot")[n % 2], "needs_rereview": True,
        "next_review_on": today - timedelta(days=10 + n),
    } for n in range(count)])
    for n in range(count):
        solution = db.session.query(Solution).filter_by(name=f"Listad {start + n:03d}").one()
        supplier = Supplier(name=f"Leverantör {start + n}", created_by_id=owner_id)
        db.session.add(supplier)
        db.session.flush()
        product = SupplierProduct(supplier_id=supplier.id, product="Modell", product_version="1",
                                  created_by_id=owner_id)
        db.session.add(product)
        db.session.flush()
        db.session.add(SupplierDocument(supplier_id=supplier.id, product_id=product.id,
                                        kind=supplier_rules.DECLARATION, title="Försäkran",
                                        issued_on=date(2024, 1, 1), valid_until=today + timedelta(days=5),
                                        created_by_id=owner_id))
        db.session.add(SolutionSupplierProduct(solution_id=solution.id, product_id=product.id,
                                               linked_by_id=owner_id))
        metric = MonitoringMetric(solution_id=solution.id, name=f"Träffsäkerhet {start + n}", kind="sensitivity",
                                  direction="higher_is_better", frequency="monthly", created_by_id=owner_id)
        db.session.add(metric)
        db.session.flush()
        value = MonitoringValue(metric_id=metric.id, solution_id=solution.id, period_end=today, value=1,
                                breach="low", reported_by_id=owner_id)
        db.session.add(value)
        db.session.flush()
        # the owner is its oversight owner and has not yet accepted: a confirmation on their start page
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=owner_id, authority_to_suspend=True,
                                           created_by_id=owner_id))
        # overdue ones (compliance sees them all, the owner their own) and ones awaiting the owner's decision
        db.session.add(MonitoringAssessment(solution_id=solution.id, metric_id=metric.id, value_id=value.id,
                                            assignee_id=owner_id, due_on=today + timedelta(days=(-3, 3)[n % 2])))
    db.session.commit()


def test_the_start_page_sends_as_many_statements_for_full_lists_as_for_one_item(app, users, without_auth_cache):
    owner = users["owner"]

    def measure() -> dict:
        counts = {}
        for role in ("owner", "compliance", "auditor"):
            counts[role] = len(_web_get(app, users[role], "/"))
            db.session.rollback()
        return counts

    _listed(owner.id, 0, 1)
    one = measure()
    _listed(owner.id, 1, 14)
    full = measure()
    assert full == one
    # Not vacuous: both lists are full (the first 10 of 15) and the supplier card lists every document.
    body = WebClient(app, users["compliance"]).get("/").get_data(as_text=True)
    assert body.count("De första 10 av 15.") == 2
    assert body.count("Leverantör ") == 15
    assert body.count(": Träffsäkerhet ") == 8  # the overdue ones (every second)
    owners = WebClient(app, owner).get("/").get_data(as_text=True)
    assert owners.count(": Träffsäkerhet ") == 15  # awaiting them, then overdue
    assert owners.count('oversight/confirm"') == 15  # their confirmations, each with its solution
