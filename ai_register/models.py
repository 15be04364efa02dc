"""Imports every model module so the metadata is complete (create_all, Alembic autogenerate)."""

from ai_register.audit.models import AuditEvent  # noqa: F401
from ai_register.classification.models import (  # noqa: F401
    AnswerDraft,
    Classification,
    RulesetImpactRun,
    RuleSetSnapshot,
)
from ai_register.evidence.models import Evidence  # noqa: F401
from ai_register.fria.models import FriaAssessment  # noqa: F401
from ai_register.goals.models import BenefitEstimate, Goal, Measurement  # noqa: F401
from ai_register.incidents.models import Incident, IncidentDuty  # noqa: F401
from ai_register.literacy.models import LiteracyMeasure  # noqa: F401
from ai_register.monitoring.models import (  # noqa: F401
    ExplanationRequest,
    InformingRecord,
    LogRetention,
    MonitoringAssessment,
    MonitoringMetric,
    MonitoringValue,
)
from ai_register.notifications.models import Notification  # noqa: F401
from ai_register.obligations.models import SolutionObligation  # noqa: F401
from ai_register.onboarding.models import ExternalIdentity  # noqa: F401
from ai_register.oversight.models import OversightAssignment, Person  # noqa: F401
from ai_register.portfolio.models import Indicator, TrustworthyAssessment  # noqa: F401
from ai_register.public.models import PublicDescription  # noqa: F401
from ai_register.reviews.models import Review  # noqa: F401
from ai_register.solutions.models import (  # noqa: F401
    Decision,
    DecommissioningItem,
    RolloutUnit,
    Solution,
    TransitionRequest,
    solution_co_owners,
)
from ai_register.suppliers.models import (  # noqa: F401
    SolutionSupplierProduct,
    Supplier,
    SupplierDocument,
    SupplierProduct,
)
from ai_register.users.models import ApiToken, User  # noqa: F401
