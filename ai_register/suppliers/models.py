"""The supplier register. Nothing is hard-deleted: a document that no longer holds is withdrawn (with the
day and why), a solution's link to a product version is changed or cleared; every change is audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.users.models import User, utcnow


class Supplier(db.Model):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    org_number: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(500))
    # [{role, name, email, phone}], see rules.CONTACT_ROLES
    contacts: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Where the supplier (and its sub-processors) process the region's data, ISO 3166-1 alpha-2.
    processing_countries: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    transfer_basis: Mapped[str | None] = mapped_column(String(40))
    transfer_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    __mapper_args__ = {"version_id_col": version}


class SupplierProduct(db.Model):
    """One product in one version, as the provider places it on the market."""

    __tablename__ = "supplier_products"
    __table_args__ = (UniqueConstraint("supplier_id", "product", "product_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), nullable=False, index=True)
    product: Mapped[str] = mapped_column(String(200), nullable=False)
    product_version: Mapped[str] = mapped_column(String(100), nullable=False)
    device_regulation: Mapped[str | None] = mapped_column(String(8))
    device_class: Mapped[str | None] = mapped_column(String(16))
    udi_di: Mapped[str | None] = mapped_column(String(100))
    # AI Act Art 49: the provider's registration in the EU database.
    eu_database_number: Mapped[str | None] = mapped_column(String(100))
    # AI Act Art 6(3): the provider claims the Annex III system is not high-risk (documented under Art 6(4)).
    art6_3_exemption_claimed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    supplier: Mapped[Supplier] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def solution_names(self) -> dict[str, str]:
        """The supplier, product and version a solution using this product version carries in its own fields
        (set when it is linked or the register renames them; another value is refused while it is linked)."""
        return {"supplier": self.supplier.name, "product": self.product, "product_version": self.product_version}


class SupplierDocument(db.Model):
    """A contract or data-processing agreement of the supplier, or a document of one product version."""

    __tablename__ = "supplier_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), nullable=False, index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_products.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(200))
    # Signed (an agreement) or issued (a certificate, a declaration); the last day it is valid.
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    regulation: Mapped[str | None] = mapped_column(String(8))
    notified_body_name: Mapped[str | None] = mapped_column(String(200))
    notified_body_number: Mapped[str | None] = mapped_column(String(8))
    link: Mapped[str | None] = mapped_column(String(500))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    note: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    supplier: Mapped[Supplier] = relationship()
    product: Mapped[SupplierProduct | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SolutionSupplierProduct(db.Model):
    """Which supplier's product version a solution uses (none: made in-house, or not yet linked)."""

    __tablename__ = "solution_supplier_products"

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id"), primary_key=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_products.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    product: Mapped[SupplierProduct | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def id(self) -> int:
        return self.solution_id
