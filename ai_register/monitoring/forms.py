"""Forms of the monitoring and informing pages (the labels of their codes are in labels.py: English message
ids, translated by Babel). Numbers are read by the register's one decimal input (web.forms.DecimalField):
"0,92" or "0.92". A form parses shapes (required, lengths, dates, numbers, choices); its `values()` go to the
monitoring service as they are, which owns the domain's checks (thresholds, bounds, retention, dates not in
the future, web addresses, no personal identity numbers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ai_register.monitoring import rules
from ai_register.monitoring.labels import (
    CHANNEL_LABELS,
    DIRECTION_LABELS,
    FREQUENCY_LABELS,
    HARM_LABELS,
    INFORMING_LABELS,
    KIND_LABELS,
    MBL_LABELS,
)
from ai_register.web.forms import DecimalField, LinesField, int_or_none, options, values_of


def _units_fit(form, field) -> None:
    """Care units as the register keeps them: at most 100, each at most 200 characters."""
    units = field.data or []
    if len(units) > 100 or any(len(unit) > 200 for unit in units):
        raise ValidationError(_l("At most 100 care units, one a line, each at most 200 characters."))


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

    def values(self) -> dict:
        return values_of(self, ("name", "kind", "unit", "direction", "lower_threshold", "upper_threshold",
                                "frequency", "description", "stated_value", "stated_document_id",
                                "stated_reference"))


class MetricEditForm(MetricForm):
    """The metric changed: new thresholds judge new values only; unticking `active` retires it (its values are
    kept). The version read guards against a lost update (If-Match, as the API's PATCH)."""

    active = BooleanField(_l("Values are still reported"),
                          description=_l("Untick to retire the metric: its values are kept, no more are asked for."))
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)],
                         description=_l("Kept in the audit trail."))
    version = StringField()

    def values(self) -> dict:
        return {**super().values(), "active": bool(self.active.data)}


class ValueForm(FlaskForm):
    metric_id = SelectField(_l("Metric"), coerce=int_or_none, validators=[DataRequired()])
    period_end = DateField(_l("Period ending"), validators=[DataRequired()],
                           description=_l("The last day of the period the value covers; not in the future."))
    value = DecimalField(_l("Value"), validators=[InputRequired()], description=_l("E.g. 0,92 or 92."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)],
                         description=_l("Source or context. Nothing that identifies a patient."))

    def values(self) -> dict:
        return values_of(self, ("period_end", "value", "note"))


class RetentionForm(FlaskForm):
    system = StringField(_l("System that keeps the logs"), validators=[DataRequired(), Length(max=200)])
    location = StringField(_l("Where the logs live"), validators=[DataRequired(), Length(max=300)],
                           description=_l("E.g. the region's log archive, index or environment."))
    retention_months = IntegerField(_l("Kept for (months)"), validators=[InputRequired()],
                                    description=_l("At least 6 (Art 26(6))."))
    legal_basis = TextAreaField(_l("Legal basis for a shorter period"), validators=[Optional(), Length(max=5000)],
                                description=_l("Only when Union or national law provides a shorter period."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def values(self) -> dict:
        return values_of(self, ("system", "location", "retention_months", "legal_basis", "note"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Is it an incident?"), validators=[DataRequired()], choices=options([
        (rules.INCIDENT, _l("Yes: report a deviation now")), (rules.NOT_INCIDENT, _l("No: say why"))]))
    what_happened = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=10000)],
                                  description=_l("For an incident: the deviation's description."))
    patient_harm = RadioField(_l("Did a patient come to harm?"), validators=[Optional()],
                              choices=options(HARM_LABELS.items()))
    reason = TextAreaField(_l("Why it is not an incident"), validators=[Optional(), Length(max=10000)])
    version = StringField()

    def values(self) -> dict:
        """The decision and its reason; what happened and the harm only for an incident."""
        names = ("decision", "reason", "what_happened", "patient_harm") if self.decision.data == rules.INCIDENT \
            else ("decision", "reason")
        return values_of(self, names)


class InformingForm(FlaskForm):
    kind = SelectField(_l("Who was informed"), choices=options(INFORMING_LABELS.items()), validators=[DataRequired()])
    informed_on = DateField(_l("When"), validators=[DataRequired()])
    audience = StringField(_l("Informed"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("E.g. “Röntgensjuksköterskor och läkare på Röntgen Sunderbyn”."))
    how = TextAreaField(_l("How"), validators=[DataRequired(), Length(max=10000)],
                        description=_l("Meeting, letter, notice in the waiting room, text on 1177 …"))
    care_units = LinesField(_l("Care units (one a line)"), validators=[Optional(), _units_fit])
    negotiated_on = DateField(_l("Negotiated on (MBL)"), validators=[Optional()],
                              description=_l("Workers: the co-determination negotiation before the decision."))
    negotiation_parties = StringField(_l("Parties"), validators=[Optional(), Length(max=2000)],
                                      description=_l("E.g. “Region Norrbotten, Vårdförbundet, Läkarförbundet”."))
    negotiation_outcome = SelectField(_l("Outcome"), validators=[Optional()],
                                      choices=options([("", "—"), *MBL_LABELS.items()]))
    negotiation_note = TextAreaField(_l("Minutes, in short"), validators=[Optional(), Length(max=10000)])
    evidence_id = SelectField(_l("Minutes or material (evidence)"), coerce=int_or_none, validators=[Optional()])
    link = StringField(_l("Link"), validators=[Optional(), Length(max=500)])

    def values(self) -> dict:
        data = values_of(self, ("kind", "informed_on", "audience", "how", "negotiated_on", "negotiation_parties",
                                "negotiation_outcome", "negotiation_note", "evidence_id", "link"))
        return {**data, "care_units": self.care_units.data or []}


class ExplanationForm(FlaskForm):
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    channel = SelectField(_l("Channel"), choices=options(CHANNEL_LABELS.items()), validators=[DataRequired()])
    summary = TextAreaField(_l("What is asked"), validators=[DataRequired(), Length(max=5000)],
                            description=_l("No names or personal identity numbers: refer to the case number."))
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=64)],
                              description=_l("The region's own case or diary number."))

    def values(self) -> dict:
        return values_of(self, ("received_on", "channel", "summary", "case_number"))


class AnswerForm(FlaskForm):
    answered_on = DateField(_l("Answered on"), validators=[DataRequired()])
    answer_summary = TextAreaField(_l("What was explained"), validators=[DataRequired(), Length(max=10000)],
                                   description=_l("The system's role in the decision and its main elements, "
                                                  "in short. No patient identifiers."))
    version = StringField()

    def values(self) -> dict:
        return values_of(self, ("answered_on", "answer_summary"))
