"""The lifecycle of an AI solution, pure: phases, allowed moves, follow-up decisions and gates.

No Flask, no database. The service layer reads the solution's records, fills a `GateFacts`
snapshot with plain values and asks `evaluate_transition` (move + gate) or `plan_decision`.
Everything here is a table; the functions only walk the tables.

DOMAIN.md, "Lifecycle": "one step forward along the list; from any phase before
`decommissioning` to `decommissioning`; no skipping, no going back ... While `paused`, only
`resume` and `terminate` are possible. Transitions into `pilot` and `rollout` are requested ...
and take effect when a compliance officer approves them." And "Gates": "a transition is refused,
with every unmet condition listed, until they hold".

Unmet codes (stable, for API clients and tests):
  moves      move_same_phase, move_backwards, move_skips_phase, move_retired_terminal, move_paused
  pilot      need_statement_missing, goal_missing, goal_incomplete, benefit_estimate_missing,
             classification_not_valid, classification_needs_review, oversight_owner_missing,
             dpia_missing, trustworthy_assessment_missing, trustworthy_assessment_incomplete,
             evidence_missing:declaration_of_conformity, evidence_missing:notified_body_certificate
             (a medical device not made in-house)
  rollout    evidence_missing:pilot_evaluation, goal_missing, goal_measurement_missing,
             classification_not_valid, classification_needs_review, classification_role_missing,
             oversight_owner_missing, oversight_confirmation_missing, oversight_confirmation_expired,
             evidence_missing:<evidence type> (high-risk table),
             evidence_missing:fallback_routine, evidence_missing:recovery_plan, recovery_plan_test_missing
             (critical for patient care)
  management rollout_plan_missing, rollout_unit_not_started, review_schedule_missing
  decommissioning  decommission_rationale_missing
  retired    checklist_item_open:<checklist key>
  any but the exit phases  classification_prohibited
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from ai_register.literacy.rules import unreached_units
from ai_register.rules import contract


def N_(message: str) -> str:  # noqa: N802 (marked for the catalog, translated where shown)
    return message


# Where a basis names several, they are joined by this; a page translates each part (web.labels.joined_text).
BASIS_SEPARATOR = "; "


class Label(str):
    """A catalog message: its English text is the msgid (what the API and the trail's English say).
    Pages translate it with gettext; JSON that carries both languages uses `formats.both`."""

    @property
    def en(self) -> str:
        return str(self)


# --------------------------------------------------------------------------- phases and status


class Phase(StrEnum):
    NEEDS_ANALYSIS = "needs_analysis"
    PILOT = "pilot"
    ROLLOUT = "rollout"
    MANAGEMENT = "management"
    DECOMMISSIONING = "decommissioning"
    RETIRED = "retired"

    def label(self) -> Label:
        return PHASE_LABELS[self]


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"

    def label(self) -> Label:
        return STATUS_LABELS[self]


class DecisionKind(StrEnum):
    SCALE_UP = "scale_up"
    ADJUST = "adjust"
    PAUSE = "pause"
    RESUME = "resume"
    TERMINATE = "terminate"

    def label(self) -> Label:
        return DECISION_LABELS[self]


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_LABELS: Mapping[Phase, Label] = {
    Phase.NEEDS_ANALYSIS: Label(N_("Needs analysis")),
    Phase.PILOT: Label(N_("Pilot")),
    Phase.ROLLOUT: Label(N_("Rollout")),
    Phase.MANAGEMENT: Label(N_("Management")),
    Phase.DECOMMISSIONING: Label(N_("Decommissioning")),
    Phase.RETIRED: Label(N_("Retired")),
}

STATUS_LABELS: Mapping[Status, Label] = {
    Status.ACTIVE: Label(N_("Active")),
    Status.PAUSED: Label(N_("Paused")),
}

DECISION_LABELS: Mapping[DecisionKind, Label] = {
    DecisionKind.SCALE_UP: Label(N_("Scale up")),
    DecisionKind.ADJUST: Label(N_("Adjust")),
    DecisionKind.PAUSE: Label(N_("Pause")),
    DecisionKind.RESUME: Label(N_("Resume")),
    DecisionKind.TERMINATE: Label(N_("Terminate")),
}

BEFORE_DECOMMISSIONING: frozenset[Phase] = frozenset(
    {Phase.NEEDS_ANALYSIS, Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT}
)


# --------------------------------------------------------------------------- unmet conditions


@dataclass(frozen=True)
class Unmet:
    """One condition that keeps a move or a gate closed. `code` is stable; `message` is for people."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": dict(self.details)}


# --------------------------------------------------------------------------- moves

# "One step forward along the list; from any phase before decommissioning to decommissioning;
# no skipping, no going back." Retired is terminal.
MOVES: Mapping[Phase, tuple[Phase, ...]] = {
    Phase.NEEDS_ANALYSIS: (Phase.PILOT, Phase.DECOMMISSIONING),
    Phase.PILOT: (Phase.ROLLOUT, Phase.DECOMMISSIONING),
    Phase.ROLLOUT: (Phase.MANAGEMENT, Phase.DECOMMISSIONING),
    Phase.MANAGEMENT: (Phase.DECOMMISSIONING,),
    Phase.DECOMMISSIONING: (Phase.RETIRED,),
    Phase.RETIRED: (),
}

