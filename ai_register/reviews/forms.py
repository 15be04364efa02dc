"""The forms of the review queue: a compliance officer's decision on a classification version or on a
request to move a solution into pilot or rollout. Labels are message ids translated by Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ai_register.web.forms import options


class ClassificationReviewForm(FlaskForm):
    outcome = RadioField(
        _l("Your decision"),
        choices=options([
            ("approve", _l("Approve the engine's result")),
            ("reject", _l("Reject: the owner answers again")),
            ("override", _l("Override: decide the category or class")),
        ]),
        validators=[DataRequired()],
    )
    justification = TextAreaField(
        _l("Justification"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required to reject or override; kept in the audit trail."),
    )
    category = SelectField(_l("Category (override)"), validators=[Optional()])
    device_class = SelectField(_l("Device class (override)"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.outcome.data in ("reject", "override") and not (self.justification.data or "").strip():
            self.justification.errors = [*self.justification.errors, str(_l("A justification is required."))]
            ok = False
        if self.outcome.data == "override" and not (self.category.data or self.device_class.data):
            self.category.errors = [
                *self.category.errors,
                str(_l("Give the category, the device class, or both.")),
            ]
            ok = False
        return ok


class TransitionReviewForm(FlaskForm):
    outcome = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve the move")), ("reject", _l("Reject the request"))]),
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Required to reject; kept in the audit trail."),
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.outcome.data == "reject" and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, str(_l("A reason is required to reject."))]
            ok = False
        return ok
