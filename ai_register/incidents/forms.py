"""Web forms of the follow-up pages: reporting an incident in under a minute, and managing it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ai_register.incidents.labels import HARM_CHOICES, STATUS_LABELS
from ai_register.incidents.models import INCIDENT_STATUSES
from ai_register.web.forms import options

FLAGS = ("device_malfunction", "fundamental_rights_concern", "widespread_or_critical_infrastructure",
         "public_health_threat", "property_or_environment_harm")


def _local_to_aware(value: datetime | None) -> datetime | None:
    """A time typed in the region's clock, as an aware datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Stockholm")))


class IncidentForm(FlaskForm):
    # Search as you type (web/_lookup.html): the chosen solution's id, or without a script the text
    # typed (a number or an exact name), which the view resolves among the solutions the reporter may change.
    solution = StringField(_l("AI solution"), validators=[Length(max=200)])
    solution_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    what_happened = TextAreaField(_l("What happened?"),
                                  validators=[DataRequired(), Length(min=3, max=10_000)],
                                  description=_l("Briefly: what the system did or failed to do, and the "
                                                 "consequence. No patient names or personal identity "
                                                 "numbers."))
    patient_harm = RadioField(_l("Patient harm"), choices=options(HARM_CHOICES),
                              validators=[InputRequired(message=_l("Choose the patient harm, or “Not known yet”."))])
    care_unit = StringField(_l("Care unit"), validators=[Optional(), Length(max=200)])
    occurred_at = DateTimeLocalField(_l("When did it happen?"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()],
                                     description=_l("Leave empty if it happened when you noticed it."))
    became_aware_at = DateTimeLocalField(_l("When did you become aware of it?"), format="%Y-%m-%dT%H:%M",
                                         validators=[Optional()],
                                         description=_l("Leave empty for now. Legal deadlines run from "
                                                        "here."))
    device_malfunction = BooleanField(_l("A medical device malfunctioned (or the AI system as a device)"))
    fundamental_rights_concern = BooleanField(_l("It may infringe fundamental rights (e.g. discrimination, "
                                                 "privacy)"))
    widespread_or_critical_infrastructure = BooleanField(
        _l("It is widespread, or seriously disrupts critical infrastructure"))
    public_health_threat = BooleanField(_l("It may be a serious threat to public health"))
    property_or_environment_harm = BooleanField(_l("Serious harm to property or the environment"))

    def payload(self) -> dict:
        data = {
            "what_happened": self.what_happened.data,
            "patient_harm": self.patient_harm.data,
            "care_unit": (self.care_unit.data or "").strip() or None,
            **{name: bool(getattr(self, name).data) for name in FLAGS},
        }
        for name in ("occurred_at", "became_aware_at"):
            value = _local_to_aware(getattr(self, name).data)
            if value is not None:
                data[name] = value
        return data


class DutyForm(FlaskForm):
    key = StringField(validators=[DataRequired(), Length(max=64)])
    version = HiddenField()  # the incident's version when the page was read (no lost update)
    # No action preselected: one click on "Save" must not mark a legal duty done.
    action = SelectField(choices=options([("", _l("Choose…")), ("done", _l("Done")),
                                          ("not_applicable", _l("Not applicable")), ("open", _l("Reopen"))]),
                         validators=[DataRequired(message=_l("Choose what to record."))])
    reference = StringField(_l("Reference (case or report number)"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note (why it does not apply)"), validators=[Optional(), Length(max=2000)])

    def payload(self) -> dict:
        change = {"key": self.key.data, "status": self.action.data}
        if self.reference.data:
            change["reference"] = self.reference.data
        if self.note.data:
            change["note"] = self.note.data
        return {"duties": [change]}


class StatusForm(FlaskForm):
    version = HiddenField()  # the incident's version when the page was read (no lost update)
    status = SelectField(_l("New status"), choices=options((s, STATUS_LABELS[s]) for s in INCIDENT_STATUSES),
                         validators=[DataRequired()])
    assessment_notes = TextAreaField(_l("Assessment"), validators=[Optional(), Length(max=10_000)])

    def payload(self) -> dict:
        data = {"status": self.status.data}
        if self.assessment_notes.data:
            data["assessment_notes"] = self.assessment_notes.data
        return data


# --------------------------------------------------------------------------- deviation reports (any member of staff)

DEVIATION_HARM_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Don't know"))]
UNKNOWN_SOLUTION = "unknown"
# A Swedish personal identity number or coordination number (ÅÅMMDD-NNNN, with or without century).
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+ ]?\d{4}(?!\d)")


class DeviationForm(FlaskForm):
    what_happened = TextAreaField(
        _l("What happened?"), validators=[DataRequired(), Length(min=3, max=10_000)],
        description=_l("What the AI solution did or failed to do, and what followed. Never write a patient's "
                       "name, personal identity number or other detail that identifies a patient."))
    occurred_at = DateTimeLocalField(_l("When did it happen?"), format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired(message=_l("Say when it happened."))])
    solution_q = StringField(_l("Find the AI solution"), validators=[Optional(), Length(max=200)],
                             description=_l("Type part of its name or your care unit, then search."))
    solution = RadioField(_l("Which AI solution?"), choices=[],
                          validators=[InputRequired(message=_l("Choose the solution, or “Don't know”."))])
    patient_harm = RadioField(_l("Was a patient harmed?"), choices=options(DEVIATION_HARM_CHOICES),
                              validators=[InputRequired(message=_l("Answer yes, no or don't know."))])
    case_number = StringField(_l("Case number in the region's deviation system"),
                              validators=[Optional(), Length(max=64)],
                              description=_l("If you also reported it there, its case number links the two."))
    care_unit = StringField(_l("Care unit"), validators=[Optional(), Length(max=200)])

    def validate_what_happened(self, field) -> None:
        if PERSONAL_NUMBER.search(field.data or ""):
            raise ValidationError(_l("Remove the personal identity number: the report must not identify a "
                                     "patient."))

    def payload(self) -> dict:
        choice = self.solution.data
        return {
            "what_happened": self.what_happened.data,
            "occurred_at": _local_to_aware(self.occurred_at.data),
            "solution_id": None if choice == UNKNOWN_SOLUTION else int(choice),
            "patient_harm": self.patient_harm.data,
            "case_number": self.case_number.data,
            "care_unit": self.care_unit.data,
        }


class TriageForm(FlaskForm):
    solution_id = StringField(_l("Solution"), validators=[Optional(), Length(max=12)])
    triage_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
