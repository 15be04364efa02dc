"""Solutions on the web: the list with the API's filters, registering, editing, and the solution page."""

from __future__ import annotations

import re

from flask import Blueprint, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ai_register.classification.labels import category_choices
from ai_register.exceptions import InvalidInput, Stale
from ai_register.extensions import db
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, access, actor
from ai_register.solutions import name_order, services
from ai_register.solutions import page_views as solution_page
from ai_register.solutions.access import (
    READ_ONLY_PHASES,
    get_solution,
    no_lost_update,
    require_if_match,
    visible_solution_ids,
    writable_solutions_query,
)
from ai_register.solutions.detail import detail_load_options
from ai_register.solutions.forms import SolutionForm
from ai_register.solutions.labels import phase_choices, phase_label
from ai_register.solutions.models import Solution
from ai_register.solutions.schemas import SolutionListArgsSchema
from ai_register.suppliers import services as suppliers
from ai_register.users import people
from ai_register.users.labels import role_label
from ai_register.users.models import User
from ai_register.web.forms import options, submit_or_show

bp = Blueprint("solutions_web", __name__, url_prefix="/solutions", template_folder="templates")

READERS = (OWNER, COMPLIANCE, AUDITOR)
WRITERS = (OWNER, COMPLIANCE)
PER_PAGE = 25
LIST_FILTERS = (
    "q",
    "phase",
    "status",
    "ai_act_category",
    "device_class",
    "owner_id",
    "care_unit",
    "tag",
    "overdue_review",
    "sort",
)


# --------------------------------------------------------------------------- list


LOOKUP_LIMIT = 15


@bp.get("/lookup")
@access(*READERS)
def lookup():
    """Search-as-you-type for a solution field (web/_lookup.html): the first LOOKUP_LIMIT solutions
    the reader may see (`write=1`: may change) whose name holds `q`, or whose number is `q`."""
    text = (request.args.get("q") or "").strip()[:200]
    if not text:
        return jsonify(items=[])
    user = actor()
    # Whether the reader's solutions are the whole register (compliance, auditor): then the first of them
    # in name order are read first (name_order.first_matches); an owner's are few, searched at once.
    reads_all = visible_solution_ids(user) is None
    query = services.solutions_query(user, {})
    if request.args.get("write"):
        if user.role not in WRITERS:
            return jsonify(items=[])
        reads_all = user.role == COMPLIANCE
        query = writable_solutions_query(user).where(Solution.phase.not_in(READ_ONLY_PHASES))
    number = text.removeprefix("#")
    number = int(number) if number.isdecimal() and len(number) < 10 else None

    def matching(rows):
        held = rows.c.name.icontains(text, autoescape=True)
        return held if number is None else held | (rows.c.id == number)

    columns = query.with_only_columns(Solution.id, Solution.name, Solution.phase)
    found = name_order.first_matches(columns, matching, LOOKUP_LIMIT,
                                     first=name_order.FIRST if reads_all else None)
    return jsonify(items=[{"id": s.id, "name": s.name,
                           "detail": f"#{s.id} · {phase_label(s.phase)}"} for s in found])



def _list_args() -> tuple[dict, list[str]]:
    """The query string as the API's list arguments; an invalid filter is dropped and named."""
    raw = {key: request.args.get(key, "").strip() for key in (*LIST_FILTERS, "page")}
    raw = {key: value for key, value in raw.items() if value}
    raw["per_page"] = str(PER_PAGE)
    schema = SolutionListArgsSchema()
    try:
        return schema.load(raw), []
    except ValidationError as error:
        bad = sorted(error.messages)
        return schema.load({k: v for k, v in raw.items() if k not in bad}), bad


def _owner_choices() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_((OWNER, COMPLIANCE)), User.active.is_(True))
            .order_by(User.display_name)
        )
    )


