"""`/public`: the transparency register for citizens, in Swedish and English, open to everyone.

The list searches and filters on the server (a GET form: it works without JavaScript) and pages in the
database; each public solution has its own page that explains in plain words what the register's codes
mean; the accessibility statement (DOS-lagen) is linked from every public page. `?lang=sv|en` chooses
the language (so a link keeps it), else the visitor's language setting.
"""

from __future__ import annotations

from math import ceil

from flask import Blueprint, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ai_register.classification.labels import CATEGORIES
from ai_register.formats import translated
from ai_register.public import queries, services
from ai_register.public.forms import PublicDescriptionForm
from ai_register.public.readability import lix
from ai_register.security import AUDITOR, COMPLIANCE, OWNER, PUBLIC, access, actor
from ai_register.solutions.access import can_write, get_solution
from ai_register.solutions.lifecycle.phases import PHASE_LABELS, Phase
from ai_register.web.forms import submit_or_show

bp = Blueprint("public", __name__, template_folder="templates")

PER_PAGE = 20
QUERY_MAX = 200
# The date the accessibility statement was last reviewed (DIGG's model asks for it); change it with
# the statement's text.
STATEMENT_REVIEWED_ON = "2026-12-06"


def _language() -> str:
    wanted = request.args.get("lang")
    if wanted in ("sv", "en"):
        return wanted
    return "en" if str(get_locale()) == "en" else "sv"


def _page_number() -> int:
    try:
        return min(max(1, int(request.args.get("page", "1"))), 100_000)
    except ValueError:
        return 1


def _filters() -> dict[str, str]:
    """The visitor's search and filters; a value the form does not offer counts as no filter."""
    args = request.args
    found = {}
    q = (args.get("q") or "").strip()[:QUERY_MAX]
    if q:
        found["q"] = q
    if args.get("phase") in {p.value for p in Phase}:
        found["phase"] = args["phase"]
    if args.get("ai_act_category") in {*(code for code in CATEGORIES if code), queries.NOT_CLASSIFIED_CODE}:
        found["ai_act_category"] = args["ai_act_category"]
    care_unit = (args.get("care_unit") or "").strip()[:QUERY_MAX]
    if care_unit:
        found["care_unit"] = care_unit
    return found


def _render(template: str, lang: str, status: int = 200, **context):
    with force_locale(lang):
        return render_template(template, lang=lang, other="en" if lang == "sv" else "sv",
                               show_names=queries.show_names(),
                               organisation_name=queries.organisation()["name"], generic_role=queries.GENERIC_ROLE,
                               **context), status


@bp.get("/public")
@access(PUBLIC)
def register():
    lang = _language()
    filters = _filters()
    page = _page_number()
    found = queries.search(filters, page=page, per_page=PER_PAGE)
    pages = max(1, ceil(found["total"] / PER_PAGE))

    def page_url(number: int) -> str:
        return url_for("public.register", lang=lang, page=number, **filters)

    phases = [(phase.value, translated(label, lang)) for phase, label in PHASE_LABELS.items()]
    categories = [(code, translated(label, lang)) for code, label in CATEGORIES.items() if code]
    categories.append((queries.NOT_CLASSIFIED_CODE,
                       translated(queries.NOT_CLASSIFIED, lang)))
    units = queries.care_unit_options()
    if filters.get("care_unit") and filters["care_unit"] not in units:
        units.append(filters["care_unit"])
    care_units = [(unit, unit) for unit in units]
    return _render("public/register.html", lang, found=found, filters=filters, page=page, pages=pages,
                   page_url=page_url, phases=phases, categories=categories, care_units=care_units,
                   any_public=bool(filters) or found["total"] > 0 or queries.count_public() > 0,
                   other_url=url_for("public.register", lang="en" if lang == "sv" else "sv",
                                     **filters, **({"page": page} if page > 1 else {})))


@bp.get("/public/solutions/<public_id>")
@access(PUBLIC)
def solution(public_id: str):
    lang = _language()
    found = queries.find_public(public_id)
    if found is None:
        return _render("public/not_found.html", lang, status=404,
                       other_url=url_for("public.solution", public_id=public_id,
                                         lang="en" if lang == "sv" else "sv"))
    detail = queries.public_detail(found)
    return _render("public/solution.html", lang, entry=detail,
                   other_url=url_for("public.solution", public_id=public_id, lang="en" if lang == "sv" else "sv"))


@bp.get("/public/accessibility")
@access(PUBLIC)
def accessibility():
    lang = _language()
    return _render("public/accessibility.html", lang, reviewed_on=STATEMENT_REVIEWED_ON,
                   organisation=queries.organisation(),
                   other_url=url_for("public.accessibility", lang="en" if lang == "sv" else "sv"))



# --------------------------------------------------------------------------- the owners' side

LIX_BANDS = {"very_easy": _l("very easy"), "easy": _l("easy"), "average": _l("average"), "hard": _l("hard"),
             "very_hard": _l("very hard")}


def _lix_band(band: str) -> str:
    return str(LIX_BANDS[band])


@bp.route("/solutions/<int:solution_id>/public-description", methods=["GET", "POST"])
@access(OWNER, COMPLIANCE, AUDITOR)
def edit_description(solution_id: int):
    """The region's plain words for the solution's public page, in Swedish and English (owners and
    compliance write; auditors read)."""
    user = actor()
    solution = get_solution(solution_id, user, write=request.method == "POST")
    description = services.description_for(solution.id)
    if request.method == "GET":
        form = PublicDescriptionForm(formdata=None)
        form.fill(description)
    else:
        form = PublicDescriptionForm()

    def page():
        readability = {name: lix(getattr(form, name).data) for name in ("what_sv", "why_sv", "data_sv",
                                                                        "legal_basis_sv")}
        return render_template("public/edit_description.html", solution=solution, form=form,
                               description=description, readability=readability, can_edit=can_write(solution, user),
                               lix_band=_lix_band, fallbacks={"what_sv": solution.intended_use,
                                                              "why_sv": solution.need_statement,
                                                              "legal_basis_sv": solution.legal_basis},
                               public_id=queries.opaque_id(solution.id))

    return submit_or_show(form, lambda data: services.save_description(solution, data, by=user),
                          saved=_("The public description is saved."),
                          to=url_for("public.edit_description", solution_id=solution.id), page=page)
