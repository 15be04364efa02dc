"""Classification API: store answers, review them (four eyes), preview, questionnaire, rule sets."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import Forbidden
from werkzeug.routing import BaseConverter

from ai_register.apikit import PageArgsSchema, page_of
from ai_register.classification import impact, review, rulesets, services
from ai_register.classification.models import Classification
from ai_register.classification.schemas import (
    AnswersSchema,
    ClassificationOverrideSchema,
    ClassificationPageSchema,
    ClassificationRejectSchema,
    ClassificationResultSchema,
    ClassificationReviewSchema,
    ClassificationSchema,
    QuestionnaireArgsSchema,
    QuestionnaireSchema,
    RulesetDetailSchema,
    RulesetImpactReportSchema,
    RulesetImpactRequestSchema,
    RulesetPageSchema,
)
from ai_register.errors import Problem
from ai_register.rules.questionnaire import questionnaire_for
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, SIGNED_IN, access, actor
from ai_register.solutions.access import get_solution

blp = Blueprint("classification_api", __name__, url_prefix="/api/v1",
                description="Risk classification (AI Act, MDR/IVDR), its review and the rule sets")


@blp.route("/solutions/<int:solution_id>/classifications")
class SolutionClassifications(MethodView):
    @access(OWNER, COMPLIANCE, AUDITOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ClassificationPageSchema)
    def get(self, args, solution_id: int):
        """Every classification version of the solution, newest first."""
        solution = get_solution(solution_id, actor())
        return page_of(select(Classification).where(Classification.solution_id == solution.id)
                       .order_by(Classification.version.desc()), args)

    @access(OWNER, COMPLIANCE)
    @blp.arguments(AnswersSchema)
    @blp.response(201, ClassificationSchema)
    def post(self, body, solution_id: int):
        """Store an answer set with the engine's result as a new draft version. Nothing is overwritten."""
        solution = get_solution(solution_id, actor(), write=True)
        return services.store_classification(solution, body["answers"], by=actor())


@blp.route("/classifications/<int:classification_id>", methods=["GET"])
@access(OWNER, COMPLIANCE, AUDITOR)
@blp.response(200, ClassificationSchema)
def get_classification(classification_id: int):
    """One classification version with its answers, result, rule set and review."""
    return services.get_classification(classification_id, actor())


@blp.route("/classifications/<int:classification_id>/submit", methods=["POST"])
@access(OWNER, COMPLIANCE)
@blp.response(200, ClassificationSchema)
def submit(classification_id: int):
    """Send a draft for review (an owner or co-owner of the solution)."""
    classification = services.get_classification(classification_id, actor(), write=True)
    return services.submit_classification(classification, by=actor())


@blp.route("/classifications/<int:classification_id>/approve", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(ClassificationReviewSchema, required=False)
@blp.response(200, ClassificationSchema)
def approve(body, classification_id: int):
    """Approve a submitted classification (four eyes)."""
    classification = services.get_classification(classification_id, actor(), write=True)
    return review.approve_classification(classification, body.get("justification"), by=actor())


@blp.route("/classifications/<int:classification_id>/reject", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(ClassificationRejectSchema)
@blp.response(200, ClassificationSchema)
def reject(body, classification_id: int):
    """Reject a submitted classification with a justification (four eyes)."""
    classification = services.get_classification(classification_id, actor(), write=True)
    return review.reject_classification(classification, body.get("justification"), by=actor())


@blp.route("/classifications/<int:classification_id>/override", methods=["POST"])
@access(COMPLIANCE)
@blp.arguments(ClassificationOverrideSchema)
@blp.response(200, ClassificationSchema)
def override(body, classification_id: int):
    """Decide a different category and/or device class, with a justification (four eyes).
    The engine's result is kept beside the officer's."""
    classification = services.get_classification(classification_id, actor(), write=True)
    return review.override_classification(classification, body["justification"], by=actor(),
                                           category=body.get("category"),
                                           device_class=body.get("device_class"))


@blp.route("/classifications/preview", methods=["POST"])
@access(*SIGNED_IN)
@blp.arguments(AnswersSchema)
@blp.response(200, ClassificationResultSchema)
def preview(body):
    """Classify answers under the active rule set; nothing is stored."""
    return services.preview(body["answers"])


@blp.route("/classifications/questionnaire", methods=["GET"])
@access(*SIGNED_IN)
@blp.arguments(QuestionnaireArgsSchema, location="query")
@blp.response(200, QuestionnaireSchema)
def questionnaire(args):
    """The questions with help texts, citations and branching, in Swedish or English."""

    lang = args.get("lang") or str(get_locale() or "sv")
    lang = lang if lang in ("sv", "en") else "sv"
    ruleset = rulesets.active_ruleset()
    return {"lang": lang, "ruleset": rulesets.ruleset_ref(ruleset),
            "questionnaire": questionnaire_for(ruleset, lang)}


@blp.route("/rulesets", methods=["GET"])
@access(COMPLIANCE, AUDITOR)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RulesetPageSchema)
def list_rulesets(args):
    """The active rule set and every snapshotted one (those that produced stored results)."""
    return page_of(rulesets.list_rulesets(), args)


class RulesetRef(BaseConverter):
    """A rule set's version label or SHA-256, never `impact`: /rulesets/impact is the POST below, so a GET
    there is 405 with `Allow: POST` (as the spec says), not a search for a rule set called "impact"."""

    regex = r"(?!impact$)[^/]+"


blp.record_once(lambda state: state.app.url_map.converters.setdefault("ruleset_ref", RulesetRef))


@blp.route("/rulesets/<ruleset_ref:ref>", methods=["GET"])
@access(COMPLIANCE, AUDITOR)
@blp.response(200, RulesetDetailSchema)
def get_ruleset(ref: str):
    """One rule set by version label or SHA-256, with its files."""
    return rulesets.find_ruleset(ref)


@blp.route("/rulesets/impact", methods=["POST"])
@access(COMPLIANCE, AUDITOR)
@blp.arguments(RulesetImpactRequestSchema)
@blp.response(200, RulesetImpactReportSchema)
def ruleset_impact(body):
    """Re-run every stored classification under the active rule set, or under a `candidate` rule set
    installed on the server, and list the changed results (compliance and auditors); with `apply`,
    compliance flags the solutions whose valid classification changes under the active rule set for
    re-review and their owners are told what changed and which new questions to answer."""
    candidate = body.get("candidate")
    if body["apply"]:
        if actor().role != COMPLIANCE:
            raise Forbidden("Only compliance applies re-review flags; an auditor may preview the impact.")
        if candidate is not None:
            raise Problem(422, "Re-review flags are applied under the active rule set only; preview a "
                               "candidate without `apply`, make it active, then apply.",
                          errors={"candidate": ["Not with apply: true."]})
        return impact.apply_impact(by=actor())
    ruleset = rulesets.candidate_ruleset(candidate) if candidate is not None else None
    return {**impact.impact(ruleset), "applied": False, "flagged": [], "run_id": None}
