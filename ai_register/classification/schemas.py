"""Bodies and responses of the classification API. The result object follows classification-contract.md."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import StrictSchema, UtcDateTime, page_schema
from ai_register.classification.models import DEVICE_CLASSES, OVERRIDE_CATEGORIES, STATUSES
from ai_register.rules.contract import CATEGORIES
from ai_register.solutions.schemas import UserRefSchema

# --------------------------------------------------------------------------- input


class AnswersSchema(StrictSchema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(), required=True,
        metadata={"description": "Question id → answer value (classification-contract.md); "
                                 "omitted = not answered."},
    )


class ClassificationReviewSchema(StrictSchema):
    justification = ma.fields.String(validate=validate.Length(max=5000), allow_none=True,
                                     metadata={"description": "Optional to approve (kept in the audit trail)."})


class ClassificationRejectSchema(StrictSchema):
    justification = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000),
                                     metadata={"description": "Why the classification is rejected (required)."})


class ClassificationOverrideSchema(StrictSchema):
    justification = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000))
    category = ma.fields.String(validate=validate.OneOf(OVERRIDE_CATEGORIES), allow_none=True,
                                metadata={"description": "The officer's AI Act category"})
    device_class = ma.fields.String(validate=validate.OneOf(DEVICE_CLASSES), allow_none=True,
                                    metadata={"description": "The officer's medical-device class"})


class QuestionnaireArgsSchema(StrictSchema):
    lang = ma.fields.String(validate=validate.OneOf(("sv", "en")),
                            metadata={"description": "Language of texts; default from Accept-Language"})


class RulesetImpactRequestSchema(StrictSchema):
    apply = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "false: report only; true: flag the solutions for re-review"})
    candidate = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64),
        metadata={"description": "Preview a candidate rule set installed on the server (a directory "
                                 "name under AI_REGISTER_RISK_RULES_CANDIDATES) instead of the active "
                                 "one; never uploaded files. Not with apply."})


# --------------------------------------------------------------------------- the result object


class ResultRulesetSchema(ma.Schema):
    version = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True)


class AiActResultSchema(ma.Schema):
    category = ma.fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    routes = ma.fields.List(ma.fields.String(), required=True)
    art6_3_exemption = ma.fields.Boolean(required=True)
    transparency = ma.fields.List(ma.fields.String(), required=True)
    gpai = ma.fields.String(allow_none=True, required=True)


class MedicalDeviceResultSchema(ma.Schema):
    regulation = ma.fields.String(required=True)
    device_class = ma.fields.String(data_key="class", attribute="class", allow_none=True, required=True)
    rule = ma.fields.String(allow_none=True)
    notified_body = ma.fields.Boolean(allow_none=True)
    in_house_exemption = ma.fields.Boolean(allow_none=True)


class ClassificationResultSchema(ma.Schema):
    """The contract's result object."""

    ai_act = ma.fields.Nested(AiActResultSchema, required=True)
    medical_device = ma.fields.Nested(MedicalDeviceResultSchema, required=True)
    needs_review = ma.fields.Boolean(required=True)
    missing = ma.fields.List(ma.fields.String(), required=True)
    obligations = ma.fields.List(ma.fields.Dict(), required=True)
    fired_rules = ma.fields.List(ma.fields.Dict(), required=True)
    ruleset = ma.fields.Nested(ResultRulesetSchema, required=True)


# --------------------------------------------------------------------------- records


class OverrideDecisionSchema(ma.Schema):
    category = ma.fields.String(allow_none=True, required=True)
    device_class = ma.fields.String(allow_none=True, required=True)
    justification = ma.fields.String(allow_none=True, required=True)


class EffectiveClassificationSchema(ma.Schema):
    category = ma.fields.String(required=True)
    device_class = ma.fields.String(allow_none=True, required=True)
    needs_review = ma.fields.Boolean(required=True)


class ClassificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    solution_id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True, metadata={"description": "1..n per solution"})
    status = ma.fields.String(required=True, validate=validate.OneOf(STATUSES))
    answers = ma.fields.Dict(required=True)
    result = ma.fields.Nested(ClassificationResultSchema, required=True,
                              metadata={"description": "The engine's result"})
    ruleset = ma.fields.Nested(ResultRulesetSchema, attribute="ruleset_ref", required=True)
    answered_by = ma.fields.Nested(UserRefSchema, required=True)
    created_at = UtcDateTime(required=True)
    submitted_by = ma.fields.Nested(UserRefSchema, allow_none=True, required=True)
    submitted_at = UtcDateTime(allow_none=True, required=True)
    reviewed_by = ma.fields.Nested(UserRefSchema, allow_none=True, required=True)
    reviewed_at = UtcDateTime(allow_none=True, required=True)
    review_justification = ma.fields.String(allow_none=True, required=True)
    override = ma.fields.Nested(OverrideDecisionSchema, allow_none=True, required=True,
                                metadata={"description": "The officer's values beside the engine's result"})
    effective = ma.fields.Nested(
        EffectiveClassificationSchema, required=True,
        metadata={"description": "What counts: the officer's values for an override"})


ClassificationPageSchema = page_schema(ClassificationSchema, "ClassificationPageSchema")


class QuestionnaireSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    lang = ma.fields.String(required=True)
    ruleset = ma.fields.Nested(ResultRulesetSchema, required=True)
    questionnaire = ma.fields.Dict(required=True)


class RulesetSchema(ma.Schema):
    version = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True)
    active = ma.fields.Boolean(required=True)
    snapshotted = ma.fields.Boolean(required=True)
    snapshotted_at = UtcDateTime(allow_none=True, required=True)
    classifications = ma.fields.Integer(metadata={"description": "Stored results produced by this rule set"})


class RulesetDetailSchema(RulesetSchema):
    files = ma.fields.Raw(required=True, metadata={"description": "The rule set's files as stored"})


RulesetPageSchema = page_schema(RulesetSchema, "RulesetPageSchema")


class DecisiveResultSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    category = ma.fields.String(allow_none=True)
    routes = ma.fields.List(ma.fields.String())
    art6_3_exemption = ma.fields.Boolean()
    transparency = ma.fields.List(ma.fields.String())
    gpai = ma.fields.String(allow_none=True)
    regulation = ma.fields.String(allow_none=True)
    device_class = ma.fields.String(allow_none=True)
    notified_body = ma.fields.Boolean()
    needs_review = ma.fields.Boolean()
    invalid_answers = ma.fields.String(
        metadata={"description": "Set when the rule set no longer accepts the answers"})


class RulesetImpactChangeSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    classification_id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    counts_for_gates = ma.fields.Boolean(required=True,
                                         metadata={"description": "It is the solution's latest approved or "
                                                                  "overridden classification"})
    ruleset = ma.fields.Nested(ResultRulesetSchema, required=True,
                               metadata={"description": "The rule set it was stored under"})
    old = ma.fields.Nested(DecisiveResultSchema, required=True)
    new = ma.fields.Nested(DecisiveResultSchema, required=True)
    what_changed = ma.fields.List(
        ma.fields.Dict(), required=True,
        metadata={"description": "The decisive fields that differ: {field, old, new}"})
    new_questions = ma.fields.List(
        ma.fields.String(), required=True,
        metadata={"description": "Questions of the new rule set, relevant to these answers and unanswered, "
                                 "that the classification's own rule set did not have"})


class RulesetImpactReportSchema(ma.Schema):
    ruleset = ma.fields.Nested(ResultRulesetSchema, required=True)
    checked = ma.fields.Integer(required=True)
    changed = ma.fields.List(ma.fields.Nested(RulesetImpactChangeSchema), required=True)
    flag = ma.fields.List(ma.fields.Integer(), required=True,
                          metadata={"description": "Solutions whose valid classification changes"})
    already_flagged = ma.fields.List(ma.fields.Integer(), required=True)
    applied = ma.fields.Boolean(required=True)
    flagged = ma.fields.List(
        ma.fields.Integer(), required=True,
        metadata={"description": "Solutions flagged by this call (empty when not applied)"})
    run_id = ma.fields.Integer(allow_none=True, required=True)
