from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ai_register.literacy.labels import KIND_LABELS
from ai_register.web.forms import LinesField, int_or_none, options, values_of


def _names_fit(form, field) -> None:
    """A list of names as the register keeps it: at most 100 names of at most 200 characters."""
    names = field.data or []
    if len(names) > 100 or any(len(name) > 200 for name in names):
        raise ValidationError(_l("At most 100 names, one a line, each at most 200 characters."))


class LiteracyForm(FlaskForm):
    kind = SelectField(_l("What"), choices=options(KIND_LABELS.items()), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        description=_l("E.g. “Introduktion till LungTriage för röntgenläkare”."))
    description = TextAreaField(_l("Content"), validators=[Optional(), Length(max=10000)],
                                description=_l("What it covers: capabilities and limits, automation bias, when to "
                                               "disregard the output, how to report a deviation."))
    user_groups = LinesField(_l("For whom (one user group a line)"), validators=[Optional(), _names_fit])
    care_units = LinesField(_l("Care units reached (one a line)"), validators=[Optional(), _names_fit],
                            description=_l("A region-wide measure without care units reaches every unit."))
    held_on = DateField(_l("When"), validators=[DataRequired()])
    reached = IntegerField(_l("People reached"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    material_evidence_id = SelectField(_l("Material (evidence)"), coerce=int_or_none, validators=[Optional()])
    material_link = StringField(_l("Link to the material"), validators=[Optional(), Length(max=500)])

    def values(self) -> dict:
        """What the literacy service takes: the choices, the date, the lists, the texts (blank as None)."""
        data = values_of(self, ("kind", "title", "description", "held_on", "reached", "material_evidence_id",
                                "material_link"))
        return {**data, "user_groups": self.user_groups.data or [], "care_units": self.care_units.data or []}
