"""Forms of the supplier register: the supplier, a product version, a document, a solution's link. A form
parses shapes (required, lengths, dates, choices); its `values()` go to the supplier service as they are,
which owns the domain's checks (country codes, web and e-mail addresses, a notified body's number, transfers
outside the EU/EEA, documents and their product versions)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ai_register.suppliers import rules
from ai_register.suppliers.labels import CONTACT_ROLE_LABELS, DOCUMENT_LABELS, REGULATION_LABELS, TRANSFER_LABELS
from ai_register.web.forms import int_or_none, options, values_of

CONTACT_ROWS = 4



def _country_list(text: str | None) -> list[str]:
    """Codes typed separated by commas (or semicolons), as a list; blanks left out."""
    return [code.strip() for code in (text or "").replace(";", ",").split(",") if code.strip()]


def _countries_fit(form, field) -> None:
    if len(_country_list(field.data)) > 50:
        raise ValidationError(_l("At most 50 countries."))


class ContactForm(Form):
    role = SelectField(_l("Role"), choices=options(CONTACT_ROLE_LABELS.items()), validators=[Optional()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])


class SupplierForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    org_number = StringField(_l("Organisation number"), validators=[Optional(), Length(max=40)],
                             description=_l("Organisationsnummer, or the foreign company's registration number."))
    country = StringField(_l("Country of the seat"), validators=[Optional(), Length(max=2)],
                          description=_l("Two-letter code, e.g. SE."))
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    contacts = FieldList(FormField(ContactForm), _l("Contact"), min_entries=CONTACT_ROWS, max_entries=CONTACT_ROWS)
    processing_countries = StringField(
        _l("Countries where the region's data are processed"), validators=[Optional(), Length(max=300), _countries_fit],
        description=_l("Two-letter codes separated by commas, sub-processors included, e.g. SE, IE, US."))
    transfer_basis = SelectField(_l("Legal basis of a transfer outside the EU/EEA"), validators=[Optional()],
                                 choices=options([("", "—"), *TRANSFER_LABELS.items()]),
                                 description=_l("Required when a country is outside the EU/EEA (GDPR chapter V)."))
    transfer_note = TextAreaField(_l("About the transfer"), validators=[Optional(), Length(max=5000)],
                                  description=_l("E.g. which adequacy decision, the SCC module, the transfer impact "
                                                 "assessment."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)],
                         description=_l("Kept in the audit trail."))

    def fill_contacts(self, contacts) -> None:
        for row, contact in zip(self.contacts, contacts or [], strict=False):
            for name in ("role", "name", "email", "phone"):
                getattr(row.form, name).data = contact.get(name)

    def values(self) -> dict:
        """What the supplier service takes: the texts (blank as None), every contact row as typed (the service
        keeps those with a name, an e-mail or a phone, and names a wrong one by its row), the countries as a
        list."""
        data = values_of(self, ("name", "org_number", "country", "website", "transfer_basis", "transfer_note",
                                "note", "reason"))
        data["contacts"] = [{**values_of(row.form, ("name", "email", "phone")), "role": row.form.role.data or "other"}
                            for row in self.contacts]
        data["processing_countries"] = _country_list(self.processing_countries.data)
        return data


class ProductForm(FlaskForm):
    product = StringField(_l("Product"), validators=[DataRequired(), Length(max=200)])
    product_version = StringField(_l("Version"), validators=[DataRequired(), Length(max=100)])
    device_regulation = SelectField(_l("Medical-device regulation"), validators=[Optional()],
                                    choices=options([("", _l("Not a medical device")), *REGULATION_LABELS.items()]))
    device_class = SelectField(_l("Device class the manufacturer declares"), validators=[Optional()],
                               choices=options([("", "—"), *[(c, c.replace("_", " ")) for c in rules.DEVICE_CLASSES]]))
    udi_di = StringField(_l("Basic UDI-DI / UDI-DI"), validators=[Optional(), Length(max=100)])
    eu_database_number = StringField(_l("Registration number in the EU database (AI Act Art 49)"),
                                     validators=[Optional(), Length(max=100)])
    art6_3_exemption_claimed = BooleanField(_l("The provider claims the system is not high-risk (Art 6(3))"),
                                            description=_l("Record the provider's Art 6(4) documentation as a "
                                                           "document of this version."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])

    def values(self) -> dict:
        data = values_of(self, ("product", "product_version", "device_regulation", "device_class", "udi_di",
                                "eu_database_number", "note"))
        return {**data, "art6_3_exemption_claimed": bool(self.art6_3_exemption_claimed.data)}


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options(DOCUMENT_LABELS.items()), validators=[DataRequired()])
    product_id = SelectField(_l("Product version"), coerce=int_or_none, validators=[Optional()],
                             description=_l("Contracts and data processing agreements belong to the supplier; "
                                            "the other documents to one product version."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    reference = StringField(_l("Number"), validators=[Optional(), Length(max=200)],
                            description=_l("Contract, certificate or document number."))
    issued_on = DateField(_l("Signed or issued"), validators=[Optional()])
    valid_until = DateField(_l("Valid until (last day)"), validators=[Optional()])
    regulation = SelectField(_l("Regulation"), validators=[Optional()],
                             choices=options([("", "—"), *REGULATION_LABELS.items()]))
    notified_body_name = StringField(_l("Notified body"), validators=[Optional(), Length(max=200)])
    notified_body_number = StringField(_l("Notified body number"), validators=[Optional(), Length(max=8)],
                                       description=_l("Four digits (NANDO), e.g. 2797."))
    link = StringField(_l("Link to the document"), validators=[Optional(), Length(max=500)])
    evidence_id = SelectField(_l("Uploaded as evidence"), coerce=int_or_none, validators=[Optional()],
                              description=_l("The document uploaded as evidence of a solution that uses it."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[Optional()],
                             description=_l("A document is never deleted: from this day it no longer counts."))
    withdrawn_reason = StringField(_l("Why it was withdrawn"), validators=[Optional(), Length(max=2000)])

    is_new = True

    def values(self) -> dict:
        """A new document names its product version; an existing one stays with it and may be withdrawn."""
        names = ("kind", "title", "reference", "issued_on", "valid_until", "regulation", "notified_body_name",
                 "notified_body_number", "link", "evidence_id", "note")
        names += ("product_id",) if self.is_new else ("withdrawn_on", "withdrawn_reason")
        return values_of(self, names)


class LinkForm(FlaskForm):
    product_id = SelectField(_l("Product version"), coerce=int_or_none, validators=[Optional()])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=2000)])

    def values(self) -> dict:
        return values_of(self, ("product_id", "reason"))
