"""/api/v1: the supplier register (suppliers, product versions, their documents) and a solution's link to
the product version it uses."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from ai_register.apikit import page_of
from ai_register.extensions import db
from ai_register.preconditions import etag, etag_header, if_match_parameter
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import get_solution, visible_solution_ids
from ai_register.solutions.services import region_today
from ai_register.suppliers import rules, services
from ai_register.suppliers.schemas import (
    AttentionListSchema,
    DocumentCreateSchema,
    DocumentListArgsSchema,
    DocumentSchema,
    DocumentWriteSchema,
    LinkWriteSchema,
    ProductCreateSchema,
    ProductSchema,
    ProductWriteSchema,
    SolutionSupplierSchema,
    SupplierCreateSchema,
    SupplierListArgsSchema,
    SupplierListSchema,
    SupplierSchema,
    SupplierWriteSchema,
)

blp = Blueprint("suppliers_api", __name__, url_prefix="/api/v1",
                description="Supplier register: organisations, contacts, agreements (DPAs), transfers outside the "
                            "EU/EEA, product versions with their declaration of conformity, CE certificate, "
                            "instructions for use and EU-database registration")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)


def document_item(document) -> dict:
    data = {name: getattr(document, name) for name in DocumentSchema().fields if hasattr(document, name)}
    data["expiry"] = services.expiry_state(document, region_today())
    return data


def product_item(product, by) -> dict:
    data = {name: getattr(product, name) for name in ProductSchema().fields if hasattr(product, name)}
    data["documents"] = [document_item(d) for d in services.documents_of(product.supplier_id, product_id=product.id)]
    data["solution_ids"] = [s.id for s in services.visible_solutions_using(product.supplier_id, by,
                                                                           product_id=product.id)]
    return data


def supplier_item(supplier, by) -> dict:
    data = {name: getattr(supplier, name) for name in SupplierSchema().fields if hasattr(supplier, name)}
    data["outside_eu_eea"] = rules.outside_eu_eea(supplier.processing_countries or [])
    data["agreements"] = [document_item(d) for d in services.documents_of(supplier.id, agreements_only=True)]
    data["products"] = [product_item(p, by) for p in services.products_of(supplier.id)]
    return data


@blp.route("/suppliers")
class Suppliers(MethodView):
    @access(*READERS)
    @blp.arguments(SupplierListArgsSchema, location="query")
    @blp.response(200, SupplierListSchema)
    def get(self, args):
        """The region's suppliers by name; `q` filters by name or organisation number."""
        services.require_reader(actor())
        return page_of(services.suppliers_query(args.get("q")), args)

    @access(*WRITERS)
    @blp.arguments(SupplierCreateSchema)
    @blp.response(201, SupplierSchema, headers=etag_header("supplier"))
    def post(self, body):
        """Register a supplier. A processing country outside the EU/EEA needs `transfer_basis` (422)."""
        by = actor()
        supplier = services.create_supplier(body, by)
        db.session.flush()
        return supplier_item(supplier, by), 201, {"ETag": etag(supplier.version)}


@blp.route("/suppliers/<int:supplier_id>")
class SupplierResource(MethodView):
    @access(*READERS)
    @blp.response(200, SupplierSchema, headers=etag_header("supplier"))
    def get(self, supplier_id: int):
        """The supplier with its agreements, product versions and their documents."""
        by = actor()
        supplier = services.get_supplier(supplier_id, by)
        return supplier_item(supplier, by), 200, {"ETag": etag(supplier.version)}

    @access(*WRITERS)
    @blp.arguments(SupplierWriteSchema)
    @blp.doc(parameters=[if_match_parameter("supplier")])
    @blp.response(200, SupplierSchema, headers=etag_header("supplier"))
    def patch(self, body, supplier_id: int):
        """Change the supplier (If-Match): compliance, who registered it, or an owner of a solution using it."""
        by = actor()
        supplier = services.update_supplier(services.get_supplier(supplier_id, by), body, by,
                                            request.headers.get("If-Match"))
        db.session.flush()
        return supplier_item(supplier, by), 200, {"ETag": etag(supplier.version)}


@blp.route("/suppliers/<int:supplier_id>/products", methods=["POST"])
@access(*WRITERS)
@blp.arguments(ProductCreateSchema)
@blp.response(201, ProductSchema, headers=etag_header("product version"))
def create_product(body, supplier_id: int):
    """Register one version of a product of the supplier."""
    by = actor()
    product = services.create_product(services.get_supplier(supplier_id, by), body, by)
    db.session.flush()
    return product_item(product, by), 201, {"ETag": etag(product.version)}


@blp.route("/supplier-products/<int:product_id>")
class ProductResource(MethodView):
    @access(*READERS)
    @blp.response(200, ProductSchema, headers=etag_header("product version"))
    def get(self, product_id: int):
        """The product version with its documents and the solutions using it."""
        by = actor()
        product = services.get_product(product_id, by)
        return product_item(product, by), 200, {"ETag": etag(product.version)}

    @access(*WRITERS)
    @blp.arguments(ProductWriteSchema)
    @blp.doc(parameters=[if_match_parameter("product version")])
    @blp.response(200, ProductSchema, headers=etag_header("product version"))
    def patch(self, body, product_id: int):
        """Change the product version (If-Match)."""
        by = actor()
        product = services.update_product(services.get_product(product_id, by), body, by,
                                          request.headers.get("If-Match"))
        db.session.flush()
        return product_item(product, by), 200, {"ETag": etag(product.version)}


