"""The human-oversight owner's form and the re-confirmation form of the web pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ai_register.web.forms import int_or_none, options, text_or_none, values_of

PERSON_KINDS = [("user", _l("A person with an account")), ("person", _l("A person without an account"))]


class OversightForm(FlaskForm):
    person_kind = RadioField(
        _l("Who is the oversight owner?"), choices=options(PERSON_KINDS), default="user",
        validators=[DataRequired()],
    )
    person_user_id = SelectField(
        _l("Account"),
        coerce=int_or_none,
        validators=[Optional()],
        description=_l(
            "Required for a person with an account: an AI owner or compliance account. "
            "They confirm the assignment themselves."
        ),
    )
    person_name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Required for a person without an account."),
    )
    person_title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    person_unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    person_contact = StringField(
        _l("Contact"), validators=[Optional(), Length(max=200)], description=_l("E-mail or phone.")
    )
    deputy_kind = RadioField(
        _l("Deputy"),
        choices=options([("none", _l("No deputy")), *PERSON_KINDS]),
        default="none",
        validators=[DataRequired()],
    )
    deputy_user_id = SelectField(
        _l("Deputy's account"),
        coerce=int_or_none,
        validators=[Optional()],
        description=_l("Required when the deputy has an account."),
    )
    deputy_name = StringField(
        _l("Deputy's name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Required when the deputy has no account."),
    )
    deputy_title = StringField(_l("Deputy's title"), validators=[Optional(), Length(max=200)])
    deputy_unit = StringField(_l("Deputy's unit"), validators=[Optional(), Length(max=200)])
    deputy_contact = StringField(_l("Deputy's contact"), validators=[Optional(), Length(max=200)])
    competence = TextAreaField(
        _l("Competence"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Why this person can oversee the system (AI Act Art 26(2))."),
    )
    training = TextAreaField(_l("Training"), validators=[Optional(), Length(max=5000)])
    training_completed_on = DateField(_l("Training completed on"), validators=[Optional()])
    authority_to_suspend = BooleanField(
        _l("Has the authority to suspend the use of the system"),
        description=_l("Required: without it the assignment does not count."),
    )
    understands_capabilities_limits = BooleanField(
        _l("Understands its capacities and limits and monitors operation (Art 14(4)(a))")
    )
    aware_of_automation_bias = BooleanField(_l("Is aware of automation bias (Art 14(4)(b))"))
    interprets_output = BooleanField(_l("Interprets the output correctly (Art 14(4)(c))"))
    can_disregard_override_reverse = BooleanField(
        _l("Can disregard, override or reverse the output (Art 14(4)(d))")
    )
    can_interrupt_stop = BooleanField(_l("Can intervene in or stop the system (Art 14(4)(e))"))
    accepted_on = DateField(
        _l("Accepted on"),
        validators=[Optional()],
        description=_l("The day a person without an account accepted. Leave empty for a person with an "
                       "account: they confirm the assignment themselves."),
    )
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], description=_l("Kept in the audit trail.")
    )

    MONITORS = (
        "understands_capabilities_limits",
        "aware_of_automation_bias",
        "interprets_output",
        "can_disregard_override_reverse",
        "can_interrupt_stop",
    )

    def _ref(self, prefix: str) -> dict | None:
        kind = getattr(self, f"{prefix}_kind").data
        if kind == "none":
            return None
        if kind == "user":
            return {"user_id": getattr(self, f"{prefix}_user_id").data}
        return {
            name: text_or_none(getattr(self, f"{prefix}_{name}").data)
            for name in ("name", "title", "unit", "contact")
        }

    # The service names the owner and the deputy as a whole ("person", "deputy"): its refusal stands beside
    # the choice of who it is (web.forms.show_errors looks the field up by that name).
    person = property(lambda self: self.person_kind)
    deputy = property(lambda self: self.deputy_kind)

    def validate(self, extra_validators=None) -> bool:
        """The kind chosen names what is needed: an account, or a person's name."""
        valid = super().validate(extra_validators)
        for prefix in ("person", "deputy"):
            needed = {"user": f"{prefix}_user_id", "person": f"{prefix}_name"}.get(getattr(self, f"{prefix}_kind").data)
            if needed is not None and text_or_none(getattr(self, needed).data) is None:
                getattr(self, needed).errors.append(_("Field may not be null."))
                valid = False
        return valid

    def values(self) -> dict:
        data = values_of(self, ("competence", "training", "training_completed_on", "accepted_on", "reason"))
        data["person"] = self._ref("person")
        data["deputy"] = self._ref("deputy")
        data["authority_to_suspend"] = bool(self.authority_to_suspend.data)
        data["monitors"] = {name: bool(getattr(self, name).data) for name in self.MONITORS}
        for name in ("accepted_on", "reason"):  # a blank acceptance keeps the staying person's
            if data[name] is None:
                data.pop(name)
        return data

    def fill_from(self, assignment) -> None:
        for prefix, user, person in (
            ("person", assignment.user, assignment.person),
            ("deputy", assignment.deputy_user, assignment.deputy_person),
        ):
            if user is not None:
                getattr(self, f"{prefix}_kind").data = "user"
                getattr(self, f"{prefix}_user_id").data = user.id
            elif person is not None:
                getattr(self, f"{prefix}_kind").data = "person"
                for name in ("name", "title", "unit", "contact"):
                    getattr(self, f"{prefix}_{name}").data = getattr(person, name)
        for name in (
            "competence",
            "training",
            "training_completed_on",
            "authority_to_suspend",
            "accepted_on",
            *self.MONITORS,
        ):
            getattr(self, name).data = getattr(assignment, name)


class ConfirmForm(FlaskForm):
    confirmed_on = DateField(
        _l("Confirmed on"), validators=[Optional()], description=_l("Defaults to today.")
    )
    reason = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def values(self) -> dict:
        return values_of(self, ("confirmed_on", "reason"))
