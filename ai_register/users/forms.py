from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional

from ai_register.users.labels import role_label
from ai_register.web.forms import options


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=12, max=1024)],
                                 description=_l("At least 12 characters. Every other signed-in browser is signed "
                                                "out when you change it."))
    confirm_password = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


# --------------------------------------------------------------------------- administration and own password


def role_choices() -> list[tuple[str, str]]:
    return [(role, role_label(role)) for role in ROLE_ORDER]


ROLE_ORDER = ("staff", "owner", "compliance", "auditor", "admin")


class AccountForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = RadioField(_l("Role"), validators=[InputRequired()], choices=[])
    delivery = RadioField(
        _l("First password"),
        validators=[InputRequired()],
        choices=options([("link", _l("E-mail a link to set a password (valid 72 hours, works once)")),
                         ("password", _l("Show a one-time password that I hand over; "
                                         "the person chooses their own at first sign-in"))]),
        default="password",
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[InputRequired()], choices=[])
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=500)],
        description=_l("Kept in the audit trail, for example the decision or ticket behind the change."))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


PASSWORD_HELP = _l("At least 12 characters. A few unrelated words are easy to remember and hard to guess.")


class SetPasswordForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=12, max=1024)],
                        description=PASSWORD_HELP)
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))])


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Say what uses it, for example “nightly export to the portfolio report”."),
    )
    expires_in_days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[DataRequired(), NumberRange(min=1, max=365)],
        description=_l("Between 1 and 365 days. You can revoke it at any time."),
    )
