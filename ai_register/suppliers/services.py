"""The supplier register: suppliers, their product versions and documents, and which solutions use them.

Services take the acting user (`by`); they audit every change in the same transaction and never commit.
What other areas read from here: the gate's evidence facts (declaration of conformity, CE certificate,
instructions for use of the linked product version), the supplier's vigilance contact for incident duties,
and the documents that expire soon or have expired, for every solution that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import Date, Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from ai_register import preconditions, statements
from ai_register.addresses import email_address_errors, web_address_errors
from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.evidence.models import Evidence
from ai_register.exceptions import InvalidInput, NotAllowed, NotFound, RoleNotAllowed
from ai_register.extensions import db
from ai_register.security import AUDITOR, COMPLIANCE, OWNER
from ai_register.solutions.access import can_read, require_id
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType
from ai_register.solutions.models import Solution, solution_co_owners
from ai_register.solutions.services import record_solution_change, solution_record
from ai_register.suppliers import rules
from ai_register.suppliers.models import SolutionSupplierProduct, Supplier, SupplierDocument, SupplierProduct
from ai_register.users.models import User, utcnow

SUPPLIER, PRODUCT, DOCUMENT, LINK = "supplier", "supplier_product", "supplier_document", "solution_supplier_product"
NOT_AUDITED = frozenset({"updated_at", "version"})
READERS = (OWNER, COMPLIANCE, AUDITOR)

# What a product version's documents prove at the gates (lifecycle.EvidenceType).
GATE_TYPES = {rules.DECLARATION: EvidenceType.DECLARATION_OF_CONFORMITY,
              rules.CERTIFICATE: EvidenceType.CE_CERTIFICATE,
              rules.INSTRUCTIONS: EvidenceType.INSTRUCTIONS_FOR_USE}


def warning_days() -> int:
    return int(current_app.config.get("SUPPLIER_EXPIRY_WARNING_DAYS", 90))


# --------------------------------------------------------------------------- who may do what


def require_reader(by: User) -> None:
    if by.role not in READERS:
        raise RoleNotAllowed("Your role may not read the supplier register.")


def _owned_solution_ids(user: User) -> Select:
    co_owned = select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == user.id)
    return select(Solution.id).where(or_(Solution.owner_id == user.id, Solution.id.in_(co_owned)))


def can_change(supplier: Supplier, user: User) -> bool:
    """Compliance; an owner who registered the supplier or owns a solution that uses one of its products."""
    if user.role == COMPLIANCE:
        return True
    if user.role != OWNER:
        return False
    if supplier.created_by_id == user.id:
        return True
    used = (select(func.count()).select_from(SolutionSupplierProduct)
            .join(SupplierProduct, SupplierProduct.id == SolutionSupplierProduct.product_id)
            .where(SupplierProduct.supplier_id == supplier.id,
                   SolutionSupplierProduct.solution_id.in_(_owned_solution_ids(user))))
    return bool(db.session.scalar(used))


def _require_change(supplier: Supplier, by: User) -> None:
    if by.role not in (OWNER, COMPLIANCE):
        raise RoleNotAllowed("Your role may not change the supplier register.")
    if not can_change(supplier, by):
        raise NotAllowed("Only compliance, the owner who registered the supplier, or an owner of a solution that "
                         "uses its products may change it.", code="not_owner")


# --------------------------------------------------------------------------- reading


def suppliers_query(q: str | None = None) -> Select:
    query = select(Supplier).order_by(func.lower(Supplier.name), Supplier.id)
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Supplier.name).like(like), func.lower(Supplier.org_number).like(like)))
    return query


T = TypeVar("T")


def _get(model: type[T], record_id: int, what: str, by: User) -> T:
    require_reader(by)
    record = db.session.get(model, require_id(record_id, what))
    if record is None:
        raise NotFound(f"No such {what}.")
    return record


def get_supplier(supplier_id: int, by: User) -> Supplier:
    return _get(Supplier, supplier_id, "supplier", by)


def get_product(product_id: int, by: User) -> SupplierProduct:
    return _get(SupplierProduct, product_id, "product version", by)


def get_document(document_id: int, by: User) -> SupplierDocument:
    return _get(SupplierDocument, document_id, "supplier document", by)


def products_of(supplier_id: int) -> list[SupplierProduct]:
    return list(db.session.scalars(select(SupplierProduct).where(SupplierProduct.supplier_id == supplier_id)
                                   .order_by(func.lower(SupplierProduct.product), SupplierProduct.product_version,
                                             SupplierProduct.id)))


def documents_of(supplier_id: int, *, product_id: int | None = None, agreements_only: bool = False
                 ) -> list[SupplierDocument]:
    query = select(SupplierDocument).where(SupplierDocument.supplier_id == supplier_id)
    if agreements_only:
        query = query.where(SupplierDocument.product_id.is_(None))
    elif product_id is not None:
        query = query.where(SupplierDocument.product_id == product_id)
    return list(db.session.scalars(query.order_by(SupplierDocument.kind, SupplierDocument.issued_on.desc(),
                                                  SupplierDocument.id.desc())))


def link_of(solution_id: int) -> SolutionSupplierProduct | None:
    return db.session.get(SolutionSupplierProduct, solution_id)


def product_of(solution_id: int) -> SupplierProduct | None:
    link = link_of(solution_id)
    return link.product if link is not None else None


def solutions_using(supplier_id: int, *, product_id: int | None = None) -> list[Solution]:
    query = (select(Solution).join(SolutionSupplierProduct, SolutionSupplierProduct.solution_id == Solution.id)
             .join(SupplierProduct, SupplierProduct.id == SolutionSupplierProduct.product_id)
             .where(SupplierProduct.supplier_id == supplier_id).order_by(func.lower(Solution.name), Solution.id))
    if product_id is not None:
        query = query.where(SupplierProduct.id == product_id)
    return list(db.session.scalars(query))


def visible_solutions_using(supplier_id: int, by: User, **kwargs) -> list[Solution]:
    return [s for s in solutions_using(supplier_id, **kwargs) if can_read(s, by)]


def in_force(document: SupplierDocument, on: date) -> bool:
    """Signed or issued by `on` (or undated), not withdrawn by then, and `on` no later than its last day."""
    if document.withdrawn_on is not None and document.withdrawn_on <= on:
        return False
    if document.issued_on is not None and document.issued_on > on:
        return False
    return document.valid_until is None or on <= document.valid_until


def expiry_state(document: SupplierDocument, today: date) -> str | None:
    if document.withdrawn_on is not None:
        return None
    return rules.expiry_state(document.valid_until, today, warning_days())


def vigilance_contact(solution_id: int) -> dict | None:
    """The provider's post-market / vigilance contact of the solution's supplier, with the supplier's name."""
    product = product_of(solution_id)
    if product is None:
        return None
    return _vigilance(product, product.supplier)


