"""Web pages of the supplier register: the list, a supplier with its agreements, product versions and
documents, the forms, and a solution's link to the product version it uses."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ai_register import formats
from ai_register.evidence.models import Evidence
from ai_register.exceptions import Stale, VersionRequired
from ai_register.extensions import db
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions.access import can_write, get_solution, visible_solution_ids
from ai_register.solutions.services import region_today
from ai_register.suppliers import rules, services
from ai_register.suppliers.forms import DocumentForm, LinkForm, ProductForm, SupplierForm
from ai_register.suppliers.labels import CONTACT_ROLE_LABELS, DOCUMENT_LABELS, REGULATION_LABELS, TRANSFER_LABELS
from ai_register.users.models import User
from ai_register.web.forms import options, submit_form

bp = Blueprint("suppliers_web", __name__, template_folder="templates")
READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)


def countries(codes) -> str:
    """Countries by their names in the reader's language (CLDR territory names through Babel)."""
    return formats.countries(codes)


def labels() -> dict:
    return {"countries": countries,
            "contact_role": lambda c: CONTACT_ROLE_LABELS.get(c, c),
            "transfer_label": lambda c: TRANSFER_LABELS.get(c, c) if c else "—",
            "document_label": lambda c: DOCUMENT_LABELS.get(c, c),
            "regulation_label": lambda c: REGULATION_LABELS.get(c, c) if c else "—",
            "expiry_of": lambda d: services.expiry_state(d, region_today()),
            "outside_eu_eea": rules.outside_eu_eea}


def _stale(form) -> None:
    form.form_errors.append(_("Someone else changed this meanwhile; check it and save again."))


def _if_match() -> str:
    return f'"{request.form.get("version", "")}"'


# --------------------------------------------------------------------------- the register


@bp.get("/suppliers")
@access(*READERS)
def index():
    by = actor()
    q = (request.args.get("q") or "").strip()
    suppliers = db.session.scalars(services.suppliers_query(q).limit(200)).all()

    attention = services.attention(region_today(), scope=visible_solution_ids(by))
    return render_template("suppliers/index.html", suppliers=suppliers, q=q, attention=attention,
                           can_add=by.role in WRITERS, **labels())


@bp.route("/suppliers/new", methods=["GET", "POST"])
@access(*WRITERS)
def new():
    form = SupplierForm() if request.method == "POST" else SupplierForm(formdata=None)
    if request.method == "POST":
        created = []
        by = actor()
        if submit_form(form, lambda data: created.append(services.create_supplier(data, by))):
            flash(_("The supplier is registered."), "success")
            return redirect(url_for("suppliers_web.show", supplier_id=created[0].id))
        return render_template("suppliers/edit.html", form=form, supplier=None, **labels()), 422
    return render_template("suppliers/edit.html", form=form, supplier=None, **labels())


@bp.get("/suppliers/<int:supplier_id>")
@access(*READERS)
def show(supplier_id: int):
    by = actor()
    supplier = services.get_supplier(supplier_id, by)
    products = services.products_of(supplier.id)
    documents = {p.id: services.documents_of(supplier.id, product_id=p.id) for p in products}
    solutions = {p.id: services.visible_solutions_using(supplier.id, by, product_id=p.id) for p in products}
    return render_template("suppliers/show.html", supplier=supplier, products=products, documents=documents,
                           solutions=solutions, agreements=services.documents_of(supplier.id, agreements_only=True),
                           can_change=services.can_change(supplier, by), **labels())


@bp.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def edit(supplier_id: int):
    by = actor()
    supplier = services.get_supplier(supplier_id, by)
    if request.method == "GET":
        form = SupplierForm(formdata=None, obj=supplier)
        form.processing_countries.data = ", ".join(supplier.processing_countries or [])
        form.transfer_basis.data = supplier.transfer_basis or ""
        form.fill_contacts(supplier.contacts)
        return render_template("suppliers/edit.html", form=form, supplier=supplier, **labels())
    form = SupplierForm()
    try:
        saved = submit_form(form, lambda data: services.update_supplier(supplier, data, by, _if_match()))
    except (Stale, VersionRequired):
        _stale(form)
        return render_template("suppliers/edit.html", form=form, supplier=supplier, **labels()), 412
    if saved:
        flash(_("The supplier is saved."), "success")
        return redirect(url_for("suppliers_web.show", supplier_id=supplier.id))
    return render_template("suppliers/edit.html", form=form, supplier=supplier, **labels()), 422


# --------------------------------------------------------------------------- product versions


def _product_page(supplier, form, product=None, status=200):
    return render_template("suppliers/product_edit.html", supplier=supplier, form=form, product=product,
                           **labels()), status


@bp.route("/suppliers/<int:supplier_id>/products/new", methods=["GET", "POST"])
@access(*WRITERS)
def product_new(supplier_id: int):
    by = actor()
    supplier = services.get_supplier(supplier_id, by)
    if request.method == "GET":
        return _product_page(supplier, ProductForm(formdata=None))
    form = ProductForm()
    created = []
    if submit_form(form, lambda data: created.append(services.create_product(supplier, data, by))):
        flash(_("The product version is registered."), "success")
        return redirect(url_for("suppliers_web.show", supplier_id=supplier.id, _anchor=f"product-{created[0].id}"))
    return _product_page(supplier, form, status=422)