@bp.get("")
@access(*READERS)
def index():
    user = actor()
    args, invalid = _list_args()
    page = services.list_solutions(user, args)
    pages = max(1, -(-page["total"] // PER_PAGE))
    filters = {key: request.args.get(key, "") for key in LIST_FILTERS}
    active = {k: v for k, v in filters.items() if v and k != "sort"}
    return render_template(
        "solutions/index.html",
        page=page,
        pages=pages,
        filters=filters,
        active_filters=active,
        invalid=invalid,
        today=services.region_today(),
        owners=_owner_choices() if user.role != OWNER else [],
        phase_choices=phase_choices(),
        category_choices=category_choices(),
        device_classes=["I", "Im", "IIa", "IIb", "III", "A", "A_sterile", "B", "C", "D"],
        page_url=lambda n: url_for(
            "solutions_web.index", **{**active, "sort": filters["sort"] or None, "page": n}
        ),
    )


# --------------------------------------------------------------------------- register and edit


def _prepare(form: SolutionForm, *, compliance: bool) -> None:
    users = _owner_choices()
    form.owner_id.choices = options((u.id, f"{u.display_name} ({role_label(u.role)})") for u in users)
    if not compliance:
        # Only compliance registers on behalf of someone else; owners are the owner themself.
        del form.owner_id


def _add_co_owners(form: SolutionForm) -> None:
    """The people typed in the co-owner search box (without JavaScript: e-mail addresses or exact names,
    separated by commas) join the ticked co-owners; one that matches no account that can own is named
    (refused beside the box, the form kept)."""
    ids = list(form.co_owner_ids.data or [])
    unknown = []
    for entry in (e.strip() for e in re.split(r"[,;\n]", form.co_owner_add.data or "")):
        if not entry:
            continue
        user = people.resolve_possible_owner(entry)
        if user is None:
            unknown.append(entry)
        elif user.id not in ids:
            ids.append(user.id)
    form.co_owner_ids.data = ids
    if unknown:
        raise InvalidInput("Invalid input: co_owner_add", errors={"co_owner_add": [_(
            "No active owner or compliance account has this e-mail address or name: %(who)s.",
            who=", ".join(unknown))]})
    form.co_owner_add.data = ""


def _compliance_co_owners_warning(solution, before: set[int]) -> None:
    """A compliance officer who became co-owner can no longer review the solution: say so once."""
    new = [u for u in solution.co_owners if u.id not in before and u.role == COMPLIANCE]
    if new:
        flash(_("%(who)s can no longer review this solution's classification or phase changes: a co-owner is "
                "bound by four eyes.", who=", ".join(u.display_name for u in new)), "warning")


def _form_page(form: SolutionForm, **context) -> str:
    chosen = people.accounts(form.co_owner_ids.data or [])
    return render_template("solutions/form.html", form=form, co_owners=chosen, **context)


def _linked_product(solution: Solution, form: SolutionForm):
    """The supplier register's product version the solution uses: its names stand in the form, read-only (the
    service refuses others while it is linked)."""
    product = suppliers.product_of(solution.id)
    if product is not None and request.method == "GET":
        for name, value in product.solution_names().items():
            getattr(form, name).data = value
    return product


@bp.route("/new", methods=["GET", "POST"])
@access(*WRITERS)
def register():
    user = actor()
    compliance = user.role == COMPLIANCE
    form = SolutionForm()
    _prepare(form, compliance=compliance)
    if request.method == "GET" and compliance:
        form.owner_id.data = user.id

    def write(data):
        _add_co_owners(form)
        solution = services.register_solution({**data, "co_owner_ids": form.co_owner_ids.data}, user)
        _compliance_co_owners_warning(solution, set())
        return solution

    return submit_or_show(
        form, write,
        saved=lambda solution: _("“%(name)s” is registered in needs analysis. Next: goals, benefit, classification "
                                 "and an oversight owner.", name=solution.name),
        to=lambda solution: url_for("solutions_web.show", solution_id=solution.id),
        page=lambda: _form_page(form, solution=None))


@bp.route("/<int:solution_id>/edit", methods=["GET", "POST"])
@access(*WRITERS)
def edit(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, write=True)
    compliance = user.role == COMPLIANCE
    form = SolutionForm()
    _prepare(form, compliance=compliance)
    if request.method == "GET":
        form.fill_from(solution)
        return _form_page(form, solution=solution, version=solution.version,
                          linked=_linked_product(solution, form))
    linked = _linked_product(solution, form)
    version = request.form.get("version", "")
    co_owners_before = {u.id for u in solution.co_owners}

    def write(data):
        _add_co_owners(form)
        require_if_match(solution, f'"{version}"' if version.isdigit() else None)
        with no_lost_update(solution):
            services.update_solution(solution, {**data, "co_owner_ids": form.co_owner_ids.data}, by=user,
                                     reason=(form.reason.data or "").strip() or None)
        _compliance_co_owners_warning(solution, co_owners_before)

    try:
        return submit_or_show(form, write,
                              saved=_("Your changes are saved."),
                              to=url_for("solutions_web.show", solution_id=solution.id),
                              page=lambda: _form_page(form, solution=solution, version=version, linked=linked))
    except Stale:
        form.form_errors.append(_("Someone else changed the solution while you edited it. Open it again to see "
                                  "their changes, then make yours."))
        return _form_page(form, solution=solution, version=version, linked=linked), 412


# --------------------------------------------------------------------------- the solution page


@bp.get("/<int:solution_id>")
@access(*READERS)
def show(solution_id: int):
    user = actor()
    solution = get_solution(solution_id, user, options=detail_load_options())
    return render_template("solutions/show.html", **solution_page.build(solution, user))
