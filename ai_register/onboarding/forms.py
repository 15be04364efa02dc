from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet"), validators=[FileRequired()],
                     description=_l(".xlsx or .csv following the template, at most 20 MB."))
    dry_run = BooleanField(_l("Dry run: check every row and show the result, write nothing"), default=True)
    submit = SubmitField(_l("Import"))