def vigilance_contacts(solution_ids) -> dict[int, dict]:
    """`vigilance_contact` of several solutions (a page of the follow-up agenda) in one statement; a
    solution without a linked product is not in the answer."""
    ids = sorted(set(solution_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(SolutionSupplierProduct.solution_id, SupplierProduct, Supplier)
        .join(SupplierProduct, SupplierProduct.id == SolutionSupplierProduct.product_id)
        .join(Supplier, Supplier.id == SupplierProduct.supplier_id)
        .where(SolutionSupplierProduct.solution_id.in_(ids)))
    return {solution_id: _vigilance(product, supplier) for solution_id, product, supplier in rows}


def _vigilance(product: SupplierProduct, supplier: Supplier) -> dict:
    contacts = supplier.contacts or []
    chosen = next((c for c in contacts if c.get("role") == rules.VIGILANCE), None)
    return {"supplier": supplier.name, "supplier_id": supplier.id,
            "product": f"{product.product} {product.product_version}",
            "name": (chosen or {}).get("name"), "email": (chosen or {}).get("email"),
            "phone": (chosen or {}).get("phone"), "vigilance": chosen is not None}


def contact_text(contact: dict | None) -> str | None:
    """One line: 'Supplier AB — Name, e-mail, phone' (the words around it are the caller's)."""
    if not contact:
        return None
    parts = [p for p in (contact.get("name"), contact.get("email"), contact.get("phone")) if p]
    return f"{contact['supplier']} — {', '.join(parts)}" if parts else contact["supplier"]


# --------------------------------------------------------------------------- writing


def _clean_text(value):
    return (value.strip() or None) if isinstance(value, str) else value


def _contacts(values) -> list[dict]:
    contacts = []
    for contact in values or ():
        cleaned = {k: _clean_text(contact.get(k)) for k in ("role", "name", "email", "phone")}
        if any(cleaned[k] for k in ("name", "email", "phone")):
            contacts.append(cleaned)
    return contacts


SUPPLIER_FIELDS = ("name", "org_number", "country", "website", "contacts", "processing_countries",
                   "transfer_basis", "transfer_note", "note")


def _address_errors(data: dict) -> dict:
    """The website a web address; each contact's e-mail an e-mail address (named by the contact's place in
    the list given, 0 the first, as a list's messages are)."""
    errors: dict = {}
    if website := web_address_errors(_clean_text(data.get("website"))):
        errors["website"] = website
    emails = {index: {"email": wrong} for index, contact in enumerate(data.get("contacts") or ())
              if (wrong := email_address_errors(_clean_text(contact.get("email"))))}
    if emails:
        errors["contacts"] = emails
    return errors


def _org_number_taken(org_number: str | None, supplier: Supplier | None = None) -> dict:
    if not org_number or (supplier is not None and org_number == supplier.org_number):
        return {}
    if db.session.scalar(select(func.count()).select_from(Supplier).where(Supplier.org_number == org_number)):
        return {"org_number": ["A supplier with this organisation number is already registered."]}
    return {}


def _apply_supplier(supplier: Supplier, data: dict, errors: dict) -> None:
    """The changes in `data` onto the supplier, or every reason they cannot be saved at once (`errors`: what
    the caller found already)."""
    values = {name: getattr(supplier, name) for name in SUPPLIER_FIELDS}
    values.update({k: v for k, v in data.items() if k in SUPPLIER_FIELDS})
    errors = {**errors, **_address_errors(data),
              **rules.country_errors(data.get("country"), data.get("processing_countries"))}
    values["processing_countries"] = rules.normalise_countries(values.get("processing_countries"))
    values["contacts"] = _contacts(values.get("contacts"))
    values["country"] = (values.get("country") or "").strip().upper() or None
    if "processing_countries" not in errors:  # a code that is none is not "outside the EU/EEA" either
        errors.update(rules.transfer_errors(values["processing_countries"], values.get("transfer_basis")))
    if not (values.get("name") or "").strip():
        errors["name"] = ["Give the supplier's name."]
    if errors:
        raise InvalidInput("The supplier cannot be saved.", errors=errors)
    for name, value in values.items():
        setattr(supplier, name, _clean_text(value))


def create_supplier(data: dict, by: User) -> Supplier:
    if by.role not in (OWNER, COMPLIANCE):
        raise RoleNotAllowed("Your role may not register suppliers.")
    supplier = Supplier(created_by_id=by.id, contacts=[], processing_countries=[])
    _apply_supplier(supplier, data, _org_number_taken(_clean_text(data.get("org_number"))))
    db.session.add(supplier)
    audit.record_create(supplier, SUPPLIER, reason=data.get("reason"), exclude=NOT_AUDITED)
    return supplier


def update_supplier(supplier: Supplier, data: dict, by: User, if_match: str | None) -> Supplier:
    _require_change(supplier, by)
    preconditions.require_if_match(supplier.version, if_match, "supplier")
    before = audit.snapshot(supplier, exclude=NOT_AUDITED)
    _apply_supplier(supplier, data, _org_number_taken(_clean_text(data.get("org_number")), supplier))
    audit.record_update(supplier, SUPPLIER, before, reason=data.get("reason"), exclude=NOT_AUDITED)
    if supplier.name != before.get("name"):
        _sync_users_of([p.id for p in products_of(supplier.id)])
    return supplier


PRODUCT_FIELDS = ("product", "product_version", "device_regulation", "device_class", "udi_di",
                  "eu_database_number", "art6_3_exemption_claimed", "note")


def _apply_product(product: SupplierProduct, data: dict) -> None:
    for name in PRODUCT_FIELDS:
        if name in data:
            setattr(product, name, _clean_text(data[name]))
    errors = {}
    if product.device_class and not product.device_regulation:
        errors["device_regulation"] = ["Say whether the device falls under MDR or IVDR."]
    if not product.product or not product.product_version:
        errors["product"] = ["Give the product's name and version."]
    duplicate = db.session.scalar(select(func.count()).select_from(SupplierProduct).where(
        SupplierProduct.supplier_id == product.supplier_id, SupplierProduct.product == product.product,
        SupplierProduct.product_version == product.product_version,
        SupplierProduct.id != (product.id or 0)))
    if duplicate:
        errors["product_version"] = ["This version of the product is already registered."]
    if errors:
        raise InvalidInput("The product version cannot be saved.", errors=errors)


def create_product(supplier: Supplier, data: dict, by: User) -> SupplierProduct:
    _require_change(supplier, by)
    product = SupplierProduct(supplier_id=supplier.id, created_by_id=by.id, art6_3_exemption_claimed=False)
    with db.session.no_autoflush:
        _apply_product(product, data)
    db.session.add(product)
    audit.record_create(product, PRODUCT, reason=data.get("reason"), exclude=NOT_AUDITED)
    return product


def update_product(product: SupplierProduct, data: dict, by: User, if_match: str | None) -> SupplierProduct:
    _require_change(product.supplier, by)
    preconditions.require_if_match(product.version, if_match, "product version")
    before = audit.snapshot(product, exclude=NOT_AUDITED)
    with db.session.no_autoflush:
        _apply_product(product, data)
    audit.record_update(product, PRODUCT, before, reason=data.get("reason"), exclude=NOT_AUDITED)
    if (product.product, product.product_version) != (before.get("product"), before.get("product_version")):
        _sync_users_of([product.id])
    return product


DOCUMENT_FIELDS = ("product_id", "kind", "title", "reference", "issued_on", "valid_until", "regulation",
                   "notified_body_name", "notified_body_number", "link", "evidence_id", "note",
                   "withdrawn_on", "withdrawn_reason")


def _check_document(supplier: Supplier, values: dict, by: User) -> dict:
    product_id = values.get("product_id")
    errors: dict = {}
    if product_id is not None:
        product = db.session.get(SupplierProduct, product_id)
        if product is None or product.supplier_id != supplier.id:
            errors["product_id"] = ["No such product version of this supplier."]
    errors.update({k: v for k, v in rules.document_errors(
        values.get("kind"), product=product_id is not None, issued_on=values.get("issued_on"),
        valid_until=values.get("valid_until"), notified_body_name=values.get("notified_body_name"),
        notified_body_number=values.get("notified_body_number")).items() if k not in errors})
    evidence_id = values.get("evidence_id")
    if evidence_id is not None:
        evidence = db.session.get(Evidence, evidence_id)
        solution = db.session.get(Solution, evidence.solution_id) if evidence is not None else None
        if solution is None or not can_read(solution, by):
            errors["evidence_id"] = ["No such evidence that you may read."]
    if values.get("withdrawn_on") and not (values.get("withdrawn_reason") or "").strip():
        errors["withdrawn_reason"] = ["Say why the document no longer holds."]
    if link := web_address_errors(values.get("link")):
        errors["link"] = link
    return errors


def create_document(supplier: Supplier, data: dict, by: User) -> SupplierDocument:
    _require_change(supplier, by)
    values = {name: _clean_text(data.get(name)) for name in DOCUMENT_FIELDS}
    errors = _check_document(supplier, values, by)
    if errors:
        raise InvalidInput("The document cannot be saved.", errors=errors)
    document = SupplierDocument(supplier_id=supplier.id, created_by_id=by.id, **values)
    db.session.add(document)
    audit.record_create(document, DOCUMENT, reason=data.get("reason"), exclude=NOT_AUDITED)
    return document


def update_document(document: SupplierDocument, data: dict, by: User, if_match: str | None) -> SupplierDocument:
    """Correct or renew a document, or withdraw it (it is kept, and stops counting from that day)."""
    _require_change(document.supplier, by)
    preconditions.require_if_match(document.version, if_match, "supplier document")
    if "product_id" in data and data["product_id"] != document.product_id:
        raise InvalidInput("The document cannot be saved.",
                           errors={"product_id": ["A document stays with its product version; register a new one."]})
    values = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    values.update({k: _clean_text(v) for k, v in data.items() if k in DOCUMENT_FIELDS})
    errors = _check_document(document.supplier, values, by)
    if errors:
        raise InvalidInput("The document cannot be saved.", errors=errors)
    before = audit.snapshot(document, exclude=NOT_AUDITED)
    for name, value in values.items():
        setattr(document, name, value)
    audit.record_update(document, DOCUMENT, before, reason=data.get("reason"), exclude=NOT_AUDITED)
    return document


def sync_free_text(solution: Solution, product: SupplierProduct) -> None:
    """The solution's own supplier, product and version fields say what the register says once it is linked,
    so lists, exports (the EU-database export's manufacturer) and the API read the same names; an audited
    change of the solution when they differed."""
    wanted = product.solution_names()
    if all(getattr(solution, name) == value for name, value in wanted.items()):
        return
    before = solution_record(solution)
    for name, value in wanted.items():
        setattr(solution, name, value)
    record_solution_change(solution, before, reason=coded("supplier_register_names"))


def _sync_users_of(product_ids: list[int]) -> None:
    for solution in db.session.scalars(
            select(Solution).join(SolutionSupplierProduct, SolutionSupplierProduct.solution_id == Solution.id)
            .where(SolutionSupplierProduct.product_id.in_(product_ids), Solution.phase != "retired")):
        sync_free_text(solution, db.session.get(SolutionSupplierProduct, solution.id).product)


def link_solution(solution: Solution, product_id: int | None, by: User, if_match: str | None,
                  reason: str | None = None) -> SolutionSupplierProduct:
    """Which product version the solution uses; None clears it. The caller checked that `by` may change the
    solution. An in-house solution uses no supplier's product."""
    link = link_of(solution.id)
    # Like every guarded write: the version read ("0" while the solution has no link yet).
    preconditions.require_if_match(link.version if link is not None else 0, if_match, "supplier link")
    if product_id is not None:
        if solution.sourcing == "in_house":
            raise InvalidInput("The link cannot be saved.", errors={"product_id": [
                "The solution is developed in-house; change its sourcing to procured to link a supplier's product."]})
        if db.session.get(SupplierProduct, product_id) is None:
            raise InvalidInput("The link cannot be saved.", errors={"product_id": ["No such product version."]})
    if link is None:
        link = SolutionSupplierProduct(solution_id=solution.id, product_id=product_id, linked_by_id=by.id,
                                       linked_at=utcnow())
        db.session.add(link)
        audit.record_create(link, LINK, solution_id=solution.id, reason=reason, exclude=NOT_AUDITED)
    else:
        before = audit.snapshot(link, exclude=NOT_AUDITED)
        if link.product_id != product_id:
            link.product_id, link.linked_by_id, link.linked_at = product_id, by.id, utcnow()
        audit.record_update(link, LINK, before, solution_id=solution.id, reason=reason,
                            exclude=NOT_AUDITED | {"linked_at", "linked_by_id"})
    if product_id is not None:
        sync_free_text(solution, db.session.get(SupplierProduct, product_id))
    return link


# --------------------------------------------------------------------------- what other areas read


def solution_documents(solution_id: int) -> tuple[SupplierProduct | None, list[SupplierDocument]]:
    """The linked product version with its documents and the supplier's agreements."""
    product = product_of(solution_id)
    if product is None:
        return None, []
    documents = documents_of(product.supplier_id, product_id=product.id) + \
        documents_of(product.supplier_id, agreements_only=True)
    return product, documents


def linked_documents(solution_id: int) -> list[SupplierDocument]:
    """`solution_documents`' documents in one statement: the linked product version's own documents, then its
    supplier's agreements, each by kind and newest issued first (none without a linked product version)."""
    return list(db.session.scalars(
        select(SupplierDocument)
        .join(SupplierProduct, SupplierProduct.supplier_id == SupplierDocument.supplier_id)
        .join(SolutionSupplierProduct, SolutionSupplierProduct.product_id == SupplierProduct.id)
        .where(SolutionSupplierProduct.solution_id == solution_id,
               or_(SupplierDocument.product_id == SupplierProduct.id, SupplierDocument.product_id.is_(None)))
        .order_by(SupplierDocument.product_id.is_(None), SupplierDocument.kind, SupplierDocument.issued_on.desc(),
                  SupplierDocument.id.desc())))


def instructions_for_use(solution_id: int, on: date | None = None) -> list[SupplierDocument]:
    """The instructions for use of the product version the solution uses: not withdrawn, or (with `on`) in
    force that day."""
    _product, documents = solution_documents(solution_id)
    return [d for d in documents if d.kind == rules.INSTRUCTIONS
            and (in_force(d, on) if on is not None else d.withdrawn_on is None)]


def evidence_facts(solution_id: int) -> tuple[EvidenceFact, ...]:
    """The linked product version's documents as gate evidence: the declaration of conformity, the CE
    certificate of the notified body, the instructions for use. A withdrawn document counts until the day
    it was withdrawn; `valid_until` is the last valid day, so the gate's expiry is the day after."""
    _product, documents = solution_documents(solution_id)
    return document_facts(documents)


def document_facts(documents: list[SupplierDocument]) -> tuple[EvidenceFact, ...]:
    facts = []
    for document in documents:
        kind = GATE_TYPES.get(document.kind)
        if kind is None or document.issued_on is None:
            continue
        after = document.valid_until + timedelta(days=1) \
            if document.valid_until is not None and document.valid_until < date.max else None
        ends = [d for d in (after, document.withdrawn_on) if d is not None]
        facts.append(EvidenceFact(kind, document.issued_on, min(ends) if ends else None))
    return tuple(facts)


@dataclass(frozen=True)
class Attention:
    """A supplier document that has expired or expires within the window, and a solution that uses it."""

    document: SupplierDocument
    solution: Solution
    state: str

    @property
    def overdue(self) -> bool:
        return self.state == rules.EXPIRED


def attention(today: date, *, scope: Select | None = None, solution_id: int | None = None,
              limit: int | None = None) -> list[Attention]:
    """Every (document, solution) pair where the solution uses the product version (or the supplier, for
    an agreement) and the document expired or expires within the warning window; retired solutions and
    withdrawn documents are left out. `scope`: a SELECT of solution ids."""
    used = attention_query(today, scope=scope, solution_id=solution_id)
    if limit is not None:
        used = used.limit(limit)
    return attention_rows(db.session.execute(used).all(), today)


def attention_from(documents: list[SupplierDocument], solution: Solution, today: date) -> list[Attention]:
    """`attention(today, solution_id=solution.id)` from the solution's documents as `linked_documents` reads
    them (the ones its product version and supplier hold), in the same order."""
    if solution.phase == "retired":
        return []
    horizon = today + timedelta(days=warning_days())
    due = sorted((d for d in documents if d.valid_until is not None and d.valid_until <= horizon
                  and d.withdrawn_on is None), key=lambda d: (d.valid_until, d.id))
    return attention_rows([(document, solution) for document in due], today)


def attention_query(today: date | None, *, scope: Select | None = None, solution_id: int | None = None,
                    horizon=None) -> Select:
    """`attention`'s (document, solution) rows as a query, by the document's last valid day (`horizon`: the last
    day of the warning window, when given instead of `today`, e.g. as a parameter given at execution)."""
    if horizon is None:
        horizon = today + timedelta(days=warning_days())
    used = (select(SupplierDocument, Solution)
            .join(SupplierProduct, SupplierProduct.supplier_id == SupplierDocument.supplier_id)
            .join(SolutionSupplierProduct, SolutionSupplierProduct.product_id == SupplierProduct.id)
            .join(Solution, Solution.id == SolutionSupplierProduct.solution_id)
            .where(SupplierDocument.valid_until.is_not(None), SupplierDocument.valid_until <= horizon,
                   SupplierDocument.withdrawn_on.is_(None), Solution.phase != "retired",
                   or_(SupplierDocument.product_id.is_(None), SupplierDocument.product_id == SupplierProduct.id))
            .order_by(SupplierDocument.valid_until, SupplierDocument.id, Solution.id))
    if scope is not None:
        used = used.where(Solution.id.in_(scope))
    if solution_id is not None:
        used = used.where(Solution.id == solution_id)
    return used


def attention_rows(rows, today: date) -> list[Attention]:
    """`attention_query`'s rows with their expiry state."""
    return [Attention(document, solution, rules.expiry_state(document.valid_until, today, warning_days()))
            for document, solution in rows]


def attention_for_start_page(user: User, today: date) -> list[Attention]:
    """An owner's own solutions; every solution for compliance."""
    if user.role not in (COMPLIANCE, OWNER):
        return []

    def make(_kind: str | None) -> Select:  # the card names each document's supplier: read with it
        scope = _owned_solution_ids(user) if user.role == OWNER else None
        return (attention_query(None, scope=scope, horizon=bindparam("horizon", type_=Date))
                .options(joinedload(SupplierDocument.supplier)).limit(50))

    # compliance's statement is the same for every request: built once (the window's last day given)
    used = statements.built("suppliers.attention.start", make) if user.role == COMPLIANCE else make(None)
    horizon = today + timedelta(days=warning_days())
    return attention_rows(db.session.execute(used, {"horizon": horizon}).all(), today)