# "While paused, only resume and terminate are possible": the only move is terminate's.
MOVES_WHILE_PAUSED: tuple[Phase, ...] = (Phase.DECOMMISSIONING,)

# "Transitions into pilot and rollout are requested ... and take effect when a compliance
# officer approves them (four eyes). Other transitions take effect at once."
APPROVAL_REQUIRED: frozenset[Phase] = frozenset({Phase.PILOT, Phase.ROLLOUT})


def requires_approval(to: Phase) -> bool:
    return to in APPROVAL_REQUIRED


def allowed_targets(phase: Phase, status: Status) -> list[Phase]:
    targets = MOVES[phase]
    if status is Status.PAUSED:
        targets = tuple(t for t in targets if t in MOVES_WHILE_PAUSED)
    return list(targets)


def status_after_move(status: Status, to: Phase) -> Status:
    """The status once the move into `to` has taken effect. Pausing keeps the phase, but leaving
    service ends the pause: decommissioning and retired cannot be paused (the checklist is work to
    be done), so a paused solution terminated into decommissioning becomes active."""
    return status if to in BEFORE_DECOMMISSIONING else Status.ACTIVE


def check_move(phase: Phase, status: Status, to: Phase) -> list[Unmet]:
    """Whether `to` is a legal next phase; empty means the move itself is allowed (gates aside)."""
    allowed = [t.value for t in allowed_targets(phase, status)]
    details = {"from": phase.value, "to": to.value, "allowed": allowed}
    here, there = PHASE_ORDER.index(phase), PHASE_ORDER.index(to)
    unmet: list[Unmet] = []
    if phase is Phase.RETIRED:
        unmet.append(Unmet("move_retired_terminal", "A retired solution is read-only; it has no next phase.",
                           details))
    elif there == here:
        unmet.append(Unmet("move_same_phase", f"The solution is already in {phase.label()}.", details))
    elif there < here:
        unmet.append(Unmet("move_backwards", f"No going back from {phase.label()} to {to.label()}; "
                           "terminate and start a new needs analysis instead.", details))
    elif to not in MOVES[phase]:
        unmet.append(Unmet("move_skips_phase", f"{phase.label()} cannot skip ahead to {to.label()}.",
                           details))
    if status is Status.PAUSED and to not in MOVES_WHILE_PAUSED and phase is not Phase.RETIRED:
        unmet.append(Unmet("move_paused", "The solution is paused; only resume or terminate are possible.",
                           details))
    return unmet


# --------------------------------------------------------------------------- follow-up decisions


@dataclass(frozen=True)
class DecisionEffect:
    """What a decision does. When `transition_requested`, the move waits for a compliance approval."""

    new_status: Status
    transition_to: Phase | None = None
    transition_requested: bool = False


