"""Web forms of portfolio steering: the indicator catalogue, the trustworthy-AI assessment and the portfolio
meeting's decisions."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ai_register.apikit import N_, Message
from ai_register.extensions import MAX_ID
from ai_register.portfolio import trustworthy
from ai_register.solutions.lifecycle.decisions import DecisionKind
from ai_register.web.forms import options, values_of


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
                           DataRequired(), Length(max=40),
                           Regexp(r"^[a-z][a-z0-9_]{1,39}$",
                                  message=_l("Lower-case letters, digits and _, 2–40 characters."))],
                       description=_l("A stable key for reports and the API, e.g. quality."))
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    definition = TextAreaField(_l("Definition"), validators=[DataRequired(), Length(max=5000)],
                               description=_l("What the indicator measures and how goals count towards it."))
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=50)], description=_l("E.g. days, %, SEK."))
    higher_is_better = RadioField(_l("Direction"), choices=options([("yes", _l("Higher is better")),
                                                                    ("no", _l("Lower is better"))]),
                                  default="yes", validators=[DataRequired()])
    active = BooleanField(_l("In use (can be chosen for new goals)"), default=True)
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                         description=_l("Kept in the audit trail."))
    version = HiddenField()  # the indicator's version when the form was read (no lost update)

    def fill_from(self, indicator) -> None:
        for name in ("code", "name_sv", "name_en", "definition", "unit"):
            getattr(self, name).data = getattr(indicator, name)
        self.version.data = str(indicator.version)
        self.higher_is_better.data = "yes" if indicator.higher_is_better else "no"
        self.active.data = indicator.active

    def values(self) -> dict:
        """What the indicator service takes (the form has checked the code's shape and the lengths)."""
        data = values_of(self, ("code", "name_sv", "name_en", "definition", "unit", "reason"))
        data["higher_is_better"] = self.higher_is_better.data == "yes"
        data["active"] = bool(self.active.data)
        return data


ANSWER_CHOICES = options([("", _l("Not yet answered")), ("yes", _l("Fulfilled")),
                          ("partly", _l("Partly fulfilled")), ("no", _l("Not fulfilled")),
                          ("not_applicable", _l("Not applicable"))])


class RequirementForm(Form):
    """One HLEG requirement: a subform without its own CSRF token (the outer form has one)."""

    answer = SelectField(_l("Answer"), choices=ANSWER_CHOICES, validators=[Optional()])
    evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=10_000)],
                             description=_l("What shows it: documents, tests, references."))
    open_actions = TextAreaField(_l("Open actions"), validators=[Optional(), Length(max=10_000)],
                                 description=_l("What remains to be done, by whom."))


def _assessment_form_class():
    fields = {key: FormField(RequirementForm, label=_l(req.name)) for key, req in trustworthy.BY_KEY.items()}
    fields.update(
        assessed_on=DateField(_l("Assessed on"), validators=[Optional()], description=_l("Defaults to today.")),
        summary=TextAreaField(_l("Summary"), validators=[Optional(), Length(max=10_000)]),
        reason=StringField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Kept in the audit trail.")),
        values=lambda self: assessment_values(self),
    )
    return type("TrustworthyAssessmentForm", (FlaskForm,), fields)


TrustworthyAssessmentForm = _assessment_form_class()


def fill_assessment(form, assessment) -> None:
    """Start a refresh from the latest version."""
    if assessment is None:
        return
    for key in trustworthy.REQUIREMENT_KEYS:
        item = (assessment.answers or {}).get(key) or {}
        sub = getattr(form, key)
        sub.answer.data = item.get("answer") or ""
        sub.evidence.data = item.get("evidence")
        sub.open_actions.data = item.get("open_actions")
    form.summary.data = assessment.summary


def assessment_values(form) -> dict:
    """The assessment as the trustworthy-AI service takes it: blank texts None, the date a date."""
    answers = {}
    for key in trustworthy.REQUIREMENT_KEYS:
        sub = getattr(form, key)
        answers[key] = {"answer": sub.answer.data or None,
                        "evidence": (sub.evidence.data or "").strip() or None,
                        "open_actions": (sub.open_actions.data or "").strip() or None}
    data = {"answers": answers, "summary": (form.summary.data or "").strip() or None}
    if form.assessed_on.data:
        data["assessed_on"] = form.assessed_on.data
    if (form.reason.data or "").strip():
        data["reason"] = form.reason.data.strip()
    return data


# --------------------------------------------------------------------------- the portfolio meeting


def _text_of(maximum: int):
    """A text of 1 to `maximum` characters; the refusal in marshmallow's words, as the API gives them."""

    def check(form, field) -> None:  # noqa: ARG001 - WTForms' validator signature
        if not 1 <= len(field.data or "") <= maximum:
            raise ValidationError(Message(N_("Length must be between 1 and {max}."), max=maximum))

    return check


DECISION_KINDS = frozenset(kind.value for kind in DecisionKind)


class MeetingForm(FlaskForm):
    """The decisions of a portfolio meeting: a kind chosen on a solution's row of the portfolio
    (`kind-<solution id>`), one reference, date and rationale for all of them."""

    meeting_reference = StringField(_l("Meeting reference"), validators=[_text_of(200)])
    decided_on = DateField(_l("Meeting date"), validators=[Optional()])
    rationale = TextAreaField(_l("Rationale"), validators=[_text_of(20_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = request.form if self.is_submitted() else {}
        self.chosen = [(key.removeprefix("kind-"), value) for key, value in posted.items()
                       if key.startswith("kind-") and value]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.chosen:
            self.form_errors.append(_("Choose a decision for at least one solution."))
            ok = False
        if any(not sid.isdigit() or not 1 <= int(sid) <= MAX_ID or kind not in DECISION_KINDS
               for sid, kind in self.chosen):
            self.form_errors.append(_("Choose a decision from the list."))
            ok = False
        return ok

    def values(self) -> dict:
        data = {"meeting_reference": self.meeting_reference.data,
                "decisions": [{"solution_id": int(sid), "kind": kind, "rationale": self.rationale.data}
                              for sid, kind in self.chosen]}
        if self.decided_on.data:
            data["decided_on"] = self.decided_on.data
        return data
