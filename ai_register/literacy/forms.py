from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ai_register.web.forms import LinesField, int_or_none, options

KIND_LABELS = {"training": _l("Training"), "instructions": _l("Instructions"),
               "supervised_start": _l("Supervised start"), "other": _l("Other")}


class LiteracyForm(FlaskForm):
    kind = SelectField(_l("What"), choices=options(KIND_LABELS.items()), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)],
                        description=_l("E.g. “Introduktion till LungTriage för röntgenläkare”."))
    description = TextAreaField(_l("Content"), validators=[Optional(), Length(max=10000)],
                                description=_l("What it covers: capabilities and limits, automation bias, when to "
                                               "disregard the output, how to report a deviation."))
    user_groups = LinesField(_l("For whom (one user group a line)"), validators=[Optional()])
    care_units = LinesField(_l("Care units reached (one a line)"), validators=[Optional()],
                            description=_l("A region-wide measure without care units reaches every unit."))
    held_on = DateField(_l("When"), validators=[DataRequired()])
    reached = IntegerField(_l("People reached"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    material_evidence_id = SelectField(_l("Material (evidence)"), coerce=int_or_none, validators=[Optional()])
    material_link = StringField(_l("Link to the material"), validators=[Optional(), Length(max=500)])

    def payload(self) -> dict:
        return {"kind": self.kind.data, "title": (self.title.data or "").strip(),
                "description": (self.description.data or "").strip() or None,
                "user_groups": self.user_groups.data or [], "care_units": self.care_units.data or [],
                "held_on": self.held_on.data.isoformat() if self.held_on.data else None,
                "reached": self.reached.data, "material_evidence_id": self.material_evidence_id.data,
                "material_link": (self.material_link.data or "").strip() or None}