class DecisionNotAllowed(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class _DecisionRule:
    phases: frozenset[Phase]
    statuses: frozenset[Status]
    new_status: Status
    moves: Mapping[Phase, Phase] = field(default_factory=dict)


_ACTIVE = frozenset({Status.ACTIVE})
_PAUSED = frozenset({Status.PAUSED})

# DOMAIN.md: "`scale_up` exists only in `pilot` (→ request `rollout`) and `rollout` (→
# `management`); `terminate` moves to `decommissioning`." `adjust` keeps the phase ("stays in
# pilot after an adjust"). Terminate sets the status to active, as `status_after_move` does for
# any move into decommissioning.
DECISIONS: Mapping[DecisionKind, _DecisionRule] = {
    DecisionKind.SCALE_UP: _DecisionRule(
        frozenset({Phase.PILOT, Phase.ROLLOUT}), _ACTIVE, Status.ACTIVE,
        {Phase.PILOT: Phase.ROLLOUT, Phase.ROLLOUT: Phase.MANAGEMENT},
    ),
    DecisionKind.ADJUST: _DecisionRule(
        frozenset({Phase.PILOT, Phase.ROLLOUT, Phase.MANAGEMENT}), _ACTIVE, Status.ACTIVE,
    ),
    DecisionKind.PAUSE: _DecisionRule(BEFORE_DECOMMISSIONING, _ACTIVE, Status.PAUSED),
    DecisionKind.RESUME: _DecisionRule(BEFORE_DECOMMISSIONING, _PAUSED, Status.ACTIVE),
    DecisionKind.TERMINATE: _DecisionRule(
        BEFORE_DECOMMISSIONING, _ACTIVE | _PAUSED, Status.ACTIVE,
        {phase: Phase.DECOMMISSIONING for phase in BEFORE_DECOMMISSIONING},
    ),
}


def plan_decision(kind: DecisionKind, phase: Phase, status: Status) -> DecisionEffect:
    """The effect of a follow-up decision, or `DecisionNotAllowed` saying why not."""
    rule = DECISIONS[kind]
    if phase not in rule.phases:
        where = ", ".join(p.label() for p in PHASE_ORDER if p in rule.phases)
        raise DecisionNotAllowed(
            "decision_wrong_phase",
            f"{kind.label()} is possible only in: {where}; the solution is in {phase.label()}.",
        )
    if status not in rule.statuses:
        if status is Status.PAUSED:
            raise DecisionNotAllowed("decision_paused",
                                     "The solution is paused; only resume or terminate are possible.")
        raise DecisionNotAllowed("decision_not_paused", "Only a paused solution can be resumed.")
    to = rule.moves.get(phase)
    return DecisionEffect(rule.new_status, to, to is not None and requires_approval(to))


def allowed_decisions(phase: Phase, status: Status) -> list[DecisionKind]:
    return [kind for kind, rule in DECISIONS.items() if phase in rule.phases and status in rule.statuses]


# --------------------------------------------------------------------------- facts for the gates


class EvidenceType(StrEnum):
    DPIA = "dpia"
    FRIA = "fria"
    RISK_ASSESSMENT = "risk_assessment"
    CE_CERTIFICATE = "ce_certificate"
    DECLARATION_OF_CONFORMITY = "declaration_of_conformity"
    NOTIFIED_BODY_CERTIFICATE = "notified_body_certificate"
    UDI_DI = "udi_di"
    EUDAMED_REGISTRATION = "eudamed_registration"
    EU_DATABASE_REGISTRATION = "eu_database_registration"
    SUPPLIER_CONTRACT = "supplier_contract"
    PILOT_EVALUATION = "pilot_evaluation"
    INSTRUCTIONS_FOR_USE = "instructions_for_use"
    OVERSIGHT_TRAINING = "oversight_training"
    IN_HOUSE_DECLARATION = "in_house_declaration"
    FALLBACK_ROUTINE = "fallback_routine"
    RECOVERY_PLAN = "recovery_plan"
    OTHER = "other"

    def label(self) -> Label:
        return EVIDENCE_LABELS[self]


EVIDENCE_LABELS: Mapping[EvidenceType, Label] = {
    EvidenceType.DPIA: Label(N_("Data protection impact assessment")),
    EvidenceType.FRIA: Label(N_("Fundamental rights impact assessment")),
    EvidenceType.RISK_ASSESSMENT: Label(N_("Risk assessment")),
    EvidenceType.CE_CERTIFICATE: Label(N_("CE certificate")),
    EvidenceType.DECLARATION_OF_CONFORMITY: Label(N_("EU declaration of conformity")),
    EvidenceType.NOTIFIED_BODY_CERTIFICATE: Label(N_("Notified body certificate")),
    EvidenceType.UDI_DI: Label(N_("UDI-DI")),
    EvidenceType.EUDAMED_REGISTRATION: Label(N_("EUDAMED registration")),
    EvidenceType.EU_DATABASE_REGISTRATION: Label(N_("EU database registration")),
    EvidenceType.SUPPLIER_CONTRACT: Label(N_("Supplier contract")),
    EvidenceType.PILOT_EVALUATION: Label(N_("Pilot evaluation")),
    EvidenceType.INSTRUCTIONS_FOR_USE: Label(N_("Instructions for use")),
    EvidenceType.OVERSIGHT_TRAINING: Label(N_("Oversight owner training")),
    EvidenceType.IN_HOUSE_DECLARATION: Label(N_("In-house declaration")),
    EvidenceType.FALLBACK_ROUTINE: Label(N_("Fallback routine")),
    EvidenceType.RECOVERY_PLAN: Label(N_("Recovery plan")),
    EvidenceType.OTHER: Label(N_("Other evidence")),
}

# DOMAIN.md, "retired" gate. A key is ticked when done, or when it does not apply to the
# solution ("users and patients informed where relevant"; EU database / EUDAMED only if registered).
DECOMMISSIONING_CHECKLIST: Mapping[str, Label] = {
    "users_patients_informed": Label(N_("Users and patients informed")),
    "access_removed": Label(N_("Access removed")),
    "integrations_switched_off": Label(N_("Integrations switched off")),
    "data_archived_or_erased": Label(N_("Data archived or erased per retention rules")),
    "model_and_docs_archived": Label(N_("Model and documentation archived")),
    "eu_database_eudamed_updated": Label(N_("EU database / EUDAMED updated")),
    "oversight_owner_released": Label(N_("Oversight owner released")),
}

CATEGORIES = frozenset(
    {"out_of_scope", "prohibited", "high_risk", "limited_risk", "minimal_risk", "needs_review"}
)
ROLES = frozenset({"provider", "deployer", "provider_and_deployer"})
DEVICE_REGULATIONS = frozenset({"none", "mdr", "ivdr", "needs_review"})


class InvalidClassification(StrEnum):
    """Why a solution has no valid classification (DOMAIN.md, "valid classification")."""

    NONE_APPROVED = "none_approved"
    FLAGGED_FOR_REVIEW = "flagged_for_review"
    RESULT_CHANGED = "result_changed_under_current_ruleset"


_INVALID_MESSAGES: Mapping[InvalidClassification, str] = {
    InvalidClassification.NONE_APPROVED: "no classification has been approved or overridden",
    InvalidClassification.FLAGGED_FOR_REVIEW: "the classification is flagged for re-review",
    InvalidClassification.RESULT_CHANGED: "the classification's result changes under the current rule set",
}


@dataclass(frozen=True)
class ClassificationFact:
    """The valid classification, as effective: for an override the officer's category and class.

    Values are the strings of classification-contract.md. `role` and `public_authority` come from
    the approved answers; None means unanswered.
    """

    category: str
    routes: frozenset[str] = frozenset()
    device_regulation: str = "none"
    device_class: str | None = None
    notified_body: bool = False
    in_house_exemption: bool = False
    needs_review: bool = False
    role: str | None = None
    public_authority: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "routes", frozenset(self.routes))
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown AI Act category {self.category!r}")
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.device_regulation not in DEVICE_REGULATIONS:
            raise ValueError(f"unknown device regulation {self.device_regulation!r}")

    @classmethod
    def from_result(cls, result: Mapping[str, Any], answers: Mapping[str, Any], *,
                    override_category: str | None = None,
                    override_device_class: str | None = None) -> ClassificationFact:
        """Build from a stored result object and its answers; pass the officer's values for an override.

        An override decides the parts it sets (category, device class); a part it leaves open that
        the engine could not decide still needs review.
        """
        ai_act, device = result["ai_act"], result.get("medical_device") or {}
        in_house = device.get("in_house_exemption", answers.get("in_house_exemption") == "yes")
        public = answers.get("public_authority")
        return cls(
            category=override_category or ai_act["category"],
            routes=frozenset(ai_act.get("routes") or ()),
            device_regulation=device.get("regulation") or "none",
            device_class=override_device_class or device.get("class"),
            notified_body=bool(device.get("notified_body")),
            in_house_exemption=bool(in_house),
            needs_review=contract.still_needs_review(result, override_category=override_category,
                                                     override_device_class=override_device_class),
            role=answers.get("role"),
            public_authority=None if public is None else public == "yes",
        )


