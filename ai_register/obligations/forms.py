"""The form of an obligation's status (the labels of its codes are in labels.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ai_register.obligations.labels import STATUS_LABELS
from ai_register.web.forms import options


class ObligationForm(FlaskForm):
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS.items()), validators=[DataRequired()])
    met_by = SelectField(
        _l("Met by"), validators=[Optional()],
        description=_l("The evidence or the register's record that shows the obligation is met. Required for “Met”. "
                       "The supplier register's documents are offered where they fit the obligation."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])
    not_applicable_reason = TextAreaField(
        _l("Why it does not apply"), validators=[Optional(), Length(max=10000)],
        description=_l("Required for “Not applicable”; a compliance officer other than you confirms it."))
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)],
                         description=_l("Kept in the audit trail."))

    def values(self) -> dict:
        """What the obligations service takes: the status, what meets it (the choice's evidence or record),
        the texts (blank as None). The choices come from the solution's own records."""
        kind, _, ident = (self.met_by.data or "").partition(":")
        data = {"status": self.status.data, "evidence_id": None, "record_type": None, "record_id": None,
                "note": (self.note.data or "").strip() or None,
                "not_applicable_reason": (self.not_applicable_reason.data or "").strip() or None,
                "reason": (self.reason.data or "").strip() or None}
        if kind == "evidence" and ident.isdigit():
            data["evidence_id"] = int(ident)
        elif kind and ident.isdigit():
            data["record_type"], data["record_id"] = kind, int(ident)
        return data
