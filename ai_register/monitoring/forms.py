"""Forms of the monitoring and informing pages, and the labels of their codes. Labels are English message
ids, translated by Babel. Numbers are read by the register's one decimal input (web.forms.DecimalField):
"0,92" or "0.92"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ai_register.monitoring import rules
from ai_register.web.forms import DecimalField, LinesField, int_or_none, options

KIND_LABELS = {
    "sensitivity": _l("Sensitivity"), "positive_predictive_value": _l("Positive predictive value"),
    "alert_rate": _l("Alert rate"), "override_rate": _l("Override rate"),
    "changed_share": _l("Share of cases a person changed"), "other": _l("Other"),
}
DIRECTION_LABELS = {"higher_is_better": _l("Higher is better (a lower threshold)"),
                    "lower_is_better": _l("Lower is better (an upper threshold)"),
                    "within_range": _l("Within a range (both thresholds)")}
FREQUENCY_LABELS = {"weekly": _l("Weekly"), "monthly": _l("Monthly"), "quarterly": _l("Quarterly"),
                    "yearly": _l("Yearly")}
BREACH_LABELS = {rules.BELOW: _l("below the lower threshold"), rules.ABOVE: _l("above the upper threshold")}
ASSESSMENT_LABELS = {rules.OPEN: _l("Awaiting the oversight owner"), rules.INCIDENT: _l("Incident"),
                     rules.NOT_INCIDENT: _l("Not an incident")}
INFORMING_LABELS = {rules.WORKERS: _l("Workers and their representatives (Art 26(7))"),
                    rules.AFFECTED_PERSONS: _l("Persons subject to decisions (Art 26(11))"),
                    rules.EXPLANATION_PROCEDURE: _l("How to ask for an explanation (Art 86)")}
MBL_LABELS = {"agreed": _l("Agreement"), "not_agreed": _l("No agreement (the employer decides)"),
              "information_only": _l("Information only (MBL 19 §), no negotiation asked for")}
CHANNEL_LABELS = {"letter": _l("Letter"), "email": _l("E-mail"), "digital_service": _l("Digital service (1177)"),
                  "phone": _l("Phone"), "in_person": _l("In person"), "other": _l("Other")}
HARM_LABELS = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Don't know")}


def _text(number) -> str | None:
    """A read number as the API schema takes it."""
    return None if number is None else str(number)


class MetricForm(FlaskForm):
    name = StringField(_l("Metric"), validators=[DataRequired(), Length(max=200)],
                       description=_l("E.g. “Sensitivitet för pneumothorax”."))
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS.items()), validators=[DataRequired()])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=50)], description=_l("E.g. %, per 100 cases."))
    direction = SelectField(_l("Direction"), choices=options(DIRECTION_LABELS.items()), validators=[DataRequired()])
    lower_threshold = DecimalField(_l("Lower threshold"), validators=[Optional()],
                                  description=_l("A value below it is a breach."))
    upper_threshold = DecimalField(_l("Upper threshold"), validators=[Optional()],
                                  description=_l("A value above it is a breach."))
    frequency = SelectField(_l("Reported"), choices=options(FREQUENCY_LABELS.items()), validators=[DataRequired()])
    description = TextAreaField(_l("How it is measured"), validators=[Optional(), Length(max=5000)])
    stated_value = DecimalField(_l("The provider's stated value"), validators=[Optional()],
                                description=_l("What the instructions for use state for the same measure "
                                               "(AI Act Art 13(3)(b)(ii)); shown beside the thresholds."))
    stated_document_id = SelectField(_l("Stated in"), coerce=int_or_none, validators=[Optional()])
    stated_reference = StringField(_l("Where in the instructions"), validators=[Optional(), Length(max=200)],
                                   description=_l("E.g. section 7.2, table 3."))

    def payload(self) -> dict:
        return {"name": (self.name.data or "").strip(), "kind": self.kind.data,
                "unit": (self.unit.data or "").strip() or None, "direction": self.direction.data,
                "lower_threshold": _text(self.lower_threshold.data),
                "upper_threshold": _text(self.upper_threshold.data),
                "frequency": self.frequency.data, "description": (self.description.data or "").strip() or None,
                "stated_value": _text(self.stated_value.data), "stated_document_id": self.stated_document_id.data,
                "stated_reference": (self.stated_reference.data or "").strip() or None}


class ValueForm(FlaskForm):
    metric_id = SelectField(_l("Metric"), coerce=int_or_none, validators=[DataRequired()])
    period_end = DateField(_l("Period ending"), validators=[DataRequired()],
                           description=_l("The last day of the period the value covers; not in the future."))
    value = DecimalField(_l("Value"), validators=[InputRequired()], description=_l("E.g. 0,92 or 92."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)],
                         description=_l("Source or context. Nothing that identifies a patient."))

    def payload(self) -> dict:
        return {"period_end": self.period_end.data.isoformat() if self.period_end.data else None,
                "value": _text(self.value.data), "note": (self.note.data or "").strip() or None}


class RetentionForm(FlaskForm):
    system = StringField(_l("System that keeps the logs"), validators=[DataRequired(), Length(max=200)])
    location = StringField(_l("Where the logs live"), validators=[DataRequired(), Length(max=300)],
                           description=_l("E.g. the region's log archive, index or environment."))
    retention_months = IntegerField(_l("Kept for (months)"), validators=[InputRequired(), NumberRange(min=1, max=1200)],
                                    description=_l("At least 6 (Art 26(6))."))
    legal_basis = TextAreaField(_l("Legal basis for a shorter period"), validators=[Optional(), Length(max=5000)],
                                description=_l("Only when Union or national law provides a shorter period."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def payload(self) -> dict:
        return {"system": (self.system.data or "").strip(), "location": (self.location.data or "").strip(),
                "retention_months": self.retention_months.data,
                "legal_basis": (self.legal_basis.data or "").strip() or None,
                "note": (self.note.data or "").strip() or None}


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Is it an incident?"), validators=[DataRequired()], choices=options([
        (rules.INCIDENT, _l("Yes: report a deviation now")), (rules.NOT_INCIDENT, _l("No: say why"))]))
    what_happened = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=10000)],
                                  description=_l("For an incident: the deviation's description."))
    patient_harm = RadioField(_l("Did a patient come to harm?"), validators=[Optional()],
                              choices=options(HARM_LABELS.items()))
    reason = TextAreaField(_l("Why it is not an incident"), validators=[Optional(), Length(max=10000)])
    version = StringField()

    def payload(self) -> dict:
        data = {"decision": self.decision.data, "reason": (self.reason.data or "").strip() or None}
        if self.decision.data == rules.INCIDENT:
            data.update(what_happened=(self.what_happened.data or "").strip() or None,
                        patient_harm=self.patient_harm.data or None)
        return data


class InformingForm(FlaskForm):
    kind = SelectField(_l("Who was informed"), choices=options(INFORMING_LABELS.items()), validators=[DataRequired()])
    informed_on = DateField(_l("When"), validators=[DataRequired()])
    audience = StringField(_l("Informed"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("E.g. “Röntgensjuksköterskor och läkare på Röntgen Sunderbyn”."))
    how = TextAreaField(_l("How"), validators=[DataRequired(), Length(max=10000)],
                        description=_l("Meeting, letter, notice in the waiting room, text on 1177 …"))
    care_units = LinesField(_l("Care units (one a line)"), validators=[Optional()])
    negotiated_on = DateField(_l("Negotiated on (MBL)"), validators=[Optional()],
                              description=_l("Workers: the co-determination negotiation before the decision."))
    negotiation_parties = StringField(_l("Parties"), validators=[Optional(), Length(max=2000)],
                                      description=_l("E.g. “Region Norrbotten, Vårdförbundet, Läkarförbundet”."))
    negotiation_outcome = SelectField(_l("Outcome"), validators=[Optional()],
                                      choices=options([("", "—"), *MBL_LABELS.items()]))
    negotiation_note = TextAreaField(_l("Minutes, in short"), validators=[Optional(), Length(max=10000)])
    evidence_id = SelectField(_l("Minutes or material (evidence)"), coerce=int_or_none, validators=[Optional()])
    link = StringField(_l("Link"), validators=[Optional(), Length(max=500)])

    def payload(self) -> dict:
        return {"kind": self.kind.data,
                "informed_on": self.informed_on.data.isoformat() if self.informed_on.data else None,
                "audience": (self.audience.data or "").strip(), "how": (self.how.data or "").strip(),
                "care_units": self.care_units.data or [],
                "negotiated_on": self.negotiated_on.data.isoformat() if self.negotiated_on.data else None,
                "negotiation_parties": (self.negotiation_parties.data or "").strip() or None,
                "negotiation_outcome": self.negotiation_outcome.data or None,
                "negotiation_note": (self.negotiation_note.data or "").strip() or None,
                "evidence_id": self.evidence_id.data, "link": (self.link.data or "").strip() or None}


class ExplanationForm(FlaskForm):
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=options(CHANNEL_LABELS.items()), validators=[DataRequired()])
    summary = TextAreaField(_l("What is asked"), validators=[DataRequired(), Length(max=5000)],
                            description=_l("No names or personal identity numbers: refer to the case number."))
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=64)],
                              description=_l("The region's own case or diary number."))

    def payload(self) -> dict:
        return {"received_on": self.received_on.data.isoformat() if self.received_on.data else None,
                "channel": self.channel.data, "summary": (self.summary.data or "").strip(),
                "case_number": (self.case_number.data or "").strip() or None}


class AnswerForm(FlaskForm):
    answered_on = DateField(_l("Answered on"), validators=[DataRequired()])
    answer_summary = TextAreaField(_l("What was explained"), validators=[DataRequired(), Length(max=10000)],
                                   description=_l("The system's role in the decision and its main elements, "
                                                  "in short. No patient identifiers."))
    version = StringField()

    def payload(self) -> dict:
        return {"answered_on": self.answered_on.data.isoformat() if self.answered_on.data else None,
                "answer_summary": (self.answer_summary.data or "").strip()}
