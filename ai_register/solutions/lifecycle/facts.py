"""The facts the gates read: a snapshot of a solution's records in plain values (`GateFacts` and its parts),
the evidence types and the decommissioning checklist they name, and the region's gate policy (`GateSettings`).
The service layer (`solutions/gate_facts.py`) fills them; nothing here reads a database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ai_register.rules import contract
from ai_register.solutions.lifecycle.labels import N_, Label


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