@bp.route("/supplier-products/<int:product_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def product_edit(product_id: int):
    by = actor()
    product = services.get_product(product_id, by)
    if request.method == "GET":
        form = ProductForm(formdata=None, obj=product)
        form.device_regulation.data = product.device_regulation or ""
        form.device_class.data = product.device_class or ""
        return _product_page(product.supplier, form, product)
    form = ProductForm()
    try:
        saved = submit_form(form, lambda data: services.update_product(product, data, by, _if_match()))
    except (Stale, VersionRequired):
        _stale(form)
        return _product_page(product.supplier, form, product, 412)
    if saved:
        flash(_("The product version is saved."), "success")
        return redirect(url_for("suppliers_web.show", supplier_id=product.supplier_id, _anchor=f"product-{product.id}"))
    return _product_page(product.supplier, form, product, 422)


# --------------------------------------------------------------------------- documents


def _document_form(supplier, by, **kwargs) -> DocumentForm:
    form = DocumentForm(**kwargs)
    form.product_id.choices = options([("", _("None: an agreement of the supplier"))] + [
        (p.id, f"{p.product} {p.product_version}") for p in services.products_of(supplier.id)])
    # Evidence of the solutions using the supplier's products, that the reader may see.
    solution_ids = [s.id for s in services.visible_solutions_using(supplier.id, by)]
    evidence = db.session.scalars(db.select(Evidence).where(Evidence.solution_id.in_(solution_ids),
                                                            Evidence.superseded_by_id.is_(None))
                                  .order_by(Evidence.id.desc())).all() if solution_ids else []
    form.evidence_id.choices = options([("", _("None"))] + [(e.id, f"{e.title} (#{e.id})") for e in evidence])
    return form


def _document_page(supplier, form, document=None, status=200):
    return render_template("suppliers/document_edit.html", supplier=supplier, form=form, document=document,
                           **labels()), status


@bp.route("/suppliers/<int:supplier_id>/documents/new", methods=["GET", "POST"])
@access(*WRITERS)
def document_new(supplier_id: int):
    by = actor()
    supplier = services.get_supplier(supplier_id, by)
    if request.method == "GET":
        form = _document_form(supplier, by, formdata=None)
        product_id = request.args.get("product_id", type=int)
        form.product_id.data = product_id
        form.kind.data = request.args.get("kind") or (rules.CERTIFICATE if product_id else rules.DPA)
        return _document_page(supplier, form)
    form = _document_form(supplier, by)
    created = []
    if submit_form(form, lambda data: created.append(services.create_document(supplier, data, by))):
        flash(_("The document is recorded."), "success")
        return redirect(url_for("suppliers_web.show", supplier_id=supplier.id))
    return _document_page(supplier, form, status=422)


@bp.route("/supplier-documents/<int:document_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def document_edit(document_id: int):
    by = actor()
    document = services.get_document(document_id, by)
    supplier = document.supplier
    if request.method == "GET":
        form = _document_form(supplier, by, formdata=None, obj=document)
        form.is_new = False
        form.regulation.data = document.regulation or ""
        return _document_page(supplier, form, document)
    form = _document_form(supplier, by)
    form.is_new = False
    try:
        saved = submit_form(form, lambda data: services.update_document(document, data, by, _if_match()))
    except (Stale, VersionRequired):
        _stale(form)
        return _document_page(supplier, form, document, 412)
    if saved:
        flash(_("The document is saved."), "success")
        return redirect(url_for("suppliers_web.show", supplier_id=supplier.id))
    return _document_page(supplier, form, document, 422)


# --------------------------------------------------------------------------- a solution's supplier


@bp.route("/solutions/<int:solution_id>/supplier", methods=["GET", "POST"])
@access(*READERS)
def solution_link(solution_id: int):
    by = actor()
    solution = get_solution(solution_id, by, write=request.method == "POST")
    link = services.link_of(solution.id)
    products = [(p, p.supplier) for s in db.session.scalars(services.suppliers_query()).all()
                for p in services.products_of(s.id)]

    def form_of(**kwargs) -> LinkForm:
        form = LinkForm(**kwargs)
        form.product_id.choices = options([("", _("None"))] + [
            (p.id, f"{supplier.name} · {p.product} {p.product_version}") for p, supplier in products])
        return form

    status = 200
    if request.method == "POST":
        form = form_of()
        try:
            if submit_form(form, lambda data: services.link_solution(
                    solution, data["product_id"], by, _if_match(), data.get("reason"))):
                flash(_("The supplier's product is linked to the solution.") if form.product_id.data
                      else _("The link to a supplier's product is cleared."), "success")
                return redirect(url_for("suppliers_web.solution_link", solution_id=solution.id))
        except (Stale, VersionRequired):
            _stale(form)
            return _link_page(solution, form, link, by, 412)
        status = 422
    else:
        form = form_of(formdata=None)
        form.product_id.data = link.product_id if link is not None else None
    return _link_page(solution, form, link, by, status)


def _link_page(solution, form, link, by: User, status):
    product, documents = services.solution_documents(solution.id)
    return render_template(
        "suppliers/solution.html", solution=solution, form=form, link=link, product=product, documents=documents,
        contact=services.vigilance_contact(solution.id),
        attention={a.document.id: a.state for a in services.attention(region_today(), solution_id=solution.id)},
        can_edit=can_write(solution, by) and solution.phase != "retired",
        **labels()), status
