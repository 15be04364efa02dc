"""The gate checklist of the solution page: each check of the lifecycle's gate table, met or not,
with the lifecycle's unmet conditions in words people read. The decision is the lifecycle's: this
module only runs its checks one by one so the page can show what is already met, too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ai_register import formats
from ai_register.classification.models import SUBMITTED
from ai_register.classification.services import classifications_of
from ai_register.solutions.gate_facts import build_gate_facts, gate_facts_for, gate_settings
from ai_register.solutions.labels import checklist_label, evidence_label
from ai_register.solutions.lifecycle.gates import GATES, PROHIBITED_BLOCK_EXEMPT, prohibited_block
from ai_register.solutions.lifecycle.phases import Phase, Status, check_move
from ai_register.solutions.lifecycle.unmet import Unmet
from ai_register.suppliers import services as suppliers

CHECK_LABELS = {
    "prohibited_block": _l("No classification says prohibited (AI Act Art 5)"),
    "need_statement": _l("The need is stated"),
    "complete_goal": _l("A goal with indicator, baseline and target"),
    "benefit_estimate": _l("A benefit estimate"),
    "valid_classification": _l("An approved, decided classification"),
    "oversight_owner_named": _l("A human-oversight owner is named"),
    "dpia_if_personal_data": _l("A DPIA when personal data are processed (GDPR Art 35)"),
    "trustworthy_assessment": _l("A trustworthy-AI self-assessment of the seven requirements"),
    "continuity_if_critical": _l("When critical for patient care: a fallback routine and a tested recovery plan"),
    "pilot_evaluation": _l("A pilot evaluation"),
    "goal_measurements": _l("At least one measured value per goal"),
    "oversight_confirmed": _l("The oversight owner confirmed within the last 12 months"),
    "role_known": _l("The region's role (provider or deployer) is known"),
    "high_risk_evidence": _l("The evidence a high-risk system needs"),
    "rollout_units_started": _l("Every care unit of the rollout plan has started"),
    "review_schedule": _l("A review schedule is set"),
    "decommission_rationale": _l("The rationale for decommissioning"),
    "checklist_complete": _l("The decommissioning checklist is complete"),
    "device_conformity": _l("A medical device not made in-house: EU declaration of conformity and, where its class "
                            "needs one, the notified body's certificate"),
    "literacy_policy": _l("Region policy: an AI-literacy measure reaching every care unit of the rollout plan"),
}

# Where a writer fixes a check: (endpoint, anchor or query) — shown only when the endpoint exists.
FIX_LINKS = {
    "need_statement": ("solutions_web.edit", {"_anchor": "need_statement"}),
    "complete_goal": ("goals_web.goals", {}),
    "goal_measurements": ("goals_web.goals", {}),
    "benefit_estimate": ("goals_web.benefit", {}),
    "valid_classification": ("classify_web.start", {}),
    "role_known": ("classify_web.start", {}),
    "oversight_owner_named": ("oversight_web.oversight", {}),
    "oversight_confirmed": ("oversight_web.oversight", {}),
    "dpia_if_personal_data": ("evidence_web.evidence_new", {"type": "dpia"}),
    "pilot_evaluation": ("evidence_web.evidence_new", {"type": "pilot_evaluation"}),
    "high_risk_evidence": ("evidence_web.evidence_new", {}),
    "rollout_units_started": ("phases_web.rollout_plan", {}),
    "review_schedule": ("solutions_web.edit", {"_anchor": "review_interval_months"}),
    "checklist_complete": ("phases_web.checklist", {}),
    "trustworthy_assessment": ("portfolio_web.assessment", {}),
    "continuity_if_critical": ("solutions_web.edit", {"_anchor": "critical_for_patient_care"}),
    "device_conformity": ("suppliers_web.solution_link", {}),
    "literacy_policy": ("literacy_web.solution_measures", {}),
}


# The unmet conditions without a rule of their own in `unmet_text`, each worded from its details when it is
# the one shown (not all of them on every call).
_UNMET_TEXTS = {
    "need_statement_missing": lambda d: _("State the need the solution answers."),
    "goal_missing": lambda d: _("Record at least one goal with indicator, baseline and target."),
    "goal_incomplete": lambda d: _("No goal has an indicator, a baseline and a target yet."),
    "benefit_estimate_missing": lambda d: _("Record a benefit estimate (costs, savings, time freed)."),
    "classification_needs_review": lambda d: _(
        "The classification is not decided (needs review): answer the open "
        "questions or ask compliance to override it."
    ),
    "oversight_owner_missing": lambda d: _("Name the human-oversight owner."),
    "oversight_confirmation_missing": lambda d: _(
        "The oversight owner has not accepted or confirmed the assignment."
    ),
    "oversight_confirmation_expired": lambda d: _(
        "The oversight owner last confirmed on %(day)s; a new confirmation is due.",
        day=d.get("confirmed_on", ""),
    ),
    "goal_measurement_missing": lambda d: _("Goal %(goal)s has no measured value yet.", goal=d.get("goal", "")),
    "classification_role_missing": lambda d: _(
        "The approved answers do not say whether the region is provider or deployer."
    ),
    "rollout_plan_missing": lambda d: _("The rollout plan lists no care unit."),
    "rollout_unit_not_started": lambda d: _("Care unit %(unit)s has not started.", unit=d.get("unit", "")),
    "review_schedule_missing": lambda d: _("Set a review schedule (next review date or interval)."),
    "decommission_rationale_missing": lambda d: _("Give the rationale for decommissioning."),
    "classification_prohibited": lambda d: _("A classification says prohibited; only decommissioning is possible."),
    "transition_pending": lambda d: _("Another phase change request is pending."),
    "trustworthy_assessment_missing": lambda d: _(
        "Record a trustworthy-AI self-assessment of the seven requirements (EU ethics guidelines)."
    ),
    "trustworthy_assessment_incomplete": lambda d: _(
        "The trustworthy-AI assessment leaves %(count)s requirement(s) unanswered.",
        count=len(d.get("unanswered", [])),
    ),
    "recovery_plan_test_missing": lambda d: _("Test the recovery plan and record the test date."),
    "policy_literacy_missing": lambda d: _(
        "Region policy: record an AI-literacy measure (AI Act Art 4) reaching every care unit of the rollout "
        "plan; not reached: %(units)s.", units=", ".join(d.get("units") or []) or "—"),
    "move_paused": lambda d: _("The solution is paused; only resume or terminate are possible."),
    "move_retired_terminal": lambda d: _("A retired solution is read-only."),
}


def unmet_text(unmet: Unmet) -> str:
    """The unmet condition in the reader's language; the lifecycle's English message otherwise."""
    code, d = unmet.code, unmet.details
    if code.startswith("evidence_missing:") or code == "dpia_missing":
        kind = evidence_label(d.get("evidence_type") or code.partition(":")[2] or "dpia")
        reason = {
            "none_recorded": _("none is recorded"),
            "expired": _("the recorded one has expired"),
            "not_yet_issued": _("the recorded one is issued later"),
        }.get(d.get("reason"), "")
        basis = f" ({formats.joined_text(d['basis'])})" if d.get("basis") else ""
        return _(
            "%(kind)s%(basis)s valid on %(on)s is required; %(reason)s.",
            kind=kind,
            basis=basis,
            on=d.get("on", ""),
            reason=reason,
        )
    if code.startswith("checklist_item_open:"):
        return _("Not ticked: %(item)s.", item=checklist_label(d.get("item", code.partition(":")[2])))
    if code == "classification_not_valid":
        reason = d.get("reason")
        return {
            "none_approved": _("No classification has been approved yet."),
            "flagged_for_review": _("The classification is flagged for re-review after a rule-set change."),
            "result_changed_under_current_ruleset": _(
                "The classification's result changes under the current rule set; it must be reviewed again."
            ),
        }.get(reason, _("No valid classification."))
    text = _UNMET_TEXTS.get(code)
    return text(d) if text is not None else unmet.message


@dataclass
class CheckRow:
    key: str
    label: str
    unmet: list[str] = field(default_factory=list)
    fix: tuple[str, dict] | None = None
    # A version already waiting for review: the link shows it instead of asking to answer again.
    pending_version: int | None = None

    @property
    def met(self) -> bool:
        return not self.unmet


@dataclass
class GateChecklist:
    to: Phase
    rows: list[CheckRow]
    on: date
    # Not gate conditions: the supplier's certificates and agreements that expire soon or have expired.
    notices: list = field(default_factory=list)

    @property
    def open(self) -> bool:
        return all(row.met for row in self.rows)

    @property
    def met_count(self) -> int:
        return sum(row.met for row in self.rows)

    @property
    def move_allowed(self) -> bool:
        """Whether the lifecycle allows the move at all now (a paused solution does not move on)."""
        return not any(row.key == "move" and not row.met for row in self.rows)


# The forward step the checklist prepares; the exit to decommissioning has its own button.
NEXT_PHASE = {
    Phase.NEEDS_ANALYSIS: Phase.PILOT,
    Phase.PILOT: Phase.ROLLOUT,
    Phase.ROLLOUT: Phase.MANAGEMENT,
    Phase.DECOMMISSIONING: Phase.RETIRED,
}


def next_phase(solution) -> Phase | None:
    return NEXT_PHASE.get(Phase(solution.phase))


def _waiting_classification(versions):
    """The latest version sent for review and not yet decided, if any, among every version newest first."""
    return next((version for version in versions if version.status == SUBMITTED), None)


@dataclass(frozen=True)
class GateProgress:
    """How far a solution is from its next gate, as the checklist counts it, without the texts."""

    to: Phase
    met: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.met


def progress(solution, on: date) -> GateProgress | None:
    """The checklist's count of met and all rows (the start page's "3 of 7 conditions missing"), from the
    same facts and checks, but without what only the solution page shows: the rows' texts and fix links,
    the classification awaiting review and the supplier notices (three statements and the translations
    fewer per solution)."""
    return progress_of([solution], on)[solution.id]


def progress_of(solutions: list, on: date) -> dict[int, GateProgress | None]:
    """`progress` of each of `solutions`, their gate facts read for all of them at once
    (`gate_facts_for`: one statement, however many solutions)."""
    moving = {s.id: to for s in solutions if (to := next_phase(s)) is not None}
    facts = gate_facts_for([s for s in solutions if s.id in moving], on=on)
    settings = gate_settings()
    return {s.id: _counted(s, moving[s.id], facts[s.id], on, settings) if s.id in moving else None
            for s in solutions}


def _counted(solution, to: Phase, facts, on: date, settings) -> GateProgress:
    met = sum(not check(facts, on, settings) for check in GATES[to])
    total = len(GATES[to])
    if to not in PROHIBITED_BLOCK_EXEMPT and prohibited_block(facts, to):
        total += 1  # shown (unmet) only when it fails
    if check_move(Phase(solution.phase), Status(solution.status), to):
        total += 1  # likewise
    return GateProgress(to, met, total)


def checklist(solution, on: date, to: Phase | None = None, **read) -> GateChecklist | None:
    """The checklist of the move to `to` (the next phase); `read`: what the page has read already, by the names
    `gate_facts.GIVEN` gives (the current oversight `assignment`, the `goal_list`, the `benefit` estimate, the
    `evidence_list`, every classification version newest first as `classifications`, the `rollout` plan's
    units, the `decommissioning` checklist's items, the `supplier_documents`). The versions and the documents
    are read here unless given: besides the gates, the version waiting for review and the supplier notices
    come from them; the gates' other records come in one statement (`build_gate_facts`)."""
    to = to or next_phase(solution)
    if to is None:
        return None
    if "classifications" not in read:
        read["classifications"] = classifications_of(solution)
    if "supplier_documents" not in read:
        read["supplier_documents"] = suppliers.linked_documents(solution.id)
    facts = build_gate_facts(solution, on=on, **read)
    settings = gate_settings()
    rows = []
    if to not in PROHIBITED_BLOCK_EXEMPT:
        rows.append(
            CheckRow(
                "prohibited_block",
                str(CHECK_LABELS["prohibited_block"]),
                [unmet_text(u) for u in prohibited_block(facts, to)],
            )
        )
    for check in GATES[to]:
        name = check.__name__
        rows.append(
            CheckRow(
                name,
                str(CHECK_LABELS.get(name, name.replace("_", " "))),
                [unmet_text(u) for u in check(facts, on, settings)],
                FIX_LINKS.get(name),
            )
        )
    # The prohibited row only matters when it fails; otherwise it is noise on every page.
    rows = [r for r in rows if r.key != "prohibited_block" or not r.met]
    # Moves are the lifecycle's to judge too (paused, retired); they head the list when they fail.
    waiting = _waiting_classification(read["classifications"])
    if waiting is not None:
        for row in rows:
            if row.key in ("valid_classification", "role_known") and not row.met:
                row.fix = ("classify_web.result", {"classification_id": waiting.id})
                row.pending_version = waiting.version
    move = check_move(Phase(solution.phase), Status(solution.status), to)
    if move:
        rows.insert(0, CheckRow("move", str(_l("The move is allowed")), [unmet_text(u) for u in move]))

    return GateChecklist(to, rows, on, suppliers.attention_from(read["supplier_documents"], solution, on))
