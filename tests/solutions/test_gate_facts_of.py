"""The start page counts the next gate of an owner's first few solutions from their gate facts read set-wise
(`gate_facts.build_gate_facts_of`: each module's records of all of them in one statement): the facts of each
are exactly what `build_gate_facts` reads for it alone, on the demo region's solutions with records of every
module, and the page sends as many statements for five solutions as for one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ai_register.evidence import services as evidence
from ai_register.extensions import db
from ai_register.goals import services as goals
from ai_register.solutions.gate_facts import build_gate_facts, build_gate_facts_of
from ai_register.solutions.lifecycle.facts import EvidenceType
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.suppliers import services as suppliers
from ai_register.web import gates
from tests.reliability.conftest import counted_statements
from tests.webclient import WebClient


def test_the_gate_facts_read_together_are_each_solutions_own(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    solutions = list(db.session.scalars(select(Solution).order_by(Solution.id)))
    today = region_today()
    for on in (today, today + timedelta(days=800)):  # a day on which certificates and confirmations lapsed
        together = build_gate_facts_of(solutions, on=on)
        alone = {s.id: build_gate_facts(s, on=on) for s in solutions}
        assert together == alone
        assert gates.progress_of(solutions, on) == {s.id: gates.progress(s, on) for s in solutions}
    # Not vacuous: the demo's solutions hold records of every module the gates read.
    facts = list(alone.values())
    kinds = {e.type for f in facts for e in f.evidence}
    assert {EvidenceType.FRIA, EvidenceType.DECLARATION_OF_CONFORMITY, EvidenceType.OVERSIGHT_TRAINING} <= kinds
    assert any(f.goals for f in facts) and any(f.has_benefit_estimate for f in facts)
    assert any(f.oversight_owner for f in facts) and any(f.rollout_units for f in facts)
    assert any(f.decommissioning_checklist for f in facts) and any(f.trustworthy_assessment for f in facts)
    assert any(f.literacy_measures for f in facts) and any(f.classification for f in facts)
    assert any(f.classification is None for f in facts)
    assert build_gate_facts_of([], on=today) == {}
    # The solution page hands the checklist what it has read for itself: the same facts.
    handed = {s.id: build_gate_facts(s, on=today, assignment=s.current_oversight, goal_list=goals.goals_for(s.id),
                                     benefit=goals.benefit_for(s.id), evidence_list=evidence.evidence_for(s.id))
              for s in solutions}
    assert handed == {s.id: build_gate_facts(s, on=today) for s in solutions}
    # The single check reads the supplier documents set-wise too: the same facts as `evidence_facts`.
    assert {s.id: suppliers.evidence_facts_of([s.id])[s.id] for s in solutions} == {
        s.id: suppliers.evidence_facts(s.id) for s in solutions}
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
