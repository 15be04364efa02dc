"""Shapes of the supplier register's API bodies and answers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ai_register.apikit import PageArgsSchema, StrictSchema, UtcDateTime, page_schema, text_field
from ai_register.extensions import ID_RANGE
from ai_register.suppliers import rules

# Shapes only: what a country code, a web address, an e-mail address and a notified body's number must be
# is the supplier service's rule (suppliers/rules.py, ai_register/addresses.py); the spec declares the
# formats it states.


class ContactSchema(StrictSchema):
    role = ma.fields.String(required=True, validate=validate.OneOf(rules.CONTACT_ROLES), metadata={
        "description": "contract, vigilance (the provider's post-market / vigilance contact for incidents), "
                       "data_protection, support or other"})
    name = text_field(200)
    email = ma.fields.String(allow_none=True, validate=validate.Length(max=254), metadata={"format": "email"})
    phone = text_field(50)


class SupplierWriteSchema(StrictSchema):
    name = ma.fields.String(validate=validate.Length(min=1, max=200))
    org_number = text_field(40, "Organisation number (organisationsnummer, or the foreign registration number)")
    country = ma.fields.String(allow_none=True, metadata={"description": "Seat, ISO alpha-2"})
    website = text_field(500)
    contacts = ma.fields.List(ma.fields.Nested(ContactSchema), validate=validate.Length(max=20))
    processing_countries = ma.fields.List(ma.fields.String(), validate=validate.Length(max=50),
                                          metadata={"description": "Where the region's data are processed "
                                                                   "(ISO alpha-2), sub-processors included"})
    transfer_basis = ma.fields.String(allow_none=True, validate=validate.OneOf(rules.TRANSFER_BASES), metadata={
        "description": "Legal basis of a transfer outside the EU/EEA (GDPR chapter V); required when a "
                       "processing country is outside the EU/EEA"})
    transfer_note = text_field(5000, "E.g. which adequacy decision, the SCC module, a transfer impact assessment")
    note = text_field(10000)
    reason = ma.fields.String(validate=validate.Length(max=2000), metadata={"description": "Kept in the audit trail"})


class SupplierCreateSchema(SupplierWriteSchema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class ProductWriteSchema(StrictSchema):
    product = ma.fields.String(validate=validate.Length(min=1, max=200))
    product_version = ma.fields.String(validate=validate.Length(min=1, max=100))
    device_regulation = ma.fields.String(allow_none=True, validate=validate.OneOf(rules.DEVICE_REGULATIONS))
    device_class = ma.fields.String(allow_none=True, validate=validate.OneOf(rules.DEVICE_CLASSES),
                                    metadata={"description": "The class the manufacturer declares"})
    udi_di = text_field(100, "Basic UDI-DI / UDI-DI")
    eu_database_number = text_field(100, "AI Act Art 49: the provider's registration number in the EU database")
    art6_3_exemption_claimed = ma.fields.Boolean(metadata={
        "description": "The provider claims an Art 6(3) exemption (its Art 6(4) documentation is then a document)"})
    note = text_field(10000)
    reason = ma.fields.String(validate=validate.Length(max=2000))


class ProductCreateSchema(ProductWriteSchema):
    product = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    product_version = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))


class DocumentWriteSchema(StrictSchema):
    product_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE, metadata={
        "description": "The product version (for its documents); none for a contract or a DPA"})
    kind = ma.fields.String(validate=validate.OneOf(rules.DOCUMENT_KINDS))
    title = ma.fields.String(validate=validate.Length(min=1, max=300))
    reference = text_field(200, "Contract, certificate or document number")
    issued_on = ma.fields.Date(allow_none=True, metadata={"description": "Signed (agreement) or issued"})
    valid_until = ma.fields.Date(allow_none=True, metadata={"description": "The last day it is valid"})
    regulation = ma.fields.String(allow_none=True, validate=validate.OneOf(rules.DEVICE_REGULATIONS))
    notified_body_name = text_field(200)
    notified_body_number = ma.fields.String(allow_none=True,
                                            metadata={"pattern": rules.NOTIFIED_BODY_NUMBER.pattern})
    link = text_field(500)
    evidence_id = ma.fields.Integer(allow_none=True, validate=ID_RANGE,
                                    metadata={"description": "The document uploaded as evidence of a solution"})
    note = text_field(10000)
    withdrawn_on = ma.fields.Date(allow_none=True, metadata={
        "description": "The day it stopped holding (kept, counts no more); needs withdrawn_reason"})
    withdrawn_reason = text_field(2000)
    reason = ma.fields.String(validate=validate.Length(max=2000))


class DocumentCreateSchema(DocumentWriteSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(rules.DOCUMENT_KINDS))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))


class LinkWriteSchema(StrictSchema):
    product_id = ma.fields.Integer(required=True, allow_none=True, validate=ID_RANGE, metadata={
        "description": "The supplier's product version the solution uses; null clears the link"})
    reason = ma.fields.String(validate=validate.Length(max=2000))


class SupplierListArgsSchema(PageArgsSchema):
    q = ma.fields.String(validate=validate.Length(max=200), metadata={"description": "Name or org number"})


class DocumentListArgsSchema(PageArgsSchema):
    state = ma.fields.String(validate=validate.OneOf(("expiring", "expired", "attention")), metadata={
        "description": "attention: expired or expiring within the warning window (AI_REGISTER_SUPPLIER_EXPIRY_"
                       "WARNING_DAYS) and used by a solution"})


# --------------------------------------------------------------------------- answers


class ContactOutSchema(ma.Schema):
    role = ma.fields.String(required=True)
    name = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    supplier_id = ma.fields.Integer(required=True)
    product_id = ma.fields.Integer(allow_none=True)
    kind = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    reference = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date(allow_none=True)
    valid_until = ma.fields.Date(allow_none=True)
    regulation = ma.fields.String(allow_none=True)
    notified_body_name = ma.fields.String(allow_none=True)
    notified_body_number = ma.fields.String(allow_none=True)
    link = ma.fields.String(allow_none=True)
    evidence_id = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
    withdrawn_on = ma.fields.Date(allow_none=True)
    withdrawn_reason = ma.fields.String(allow_none=True)
    expiry = ma.fields.String(allow_none=True, metadata={"description": "expired, expiring or null"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    version = ma.fields.Integer(required=True)


class ProductSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    supplier_id = ma.fields.Integer(required=True)
    product = ma.fields.String(required=True)
    product_version = ma.fields.String(required=True)
    device_regulation = ma.fields.String(allow_none=True)
    device_class = ma.fields.String(allow_none=True)
    udi_di = ma.fields.String(allow_none=True)
    eu_database_number = ma.fields.String(allow_none=True)
    art6_3_exemption_claimed = ma.fields.Boolean(required=True)
    note = ma.fields.String(allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(DocumentSchema), required=True)
    solution_ids = ma.fields.List(ma.fields.Integer(), required=True,
                                  metadata={"description": "The solutions (that you may see) using this version"})
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    version = ma.fields.Integer(required=True)


class SupplierSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    org_number = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    processing_countries = ma.fields.List(ma.fields.String(), required=True)
    transfer_basis = ma.fields.String(allow_none=True)
    version = ma.fields.Integer(required=True)


class SupplierSchema(SupplierSummarySchema):
    website = ma.fields.String(allow_none=True)
    contacts = ma.fields.List(ma.fields.Nested(ContactOutSchema), required=True)
    transfer_note = ma.fields.String(allow_none=True)
    outside_eu_eea = ma.fields.List(ma.fields.String(), required=True)
    note = ma.fields.String(allow_none=True)
    agreements = ma.fields.List(ma.fields.Nested(DocumentSchema), required=True)
    products = ma.fields.List(ma.fields.Nested(ProductSchema), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


SupplierListSchema = page_schema(SupplierSummarySchema, "SupplierListSchema")


class AttentionSchema(ma.Schema):
    document = ma.fields.Nested(DocumentSchema, required=True)
    supplier_name = ma.fields.String(required=True)
    solution_ids = ma.fields.List(ma.fields.Integer(), required=True)


AttentionListSchema = page_schema(AttentionSchema, "AttentionListSchema")


class SolutionSupplierSchema(ma.Schema):
    solution_id = ma.fields.Integer(required=True)
    sourcing = ma.fields.String(required=True)
    product = ma.fields.Nested(ProductSchema, allow_none=True)
    supplier = ma.fields.Nested(SupplierSummarySchema, allow_none=True)
    agreements = ma.fields.List(ma.fields.Nested(DocumentSchema), required=True)
    vigilance_contact = ma.fields.Nested(ContactOutSchema, allow_none=True)
    linked_at = UtcDateTime(allow_none=True)
    version = ma.fields.Integer(allow_none=True, metadata={"description": "The link's version (its ETag)"})