@dataclass(frozen=True)
class GoalFact:
    ref: str
    has_indicator: bool
    has_baseline: bool
    has_target: bool
    measurements: int = 0

    @property
    def missing_parts(self) -> list[str]:
        present = {"indicator": self.has_indicator, "baseline": self.has_baseline, "target": self.has_target}
        return [name for name, ok in present.items() if not ok]

    @property
    def complete(self) -> bool:
        return not self.missing_parts


@dataclass(frozen=True)
class OversightFact:
    """The current human-oversight owner. Acceptance counts as the first confirmation."""

    accepted_on: date | None = None
    last_confirmed_on: date | None = None

    @property
    def confirmed_on(self) -> date | None:
        return max((d for d in (self.accepted_on, self.last_confirmed_on) if d is not None), default=None)


@dataclass(frozen=True)
class EvidenceFact:
    type: EvidenceType
    issued_on: date
    expires_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", EvidenceType(self.type))

    def valid_on(self, on: date) -> bool:
        """Issued on or before `on`, and `on` is before the expiry date (it expires *on* that day)."""
        return self.issued_on <= on and (self.expires_on is None or on < self.expires_on)


@dataclass(frozen=True)
class AssessmentFact:
    """The latest trustworthy-AI self-assessment: when, and which HLEG requirements are unanswered."""

    assessed_on: date
    unanswered: tuple[str, ...] = ()


@dataclass(frozen=True)
class RolloutUnitFact:
    name: str
    planned_start: date | None = None
    actual_start: date | None = None


