"""The gate facts of a set of solutions are read set-wise (`gate_facts.gate_facts_for`: every module's records
of all of them in one statement), and the one-solution checklist is its one-solution case. The facts of each
are exactly what each module's own one-solution reads give (`_one_by_one`: the reads before session 7), on the
demo region's solutions with records of every module, read all together, one by one and in a mixed set; and
the start page sends as many statements for five solutions as for one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ai_register.classification.validity import classification_gate_facts
from ai_register.evidence import services as evidence
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.fria import services as fria
from ai_register.fria.models import FriaAssessment
from ai_register.goals import services as goals
from ai_register.goals.models import Goal, Perspective
from ai_register.literacy import services as literacy
from ai_register.oversight import services as oversight
from ai_register.oversight.models import OversightAssignment
from ai_register.portfolio import assessments
from ai_register.solutions import gate_facts
from ai_register.solutions.gate_facts import build_gate_facts, gate_facts_for
from ai_register.solutions.lifecycle.facts import EvidenceType
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import rules as supplier_rules
from ai_register.suppliers import services as suppliers
from ai_register.suppliers.models import SolutionSupplierProduct, SupplierDocument, SupplierProduct
from ai_register.web import gates
from tests.reliability.conftest import counted_statements
from tests.webclient import WebClient


def _one_by_one(solution):
    """The gate facts of `solution` from each module's own reads of one solution (not `gate_facts_for`)."""
    return gate_facts._assemble(
        solution, goals=goals.goal_facts(solution.id), has_benefit_estimate=goals.benefit_for(solution.id) is not None,
        oversight_owner=oversight.oversight_fact(solution.id), evidence=evidence.evidence_facts(solution.id),
        rollout_units=gate_facts.rollout_unit_facts(solution),
        decommissioning_checklist=gate_facts.checklist_facts(solution),
        trustworthy_assessment=assessments.assessment_fact(solution.id), fria_fact=fria.gate_fact(solution.id),
        supplier_evidence=suppliers.evidence_facts(solution.id), training=oversight.training_facts(solution.id),
        literacy_measures=literacy.measure_facts(solution.id), classification=classification_gate_facts(solution))


def _vary(solutions) -> None:
    """Records beside the demo's that must not count: superseded evidence, a withdrawn goal, a FRIA version
    after the approved one that is not approved, ended oversight assignments; and ones that count in an order:
    a supplier's agreement (no product) beside the product version's documents, another version's document."""
    by = solutions[0].owner_id
    ended = datetime(2026, 1, 1, tzinfo=UTC)
    for record in db.session.scalars(select(Evidence).where(Evidence.superseded_by_id.is_(None))).all()[:6]:
        db.session.add(Evidence(solution_id=record.solution_id, type=record.type, title="Äldre", created_by_id=by,
                                issued_on=date(2020, 1, 1), superseded_by_id=record.id))
    for solution in solutions[:6]:
        db.session.add(Goal(solution_id=solution.id, perspective=Perspective.SOCIETY_CITIZENS.value, title="Återtagen",
                            indicator="Väntetid", baseline=1, target=2, created_by_id=by, withdrawn_at=ended))
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=by, authority_to_suspend=True,
                                           accepted_on=date(2025, 1, 1), training_completed_on=date(2025, 1, 2),
                                           ended_at=ended, created_by_id=by))
    for record in db.session.scalars(select(FriaAssessment).where(FriaAssessment.status == "approved")).all():
        db.session.add(FriaAssessment(solution_id=record.solution_id, version=record.version + 1, status="draft",
                                      created_by_id=by))
    for link in db.session.scalars(select(SolutionSupplierProduct)).all():
        product = db.session.get(SupplierProduct, link.product_id)
        other = SupplierProduct(supplier_id=product.supplier_id, product=product.product, product_version="0.1",
                                created_by_id=by)
        db.session.add(other)
        db.session.flush()
        for product_id, kind in ((None, supplier_rules.INSTRUCTIONS), (None, supplier_rules.DECLARATION),
                                 (other.id, supplier_rules.DECLARATION)):
            db.session.add(SupplierDocument(supplier_id=product.supplier_id, product_id=product_id, kind=kind,
                                            title="Avtal", issued_on=date(2024, 5, 1), created_by_id=by))
    db.session.commit()


def test_the_gate_facts_read_together_are_each_solutions_own(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    solutions = list(db.session.scalars(select(Solution).order_by(Solution.id)))
    _vary(solutions)
    today = region_today()
    reference = {s.id: _one_by_one(s) for s in solutions}
    for on in (today, today + timedelta(days=800)):  # a day on which certificates and confirmations lapsed
        together = gate_facts_for(solutions, on=on)
        assert together == reference
        assert {s.id: build_gate_facts(s, on=on) for s in solutions} == reference
        mixed = solutions[::3] + solutions[1::4]  # a set in another order, sharing suppliers and region measures
        assert gate_facts_for(mixed, on=on) == {s.id: reference[s.id] for s in mixed}
        assert gates.progress_of(solutions, on) == {s.id: gates.progress(s, on) for s in solutions}
    # Not vacuous: the demo's solutions hold records of every module the gates read.
    facts = list(reference.values())
    kinds = {e.type for f in facts for e in f.evidence}
    assert {EvidenceType.FRIA, EvidenceType.DECLARATION_OF_CONFORMITY, EvidenceType.OVERSIGHT_TRAINING} <= kinds
    assert any(f.goals for f in facts) and any(f.has_benefit_estimate for f in facts)
    assert any(f.oversight_owner for f in facts) and any(f.rollout_units for f in facts)
    assert any(f.decommissioning_checklist for f in facts) and any(f.trustworthy_assessment for f in facts)
    assert any(f.literacy_measures for f in facts) and any(f.classification for f in facts)
    assert any(f.classification is None for f in facts)
    assert gate_facts_for([], on=today) == {}
    # The solution page hands the checklist what it has read for itself: the same facts.
    handed = {s.id: build_gate_facts(s, on=today, assignment=s.current_oversight, goal_list=goals.goals_for(s.id),
                                     benefit=goals.benefit_for(s.id), evidence_list=evidence.evidence_for(s.id))
              for s in solutions}
    assert handed == {s.id: build_gate_facts(s, on=today) for s in solutions}
    assert any(suppliers.evidence_facts(s.id) for s in solutions)


def test_the_owners_start_page_reads_the_gates_of_five_solutions_in_as_many_statements_as_of_one(
        app, users, without_auth_cache):
    from ai_register.main import overview_views as overview
    from tests.helpers import solution_factory

    owner = users["owner"]
    make = solution_factory(users, name="Tool", purpose="Helps the staff")

    def start_page() -> tuple[int, int]:
        with counted_statements() as statements:
            response = WebClient(app, owner).get("/")
        assert response.status_code == 200
        db.session.rollback()
        tasks, _unchecked = overview.owner_tasks(owner, region_today())
        return len(statements), sum(1 for task in tasks if task["kind"] in ("gate", "ready"))

    make(name="Alfa")
    one, counted = start_page()
    assert counted == 1
    for name, phase in (("Beta", "pilot"), ("Gamma", "rollout"), ("Delta", "needs_analysis"),
                        ("Epsilon", "decommissioning"), ("Zeta", "needs_analysis")):
        make(name=name, phase=phase)
    five, counted = start_page()
    assert counted == overview.GATE_CHECKS == 5
    assert five == one