@blp.route("/suppliers/<int:supplier_id>/documents", methods=["POST"])
@access(*WRITERS)
@blp.arguments(DocumentCreateSchema)
@blp.response(201, DocumentSchema, headers=etag_header("supplier document"))
def create_document(body, supplier_id: int):
    """Record a contract or DPA of the supplier, or (with `product_id`) a document of a product version: its
    instructions for use, EU declaration of conformity, CE certificate (notified body and number, last valid
    day required) or Art 6(4) documentation."""
    by = actor()
    document = services.create_document(services.get_supplier(supplier_id, by), body, by)
    db.session.flush()
    return document_item(document), 201, {"ETag": etag(document.version)}


@blp.route("/supplier-documents", methods=["GET"])
@access(*READERS)
@blp.arguments(DocumentListArgsSchema, location="query")
@blp.response(200, AttentionListSchema)
def list_documents(args):
    """Supplier documents that need attention: expired, or expiring within the warning window, with the
    solutions (that you may see) using them. Without `state`, both."""
    by = actor()
    services.require_reader(by)

    grouped: dict[int, dict] = {}
    for row in services.attention(region_today(), scope=visible_solution_ids(by)):
        if args.get("state") in (rules.EXPIRED, rules.EXPIRING) and row.state != args["state"]:
            continue
        entry = grouped.setdefault(row.document.id, {"document": document_item(row.document),
                                                     "supplier_name": row.document.supplier.name,
                                                     "solution_ids": []})
        entry["solution_ids"].append(row.solution.id)
    return page_of(list(grouped.values()), args)


@blp.route("/supplier-documents/<int:document_id>")
class DocumentResource(MethodView):
    @access(*READERS)
    @blp.response(200, DocumentSchema, headers=etag_header("supplier document"))
    def get(self, document_id: int):
        """One supplier document."""
        document = services.get_document(document_id, actor())
        return document_item(document), 200, {"ETag": etag(document.version)}

    @access(*WRITERS)
    @blp.arguments(DocumentWriteSchema)
    @blp.doc(parameters=[if_match_parameter("supplier document")])
    @blp.response(200, DocumentSchema, headers=etag_header("supplier document"))
    def patch(self, body, document_id: int):
        """Correct or renew a document, or withdraw it (`withdrawn_on` with `withdrawn_reason`): documents are
        never deleted (If-Match)."""
        by = actor()
        document = services.update_document(services.get_document(document_id, by), body, by,
                                            request.headers.get("If-Match"))
        db.session.flush()
        return document_item(document), 200, {"ETag": etag(document.version)}


def solution_supplier_item(solution, by) -> dict:
    link = services.link_of(solution.id)
    product = link.product if link is not None else None
    contact = services.vigilance_contact(solution.id)
    return {
        "solution_id": solution.id, "sourcing": solution.sourcing,
        "product": product_item(product, by) if product is not None else None,
        "supplier": product.supplier if product is not None else None,
        "agreements": [document_item(d) for d in services.documents_of(product.supplier_id, agreements_only=True)]
        if product is not None else [],
        "vigilance_contact": {"role": rules.VIGILANCE, **{k: contact.get(k) for k in ("name", "email", "phone")}}
        if contact and contact.get("vigilance") else None,
        "linked_at": link.linked_at if link is not None else None,
        "version": link.version if link is not None else None,
    }


@blp.route("/solutions/<int:solution_id>/supplier")
class SolutionSupplier(MethodView):
    @access(*READERS)
    @blp.response(200, SolutionSupplierSchema, headers=etag_header("supplier link"))
    def get(self, solution_id: int):
        """The supplier's product version the solution uses, with its documents and the supplier's agreements;
        `product` null for an in-house solution or one not yet linked."""
        by = actor()
        solution = get_solution(solution_id, by)
        link = services.link_of(solution.id)
        return solution_supplier_item(solution, by), 200, {"ETag": etag(link.version if link else 0)}

    @access(*WRITERS)
    @blp.arguments(LinkWriteSchema)
    @blp.doc(parameters=[if_match_parameter("supplier link (\"0\" before the first link)")])
    @blp.response(200, SolutionSupplierSchema, headers=etag_header("supplier link"))
    def put(self, body, solution_id: int):
        """Link the solution to the product version it uses (null clears it); in-house solutions use none (422)."""
        by = actor()
        solution = get_solution(solution_id, by, write=True)
        link = services.link_solution(solution, body["product_id"], by, request.headers.get("If-Match"),
                                      body.get("reason"))
        db.session.flush()
        return solution_supplier_item(solution, by), 200, {"ETag": etag(link.version)}
