"""Where a solution's records come from: each kind of record with its audit entity type and model, and
the report sections that need them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_register.classification import models as classification_models
from ai_register.evidence import models as evidence_models
from ai_register.fria import models as fria_models
from ai_register.goals import models as goals_models
from ai_register.incidents import models as incidents_models
from ai_register.literacy import models as literacy_models
from ai_register.monitoring import models as monitoring_models
from ai_register.obligations import models as obligations_models
from ai_register.oversight import models as oversight_models
from ai_register.portfolio import models as portfolio_models
from ai_register.reviews import models as reviews_models
from ai_register.solutions import models as solutions_models
from ai_register.suppliers import models as supplier_models


@dataclass(frozen=True)
class Source:
    """One kind of record of a solution: its audit entity type and, when present, its model.

    `parent` is the column that names the solution; `via` = (column, entity type) for records that
    hang off another record of the solution (a measurement off its goal). `exclude` leaves out
    storage details the trail does not keep either.
    """

    entity_type: str
    model: type
    parent: str | None = "solution_id"
    via: tuple[str, str] | None = None
    exclude: frozenset[str] = frozenset()
    history: bool = False


SOURCES: tuple[Source, ...] = (
    Source("classification", classification_models.Classification),
    Source("transition_request", solutions_models.TransitionRequest),
    Source("decision", solutions_models.Decision),
    Source("decommissioning_item", solutions_models.DecommissioningItem),
    Source("goal", goals_models.Goal),
    Source("goal_measurement", goals_models.Measurement, parent=None, via=("goal_id", "goal")),
    Source("benefit_estimate", goals_models.BenefitEstimate, history=True),
    Source("evidence", evidence_models.Evidence, exclude=frozenset({"stored_name"})),
    Source("oversight_assignment", oversight_models.OversightAssignment, history=True),
    Source("incident", incidents_models.Incident),
    Source("incident_duty", incidents_models.IncidentDuty, parent=None,
           via=("incident_id", "incident")),
    Source("review", reviews_models.Review),
    Source("trustworthy_assessment", portfolio_models.TrustworthyAssessment),
    # deployer duties as records (issue 21)
    Source("solution_obligation", obligations_models.SolutionObligation),
    Source("fria", fria_models.FriaAssessment),
    Source("literacy_measure", literacy_models.LiteracyMeasure),
    Source("solution_supplier_product", supplier_models.SolutionSupplierProduct),
    # monitoring in operation and informing (issue 21)
    Source("monitoring_metric", monitoring_models.MonitoringMetric),
    Source("monitoring_value", monitoring_models.MonitoringValue),
    Source("monitoring_assessment", monitoring_models.MonitoringAssessment),
    Source("log_retention", monitoring_models.LogRetention),
    Source("informing_record", monitoring_models.InformingRecord),
    Source("explanation_request", monitoring_models.ExplanationRequest),
)
SOURCE_BY_TYPE = {source.entity_type: source for source in SOURCES}

# Report sections and the record kinds they need; a section is left out while none of them exists.
SECTION_SOURCES: Mapping[str, tuple[str, ...]] = {
    "classifications": ("classification",),
    "oversight": ("oversight_assignment",),
    "goals": ("goal",),
    "evidence": ("evidence",),
    "incidents": ("incident",),
    "reviews": ("review",),
    "trustworthy_assessment": ("trustworthy_assessment",),
    "continuity": ("evidence",),
    "obligation_records": ("solution_obligation",),
    "fria": ("fria",),
    "literacy": ("literacy_measure",),
    "suppliers": ("solution_supplier_product",),
    "monitoring": ("monitoring_metric", "log_retention", "informing_record", "explanation_request"),
}


def available_sources() -> dict[str, Any]:
    """entity type → model class."""
    return {source.entity_type: source.model for source in SOURCES}
