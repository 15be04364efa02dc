"""The FRIA form: the points of Art 27(1), up to eight risks, the DPIA it complements, an attachment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ai_register.web.forms import int_or_none, options

LEVEL_CHOICES = options([("", "—"), ("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High"))])
RISK_ROWS = 8


def _area(label, description):
    return TextAreaField(label, validators=[Optional(), Length(max=20000)], description=description)


class RiskForm(Form):
    group = StringField(_l("Persons or group"), validators=[Optional(), Length(max=300)])
    right = StringField(_l("Fundamental right"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Risk of harm"), validators=[Optional(), Length(max=5000)])
    likelihood = SelectField(_l("Likelihood"), choices=LEVEL_CHOICES, validators=[Optional()])
    severity = SelectField(_l("Severity"), choices=LEVEL_CHOICES, validators=[Optional()])
    mitigation = TextAreaField(_l("Mitigation"), validators=[Optional(), Length(max=5000)])

    def blank(self) -> bool:
        return not any((getattr(self, n).data or "").strip() for n in ("group", "right", "description", "mitigation"))


class FriaForm(FlaskForm):
    processes = _area(_l("The region's processes where the system is used"),
                      _l("Art 27(1)(a): in which care processes, by whom, in line with the intended purpose."))
    period_and_frequency = _area(_l("Period and frequency of use"),
                                 _l("Art 27(1)(b): from when, for how long, how often (e.g. every X-ray at night)."))
    affected_persons = _area(_l("Persons and groups likely affected"),
                             _l("Art 27(1)(c): patients, relatives, staff; groups in a vulnerable position."))
    risks = FieldList(FormField(RiskForm), min_entries=RISK_ROWS, max_entries=RISK_ROWS)
    provider_information = _area(_l("The provider's information taken into account"),
                                 _l("Art 27(1)(d) with Art 13: what the instructions for use say about accuracy, "
                                    "limits and groups the system was not validated for."))
    instructions_evidence_id = SelectField(_l("Instructions for use"), coerce=int_or_none, validators=[Optional()])
    oversight_measures = _area(_l("Human oversight measures"),
                               _l("Art 27(1)(e): how oversight is done per the instructions for use; the oversight "
                                  "owner's record is linked."))
    materialisation_measures = _area(_l("Measures if the risks materialise"), _l("Art 27(1)(f)."))
    internal_governance = _area(_l("Internal governance"), _l("Art 27(1)(f): who decides, who is told, escalation."))
    complaint_mechanisms = _area(_l("Complaint mechanisms"),
                                 _l("Art 27(1)(f): how patients and staff complain (e.g. patientnämnden)."))
    dpia_evidence_id = SelectField(_l("The DPIA it complements"), coerce=int_or_none, validators=[Optional()],
                                   description=_l("Art 27(4): where a DPIA exists, the FRIA complements it."))
    dpia_complement = _area(_l("How the FRIA complements the DPIA"), _l("Art 27(4)."))
    attachment_evidence_id = SelectField(_l("Attached document"), coerce=int_or_none, validators=[Optional()],
                                         description=_l("An uploaded document (evidence) attached to this version."))
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)],
                         description=_l("Kept in the audit trail."))

    TEXTS = ("processes", "period_and_frequency", "affected_persons", "provider_information", "oversight_measures",
             "materialisation_measures", "internal_governance", "complaint_mechanisms", "dpia_complement")

    def values(self) -> dict:
        data = {name: (getattr(self, name).data or "").strip() or None for name in self.TEXTS}
        for name in ("instructions_evidence_id", "dpia_evidence_id", "attachment_evidence_id"):
            data[name] = getattr(self, name).data
        data["risks"] = [{name: (getattr(row.form, name).data or "").strip() or None
                          for name in ("group", "right", "description", "likelihood", "severity", "mitigation")}
                         for row in self.risks if not row.form.blank()]
        data["reason"] = (self.reason.data or "").strip() or None
        return {k: v for k, v in data.items() if k != "reason" or v}
