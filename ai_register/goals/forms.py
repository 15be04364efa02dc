"""The goal, measured-value and benefit-estimate forms of the web pages. A form parses what was typed; its
`values()` go to the goals service as they are (dates, decimals), which owns the domain's checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ai_register.goals.labels import PERSPECTIVES
from ai_register.web.forms import DecimalField, int_or_none, options, values_of


class GoalForm(FlaskForm):
    perspective = SelectField(
        _l("Goal perspective"),
        choices=options(PERSPECTIVES.items()),
        validators=[DataRequired()],
        description=_l("The region's five perspectives of follow-up."),
    )
    title = StringField(
        _l("Goal"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("What should improve, e.g. “Shorter waiting time for radiology answers”."),
    )
    indicator_id = SelectField(
        _l("Common indicator"),
        coerce=int_or_none,
        validators=[DataRequired()],
        description=_l("The region's common indicator the goal counts towards, so goals add up across solutions."),
    )
    indicator = TextAreaField(
        _l("Indicator"),
        validators=[Optional(), Length(max=2000)],
        description=_l("How it is measured, e.g. median days from referral to answer."),
    )
    unit = StringField(
        _l("Unit"), validators=[Optional(), Length(max=50)], description=_l("E.g. days, %, SEK.")
    )
    baseline = DecimalField(
        _l("Baseline"),
        validators=[Optional()],
        description=_l("The value today, before the solution."),
    )
    target = DecimalField(
        _l("Target"),
        validators=[Optional()],
        description=_l("The value the solution should reach."),
    )
    higher_is_better = RadioField(
        _l("Direction"),
        choices=options([("yes", _l("Higher is better")), ("no", _l("Lower is better"))]),
        default="yes",
        validators=[DataRequired()],
    )
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], description=_l("Kept in the audit trail.")
    )
    version = HiddenField()  # the goal's version when the edit form was read (no lost update)

    def values(self) -> dict:
        data = values_of(self, ("perspective", "title", "indicator_id", "indicator", "unit", "baseline", "target",
                                "reason"))
        data["higher_is_better"] = self.higher_is_better.data == "yes"
        return data


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Why is the goal withdrawn?"), validators=[DataRequired(), Length(max=2000)],
                         description=_l("Kept in the audit trail. The goal stays in the record, marked withdrawn."))


class MeasurementForm(FlaskForm):
    goal_id = SelectField(_l("Goal"), coerce=int, validators=[DataRequired()])
    measured_on = DateField(
        _l("Measured on"),
        validators=[DataRequired()],
        description=_l("The day the value refers to; not in the future."),
    )
    value = DecimalField(_l("Measured value"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Source of the figure, or anything that explains it."),
    )

    def values(self) -> dict:
        return values_of(self, ("measured_on", "value", "note"))


class BenefitForm(FlaskForm):
    version = HiddenField()  # the estimate's version when the form was read; empty before the first (no lost update)
    one_off_cost = DecimalField(
        _l("One-off cost (SEK)"),
        validators=[InputRequired(), NumberRange(min=0)],
        description=_l("Procurement, implementation, training."),
    )
    yearly_cost = DecimalField(
        _l("Yearly cost (SEK)"),
        validators=[InputRequired(), NumberRange(min=0)],
        description=_l("Licences, operation, management."),
    )
    yearly_savings = DecimalField(
        _l("Yearly savings (SEK)"), validators=[Optional(), NumberRange(min=0)], default=0
    )
    hours_freed_per_year = DecimalField(
        _l("Hours freed per year"),
        validators=[Optional(), NumberRange(min=0)],
        default=0,
        description=_l("Staff time the solution frees for other work."),
    )
    hourly_cost = DecimalField(
        _l("Hourly cost (SEK)"),
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Values the hours freed; leave empty to record the hours only."),
    )
    assumptions = TextAreaField(
        _l("Assumptions"),
        validators=[Optional(), Length(max=10000)],
        description=_l("What the figures rest on."),
    )
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], description=_l("Kept in the audit trail.")
    )

    def values(self) -> dict:
        return values_of(self, ("one_off_cost", "yearly_cost", "yearly_savings", "hours_freed_per_year",
                                "hourly_cost", "assumptions", "reason"))
