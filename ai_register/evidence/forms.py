"""The evidence form of the web pages (with its file; the API's schema checks it again)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ai_register.web.forms import int_or_none, values_of


class EvidenceForm(FlaskForm):
    type = SelectField(_l("Type of evidence"), validators=[DataRequired()])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("E.g. “DPIA for the chest X-ray triage, version 2”."),
    )
    reference = StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=200)],
        description=_l("Certificate number, EUDAMED or EU-database id, UDI-DI or document number."),
    )
    issued_on = DateField(_l("Issued on"), validators=[DataRequired()])
    expires_on = DateField(
        _l("Expires on"),
        validators=[Optional()],
        description=_l("The last day it is valid. Leave empty if it does not expire."),
    )
    issuer = StringField(
        _l("Issued by"),
        validators=[Optional(), Length(max=200)],
        description=_l("E.g. the notified body or the supplier."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])
    supersedes = SelectField(
        _l("Replaces"),
        coerce=int_or_none,
        validators=[Optional()],
        description=_l("An earlier record this one replaces; it then no longer counts."),
    )
    file = FileField(_l("File"), description=_l("PDF, PNG, JPEG, TXT, DOCX or XLSX, at most 20 MB."))
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], description=_l("Kept in the audit trail.")
    )

    def values(self) -> dict:
        return values_of(self, ("type", "title", "reference", "issued_on", "expires_on", "issuer", "note",
                                "supersedes", "reason"))
