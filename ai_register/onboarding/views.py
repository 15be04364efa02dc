"""Web pages of onboarding: the spreadsheet import for compliance, single sign-on through the region's
identity provider, and the personal-data page of the data-protection officer (admin role)."""

from __future__ import annotations

import marshmallow as ma
import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, Response, flash, redirect, render_template, request, session, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import login_user
from joserfc.errors import JoseError
from werkzeug.exceptions import BadRequest, NotFound

from ai_register.exceptions import DomainError
from ai_register.extensions import db
from ai_register.onboarding import importer, privacy, sso
from ai_register.onboarding.api import DPO, template_response
from ai_register.onboarding.forms import ImportForm
from ai_register.onboarding.schemas import TemplateArgsSchema
from ai_register.oversight.models import Person
from ai_register.security import COMPLIANCE, OWNER, PUBLIC, access, actor
from ai_register.users import accounts
from ai_register.users.models import User
from ai_register.users.views import _safe_next

bp = Blueprint("onboarding", __name__, template_folder="templates")
bp.record_once(lambda state: sso.init_app(state.app))

NEXT_KEY = "oidc_next"


# --------------------------------------------------------------------------- import


def _import_page(form: ImportForm, report: importer.ImportReport | None = None, status: int = 200):
    return render_template("onboarding/import.html", form=form, report=report), status


@bp.get("/imports/solutions")
@access(COMPLIANCE)
def import_page():
    return _import_page(ImportForm())


@bp.post("/imports/solutions")
@access(COMPLIANCE)
def import_upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=422)
    upload = form.file.data
    try:
        report = importer.import_file(upload.filename, upload.read(), by=actor(), dry_run=form.dry_run.data)
    except DomainError as problem:
        form.file.errors = [getattr(problem, "localized", None) or problem.detail]
        return _import_page(form, status=422)
    if report.written:
        flash(_("%(created)s solutions imported, %(existing)s already registered.",
                created=report.count(importer.CREATED), existing=report.count(importer.EXISTS)), "success")
    elif not report.ok:
        flash(_("Nothing was imported: correct the cells listed below and upload the file again."), "error")
    return _import_page(form, report, 200 if report.ok else 422)


@bp.get("/imports/solutions/template")
@access(OWNER, COMPLIANCE)
def import_template():
    try:
        args = TemplateArgsSchema().load(request.args.to_dict())
    except ma.ValidationError as exc:
        raise BadRequest(f"Invalid template request: {exc.messages}") from exc
    return template_response(args)


# --------------------------------------------------------------------------- single sign-on


def _refused(reason: str, status: int = 403):
    return render_template("onboarding/sso_refused.html", reason=reason, provider=sso.provider_name()), status


@bp.get("/login/oidc")
@access(PUBLIC)
def oidc_login():
    if not sso.enabled():
        raise NotFound("Single sign-on is not configured.")
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    return sso.client().authorize_redirect(url_for("onboarding.oidc_callback", _external=True))


@bp.get("/login/oidc/callback")
@access(PUBLIC)
def oidc_callback():
    if not sso.enabled():
        raise NotFound("Single sign-on is not configured.")
    if request.args.get("error"):
        return _refused("provider_error", 401)
    if not request.args.get("code") or not request.args.get("state"):
        raise BadRequest("The identity provider's answer lacks a code or state; start the sign-in again.")
    try:
        token = sso.client().authorize_access_token()
    except (OAuthError, JoseError):  # a bad state, or an id_token whose signature or claims do not hold
        return _refused("invalid_response", 401)
    except requests.RequestException:
        return _refused("unreachable", 502)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refused("invalid_response", 401)
    try:
        user = sso.sign_in(claims)
    except sso.SignInRefused as refusal:
        return _refused(refusal.reason)
    target = session.get(NEXT_KEY) or url_for("main.index")
    session.clear()
    login_user(user)
    accounts.record_sign_in(user)
    return redirect(target)


# --------------------------------------------------------------------------- personal data


@bp.get("/privacy")
@access(*DPO)
def privacy_page():
    q = request.args.get("q", "").strip()[:200]
    number = request.args.get("page", "1")
    number = int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1
    people = privacy.people_page(q, number)
    return render_template(
        "onboarding/privacy.html", inventory=privacy.inventory(), people=people, q=q,
        pages=max(1, -(-people["total"] // people["per_page"])),
        page_url=lambda n: url_for("onboarding.privacy_page", **({"q": q} if q else {}), page=n),
    )


def _download(pieces, name: str) -> Response:
    """The export as a JSON file, streamed as it is read (privacy.export_user)."""
    return Response(stream_with_context(pieces), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/privacy/users/<int:user_id>/export")
@access(*DPO)
def privacy_export_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return _download(privacy.export_user(user), f"personal-data-user-{user.id}.json")


@bp.get("/privacy/persons/<int:person_id>/export")
@access(*DPO)
def privacy_export_person(person_id: int):
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person.")
    return _download(privacy.export_person(person), f"personal-data-person-{person.id}.json")
