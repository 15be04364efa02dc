"""The form of a solution's public description: the region's plain words, in Swedish and English."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from ai_register.public.services import FIELDS
from ai_register.web.forms import values_of

LONG = 2000


def _text(label, description=None):
    return TextAreaField(label, validators=[Optional(), Length(max=LONG)],
                         description=description, render_kw={"rows": 4})


class PublicDescriptionForm(FlaskForm):
    what_sv = _text(_l("What it does and how it is used (Swedish)"),
                    _l("For example: “Lösningen tittar på röntgenbilder och markerar dem som kan visa något "
                       "allvarligt. Läkaren bedömer alltid varje bild själv.”"))
    what_en = _text(_l("What it does and how it is used (English)"))
    why_sv = _text(_l("Why the region needs it (Swedish)"))
    why_en = _text(_l("Why the region needs it (English)"))
    data_sv = _text(_l("Which information it uses (Swedish)"),
                    _l("Which kinds of information, and where they come from (for example the medical record). "
                       "Never information about a particular person."))
    data_en = _text(_l("Which information it uses (English)"))
    legal_basis_sv = _text(_l("Legal basis (Swedish)"),
                           _l("The laws that allow the region to use the information, explained in a sentence."))
    legal_basis_en = _text(_l("Legal basis (English)"))
    contact = StringField(_l("Contact for questions"), validators=[Optional(), Length(max=200)],
                          description=_l("A function's mailbox or telephone number, not a person's."))

    def values(self) -> dict:
        """The texts as the public-description service takes them (blank is None); the service refuses a
        personal identity number, for the API and this page alike."""
        return values_of(self, FIELDS)

    def fill(self, description) -> None:
        for name in FIELDS:
            getattr(self, name).data = getattr(description, name) if description is not None else None