@dataclass(frozen=True)
class GateFacts:
    """A snapshot of a solution's records, built by the service with plain values.

    The defaults describe a solution with nothing recorded. `classification` is the valid
    classification or None, then `classification_invalid_reason` says why. `prohibited_block`
    is True when any classification version says prohibited without a later approved or
    overridden one saying otherwise. `processes_personal_data` None means not known, which
    requires a DPIA like True. `decommissioning_checklist` maps `DECOMMISSIONING_CHECKLIST` keys
    to ticked.
    """

    need_statement: str | None = None
    goals: tuple[GoalFact, ...] = ()
    has_benefit_estimate: bool = False
    classification: ClassificationFact | None = None
    classification_invalid_reason: InvalidClassification | None = None
    prohibited_block: bool = False
    oversight_owner: OversightFact | None = None
    processes_personal_data: bool | None = None
    evidence: tuple[EvidenceFact, ...] = ()
    rollout_units: tuple[RolloutUnitFact, ...] = ()
    next_review_on: date | None = None
    review_interval_months: int | None = None
    decommission_rationale: str | None = None
    decommissioning_checklist: Mapping[str, bool] = field(default_factory=dict)
    trustworthy_assessment: AssessmentFact | None = None
    # Criticality: None means not stated, which the rollout gate treats as not critical.
    critical_for_patient_care: bool | None = None
    recovery_plan_tested_on: date | None = None
    # AI-literacy measures (Art 4), for the region-policy rollout rule (literacy.rules.MeasureFact).
    literacy_measures: tuple = ()
    # Sourcing: a solution developed in-house is not a device "not made in-house" (pilot gate).
    made_in_house: bool = False

    def __post_init__(self) -> None:
        for name in ("goals", "evidence", "rollout_units", "literacy_measures"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class GateSettings:
    """Gate policy. DOMAIN.md: "Gates enforce these before their legal application dates ...; a
    setting can relax that to 'from the application date'". The dates are Art 113 as amended by
    Regulation (EU) 2026/1744; they are parameters so a further change is data, not code.
    """

    enforce_before_application_date: bool = True
    # Region Västerbotten: "EU:s etiska riktlinjer för tillförlitlig AI ... ska ligga till grund";
    # the region may turn the pilot-gate requirement off.
    require_trustworthy_assessment: bool = True
    # Region policy, not the AI Act: a high-risk solution's rollout asks for an AI-literacy measure (Art 4)
    # reaching every care unit of the rollout plan. Off unless the region's configuration turns it on.
    require_literacy_for_high_risk_rollout: bool = False
    annex_iii_applies_from: date = date(2027, 12, 2)
    annex_i_applies_from: date = date(2028, 8, 2)

    def route_applies_from(self, route: str) -> date:
        return self.annex_i_applies_from if route.startswith("annex_i_") else self.annex_iii_applies_from


# --------------------------------------------------------------------------- high-risk evidence


@dataclass(frozen=True)
class EvidenceNeed:
    """One piece of evidence a row asks for. Any of `accepted` satisfies it; the first names it."""

    accepted: tuple[EvidenceType, ...]
    basis: str

    @property
    def type(self) -> EvidenceType:
        return self.accepted[0]


class EvidenceRow(NamedTuple):
    """A row of DOMAIN.md's high-risk evidence table.

    `routes` returns the classification's routes that trigger the row, or None when it does not
    apply; the row then applies from the earliest of those routes' dates (an empty set means it
    has no AI Act application date and always applies).
    """

    name: str
    role: str
    routes: Callable[[ClassificationFact], frozenset[str] | None]
    needs: tuple[EvidenceNeed, ...]


ANNEX_I_DEVICE_ROUTES = frozenset({"annex_i_mdr", "annex_i_ivdr"})
FRIA_ONLY_ROUTES = frozenset({"annex_iii_5b", "annex_iii_5c"})


def _high_risk_routes(c: ClassificationFact, keep: Callable[[str], bool]) -> frozenset[str] | None:
    if c.category != "high_risk":
        return None
    return frozenset(r for r in c.routes if keep(r)) or None


def _annex_iii(route: str) -> bool:
    return route.startswith("annex_iii_")


def _annex_iii_public(c: ClassificationFact) -> frozenset[str] | None:
    # Art 27(1) and Art 49(3): public bodies and private entities providing public services;
    # unanswered counts as public (a region is one; never guess the lighter duty).
    if c.public_authority is False:
        return None
    return _high_risk_routes(c, lambda r: _annex_iii(r) and r != "annex_iii_2")


def _in_house_device(c: ClassificationFact) -> frozenset[str] | None:
    # The contract drops the Annex I route under the in-house exemption (no notified body, so not
    # high-risk by Art 6(1)); the MDR/IVDR Art 5(5)(e) declaration is due whatever the AI Act
    # category, and MDR/IVDR already apply, so it has no AI Act date.
    if c.device_regulation in ("mdr", "ivdr") and c.in_house_exemption:
        return frozenset()
    return None


HIGH_RISK_EVIDENCE: tuple[EvidenceRow, ...] = (
    EvidenceRow(
        "annex_iii_public_deployer", "deployer", _annex_iii_public,
        (EvidenceNeed((EvidenceType.FRIA,), N_("AI Act Art 27")),
         EvidenceNeed((EvidenceType.EU_DATABASE_REGISTRATION,), N_("AI Act Art 49(3)"))),
    ),
    EvidenceRow(
        "annex_iii_5b_5c_deployer", "deployer", lambda c: _high_risk_routes(c, FRIA_ONLY_ROUTES.__contains__),
        (EvidenceNeed((EvidenceType.FRIA,), N_("AI Act Art 27")),),
    ),
    EvidenceRow(
        "annex_iii_provider", "provider", lambda c: _high_risk_routes(c, _annex_iii),
        (EvidenceNeed((EvidenceType.DECLARATION_OF_CONFORMITY,), N_("AI Act Art 47")),
         EvidenceNeed((EvidenceType.EU_DATABASE_REGISTRATION,), N_("AI Act Art 49(1)"))),
    ),
    EvidenceRow(
        "annex_i_device_provider", "provider",
        lambda c: _high_risk_routes(c, ANNEX_I_DEVICE_ROUTES.__contains__),
        (EvidenceNeed((EvidenceType.CE_CERTIFICATE, EvidenceType.NOTIFIED_BODY_CERTIFICATE),
                      N_("MDR Art 56 / IVDR Art 51 (notified body certificate)")),
         EvidenceNeed((EvidenceType.DECLARATION_OF_CONFORMITY,),
                      N_("MDR Art 19 / IVDR Art 17") + BASIS_SEPARATOR + N_("AI Act Art 47(3)")),
         EvidenceNeed((EvidenceType.UDI_DI,), N_("MDR Art 27 / IVDR Art 24")),
         EvidenceNeed((EvidenceType.EUDAMED_REGISTRATION,), N_("MDR Art 29 / IVDR Art 26"))),
    ),
    EvidenceRow(
        "in_house_device_provider", "provider", _in_house_device,
        (EvidenceNeed((EvidenceType.IN_HOUSE_DECLARATION,), N_("MDR / IVDR Art 5(5)(e)")),),
    ),
    EvidenceRow(
        "high_risk_deployer", "deployer", lambda c: c.routes if c.category == "high_risk" else None,
        (EvidenceNeed((EvidenceType.INSTRUCTIONS_FOR_USE,), N_("AI Act Art 13, Art 26(1)")),
         EvidenceNeed((EvidenceType.OVERSIGHT_TRAINING,), N_("AI Act Art 26(2)"))),
    ),
)


def _roles(c: ClassificationFact) -> frozenset[str]:
    # An unanswered role asks for both sets: the gate does not guess the lighter one.
    if c.role in (None, "provider_and_deployer"):
        return frozenset({"provider", "deployer"})
    return frozenset({c.role})


def required_evidence(c: ClassificationFact, on: date,
                      settings: GateSettings = GateSettings()) -> dict[EvidenceType, EvidenceNeed]:
    """The high-risk table's evidence for this classification on `on`, merged across rows."""
    needed: dict[EvidenceType, EvidenceNeed] = {}
    for row in HIGH_RISK_EVIDENCE:
        routes = row.routes(c)
        if routes is None or row.role not in _roles(c):
            continue
        applies_from = min((settings.route_applies_from(r) for r in routes), default=None)
        if not settings.enforce_before_application_date and applies_from is not None and on < applies_from:
            continue
        for need in row.needs:
            known = needed.get(need.type)
            if known is None:
                needed[need.type] = need
            elif need.basis not in known.basis:
                needed[need.type] = EvidenceNeed(known.accepted, f"{known.basis}{BASIS_SEPARATOR}{need.basis}")
    return needed


# --------------------------------------------------------------------------- gate checks


def _missing_evidence(code: str, accepted: Iterable[EvidenceType], facts: GateFacts, on: date,
                      basis: str | None = None) -> list[Unmet]:
    accepted = tuple(accepted)
    records = [e for e in facts.evidence if e.type in accepted]
    if any(e.valid_on(on) for e in records):
        return []
    if not records:
        reason = "none_recorded"
    elif any(e.issued_on <= on for e in records):
        reason = "expired"
    else:
        reason = "not_yet_issued"
    details: dict[str, Any] = {"evidence_type": accepted[0].value, "reason": reason, "on": on.isoformat()}
    if len(accepted) > 1:
        details["accepted_types"] = [t.value for t in accepted]
    if basis:
        details["basis"] = basis
    label = accepted[0].label()
    suffix = f" ({basis})" if basis else ""
    explain = {"none_recorded": "none is recorded", "expired": "the recorded one has expired",
               "not_yet_issued": "the recorded one is issued later"}[reason]
    return [Unmet(code, f"{label}{suffix} valid on {on.isoformat()} is required; {explain}.", details)]


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (29 Feb → 28 Feb)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


OVERSIGHT_CONFIRMATION_MONTHS = 12

Check = Callable[[GateFacts, date, GateSettings], list[Unmet]]


def need_statement(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'Effekt före insats': the need is stated before a pilot."""
    if _blank(facts.need_statement):
        return [Unmet("need_statement_missing", "State the need the solution answers.")]
    return []


def complete_goal(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'At least one goal with indicator, baseline and target.'"""
    if not facts.goals:
        return [Unmet("goal_missing", "Record at least one goal with indicator, baseline and target.")]
    if any(goal.complete for goal in facts.goals):
        return []
    gaps = {goal.ref: goal.missing_parts for goal in facts.goals}
    return [Unmet("goal_incomplete", "No goal has an indicator, a baseline and a target yet.",
                  {"goals": gaps})]


def benefit_estimate(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'A simple benefit calculation (costs, savings, time freed)' before a decision."""
    if not facts.has_benefit_estimate:
        return [Unmet("benefit_estimate_missing", "Record a benefit estimate (costs, savings, time freed).")]
    return []


def valid_classification(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """A valid classification: the latest approved or overridden one, unchanged under the current
    rule set, and decided (`needs_review: false`, contract "never guess")."""
    c = facts.classification
    if c is None:
        reason = facts.classification_invalid_reason or InvalidClassification.NONE_APPROVED
        return [Unmet("classification_not_valid", f"No valid classification: {_INVALID_MESSAGES[reason]}.",
                      {"reason": reason.value})]
    if c.needs_review or c.category == "needs_review":
        return [Unmet("classification_needs_review",
                      "The valid classification is not decided (needs review); answer the open questions "
                      "or have compliance override it.", {"category": c.category})]
    return []


def oversight_owner_named(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """AI Act Art 14, Art 26(2): a named person is accountable for human oversight."""
    if facts.oversight_owner is None:
        return [Unmet("oversight_owner_missing", "Name the human-oversight owner.")]
    return []


def oversight_confirmed(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md: 'a re-confirmation at least every 12 months'; the anniversary day still counts."""
    owner = facts.oversight_owner
    if owner is None:
        return oversight_owner_named(facts, on, settings)
    confirmed = owner.confirmed_on
    if confirmed is None or confirmed > on:
        return [Unmet("oversight_confirmation_missing",
                      "The oversight owner has not accepted or confirmed the assignment.",
                      {"confirmed_on": confirmed.isoformat() if confirmed else None})]
    earliest = _months_before(on, OVERSIGHT_CONFIRMATION_MONTHS)
    if confirmed < earliest:
        return [Unmet("oversight_confirmation_expired",
                      f"The oversight owner last confirmed on {confirmed.isoformat()}; a confirmation "
                      f"on or after {earliest.isoformat()} is required.",
                      {"confirmed_on": confirmed.isoformat(), "required_since": earliest.isoformat()})]
    return []


def dpia_if_personal_data(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """GDPR Art 35: a DPIA when personal data are processed (not known counts as processed)."""
    if facts.processes_personal_data is False:
        return []
    return _missing_evidence("dpia_missing", (EvidenceType.DPIA,), facts, on, "GDPR Art 35")


def trustworthy_assessment(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """The EU ethics guidelines for trustworthy AI (HLEG, 2019): a self-assessment of the seven
    requirements before a pilot, when the region requires it."""
    if not settings.require_trustworthy_assessment:
        return []
    assessment = facts.trustworthy_assessment
    if assessment is None or assessment.assessed_on > on:
        return [Unmet("trustworthy_assessment_missing",
                      "Record a trustworthy-AI self-assessment of the seven HLEG requirements.")]
    if assessment.unanswered:
        return [Unmet("trustworthy_assessment_incomplete",
                      f"The trustworthy-AI assessment leaves {len(assessment.unanswered)} requirement(s) unanswered.",
                      {"unanswered": list(assessment.unanswered)})]
    return []


# MDR class I (not sterile, no measuring function) and IVDR class A (not sterile) self-certify; every other
# class involves a notified body (MDR Art 52, IVDR Art 48). An undecided class is treated as needing one.
SELF_CERTIFIED_DEVICE_CLASSES = frozenset({"I", "A"})
_DEVICE_BASIS = {"mdr": ("MDR Art 19", "MDR Art 56"), "ivdr": ("IVDR Art 17", "IVDR Art 51")}


def device_conformity(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md, pilot gate: "for a medical device not made in-house: the EU declaration of conformity, and
    the notified body's certificate where the class needs one (a device without them may not be used in
    care)". Either kind of record counts: the supplier register's documents of the linked product version
    arrive here as evidence facts beside uploaded evidence."""
    c = facts.classification
    if c is None or c.device_regulation not in _DEVICE_BASIS or c.in_house_exemption or facts.made_in_house:
        return []
    declaration, certificate = _DEVICE_BASIS[c.device_regulation]
    unmet = _missing_evidence("evidence_missing:declaration_of_conformity",
                              (EvidenceType.DECLARATION_OF_CONFORMITY,), facts, on, declaration)
    if c.device_class not in SELF_CERTIFIED_DEVICE_CLASSES:
        klass = f"class {c.device_class}" if c.device_class else "class not decided"
        unmet += _missing_evidence("evidence_missing:notified_body_certificate",
                                   (EvidenceType.NOTIFIED_BODY_CERTIFICATE, EvidenceType.CE_CERTIFICATE), facts, on,
                                   f"{certificate}, {klass}")
    return unmet


def pilot_evaluation(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'Pilot evaluation (an evidence record of type pilot evaluation ...)'."""
    return _missing_evidence("evidence_missing:pilot_evaluation", (EvidenceType.PILOT_EVALUATION,), facts, on)


def goal_measurements(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'... plus at least one measurement per goal'. With no goals there is nothing evaluated."""
    if not facts.goals:
        return [Unmet("goal_missing", "The pilot is evaluated against goals; none is recorded.")]
    return [Unmet("goal_measurement_missing", f"Goal {goal.ref!r} has no measurement yet.",
                  {"goal": goal.ref})
            for goal in facts.goals if goal.measurements < 1]


def role_known(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """The high-risk evidence depends on the role from the approved answers."""
    c = facts.classification
    if c is not None and c.role is None and c.category == "high_risk":
        return [Unmet("classification_role_missing",
                      "The approved answers do not say whether the region is provider or deployer; "
                      "evidence for both is asked for until they do.")]
    return []


def high_risk_evidence(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """DOMAIN.md's high-risk evidence table, for the valid classification's routes and role."""
    if facts.classification is None:
        return []
    return [unmet
            for need in required_evidence(facts.classification, on, settings).values()
            for unmet in _missing_evidence(f"evidence_missing:{need.type.value}", need.accepted, facts, on,
                                           need.basis)]


def continuity_if_critical(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Region Norrbotten: "Kritiska tjänster ska klara störningar, ha dokumenterade
    återställningsplaner och följas upp": a critical solution needs a fallback routine and a
    tested recovery plan, both valid on the transition date."""
    if not facts.critical_for_patient_care:
        return []
    basis = N_("critical for patient care")
    unmet = _missing_evidence("evidence_missing:fallback_routine", (EvidenceType.FALLBACK_ROUTINE,), facts, on, basis)
    unmet += _missing_evidence("evidence_missing:recovery_plan", (EvidenceType.RECOVERY_PLAN,), facts, on, basis)
    tested = facts.recovery_plan_tested_on
    if tested is None or tested > on:
        unmet.append(Unmet("recovery_plan_test_missing", "Test the recovery plan and record the test date.",
                           {"tested_on": tested.isoformat() if tested else None}))
    return unmet


def literacy_policy(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Region policy (labelled so; AI Act Art 4 itself sets no gate): before a high-risk solution is rolled
    out, an AI-literacy measure held by the transition date reaches every care unit of the rollout plan."""
    c = facts.classification
    if not settings.require_literacy_for_high_risk_rollout or c is None or c.category != "high_risk":
        return []
    units = [unit.name for unit in facts.rollout_units]
    held = [m for m in facts.literacy_measures if m.held_on <= on]
    missing = unreached_units(units, facts.literacy_measures, on) if held else (units or ["—"])
    if not missing:
        return []
    return [Unmet("policy_literacy_missing",
                  "Region policy: an AI-literacy measure (AI Act Art 4) reaching every care unit of the rollout plan "
                  f"is required; not reached: {', '.join(missing)}.",
                  {"policy": True, "units": [u for u in missing if u != "—"]})]


def rollout_units_started(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """'The rollout phase ends when every planned unit has started.'"""
    if not facts.rollout_units:
        return [Unmet("rollout_plan_missing", "The rollout plan lists no care unit.")]
    return [Unmet("rollout_unit_not_started", f"Care unit {unit.name!r} has not started.",
                  {"unit": unit.name,
                   "planned_start": unit.planned_start.isoformat() if unit.planned_start else None})
            for unit in facts.rollout_units if unit.actual_start is None or unit.actual_start > on]


def review_schedule(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Management means 'periodic review': a next review date or an interval."""
    if facts.next_review_on is None and not (facts.review_interval_months or 0) > 0:
        return [Unmet("review_schedule_missing", "Set a review schedule (next review date or interval).")]
    return []


def decommission_rationale(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    if _blank(facts.decommission_rationale):
        return [Unmet("decommission_rationale_missing", "Give the rationale for decommissioning.")]
    return []


def checklist_complete(facts: GateFacts, on: date, settings: GateSettings) -> list[Unmet]:
    """Every item of the decommissioning checklist ticked (done, or not relevant)."""
    ticked = facts.decommissioning_checklist
    return [Unmet(f"checklist_item_open:{key}", f"Decommissioning checklist: {label.en} is not ticked.",
                  {"item": key})
            for key, label in DECOMMISSIONING_CHECKLIST.items() if not ticked.get(key)]


# DOMAIN.md, "Gates". Each row lists the checks of one target phase, in the order shown to users.
GATES: Mapping[Phase, tuple[Check, ...]] = {
    Phase.NEEDS_ANALYSIS: (),
    Phase.PILOT: (need_statement, complete_goal, benefit_estimate, valid_classification,
                  oversight_owner_named, dpia_if_personal_data, trustworthy_assessment, device_conformity),
    Phase.ROLLOUT: (pilot_evaluation, goal_measurements, valid_classification, oversight_confirmed,
                    role_known, high_risk_evidence, continuity_if_critical, literacy_policy),
    Phase.MANAGEMENT: (rollout_units_started, review_schedule),
    Phase.DECOMMISSIONING: (decommission_rationale,),
    Phase.RETIRED: (checklist_complete,),
}

# "Any classification version ... whose result is prohibited blocks every transition except to
# decommissioning." Retired is the end of that same exit, so it is not blocked either: a
# prohibited system must be able to leave service completely.
PROHIBITED_BLOCK_EXEMPT: frozenset[Phase] = frozenset({Phase.DECOMMISSIONING, Phase.RETIRED})


def prohibited_block(facts: GateFacts, to: Phase) -> list[Unmet]:
    """AI Act Art 5: a prohibited practice may not be put into service."""
    if to in PROHIBITED_BLOCK_EXEMPT:
        return []
    valid_says = facts.classification is not None and facts.classification.category == "prohibited"
    if facts.prohibited_block or valid_says:
        return [Unmet("classification_prohibited",
                      "A classification says prohibited (AI Act Art 5); only decommissioning is possible "
                      "until a later approved classification says otherwise.",
                      {"source": "valid_classification" if valid_says else "earlier_version"})]
    return []


def check_gate(to: Phase, facts: GateFacts, on: date, settings: GateSettings = GateSettings()) -> list[Unmet]:
    """Every unmet condition of the gate into `to` on the transition date `on`; empty means open."""
    unmet = prohibited_block(facts, to)
    for check in GATES[to]:
        unmet.extend(check(facts, on, settings))
    return unmet


def evaluate_transition(phase: Phase, status: Status, to: Phase, facts: GateFacts, on: date,
                        settings: GateSettings = GateSettings()) -> list[Unmet]:
    """Move and gate together. An illegal move is reported alone: the gate of a phase the solution
    cannot move to says nothing useful."""
    return check_move(phase, status, to) or check_gate(to, facts, on, settings)
