"""Accounts in the web: an administrator's list, new account, role, deactivation and tokens; and every
person's own password (the one-time password replaced at first sign-in, the set-password link).

Views parse and render; `users.accounts` decides and writes.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.exceptions import Conflict, DomainError, InvalidInput, NotAllowed
from ai_register.extensions import db
from ai_register.notifications import mail
from ai_register.security import ADMIN, PUBLIC, access, actor
from ai_register.users import accounts
from ai_register.users.forms import (
    AccountForm,
    ReasonForm,
    RoleForm,
    SetPasswordForm,
    role_choices,
)
from ai_register.users.models import User
from ai_register.web.forms import options
from ai_register.web.ui import token_expired

bp = Blueprint("users_web", __name__, template_folder="templates")
PER_PAGE = 50
# What a person who must first choose their own password may still reach.
OPEN_WHILE_PASSWORD_MUST_CHANGE = frozenset({"account.profile", "account.change_password", "auth.login",
                                             "auth.logout", "auth.set_language", "static"})


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(error: DomainError) -> str:
    # The services' messages are English sentences; those a person meets here are in the catalogue.
    return _(error.detail) if error.detail else _("Not allowed")


# --------------------------------------------------------------------------- the list


@bp.get("/users")
@access(ADMIN)
def index():
    q = request.args.get("q", "").strip()[:200]
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() and 0 < int(page_number) < 100_000 else 1
    page = accounts.search_accounts(q=q, role=role, status=status, page=page_number, per_page=PER_PAGE)
    filters = {"q": q, "role": role if role in dict(role_choices()) else "",
               "status": status if status in accounts.STATUSES else ""}
    active = {key: value for key, value in filters.items() if value}
    return render_template(
        "users/index.html", page=page, filters=filters, active_filters=active, roles=role_choices(),
        pages=max(1, -(-page["total"] // PER_PAGE)), sso_enabled=accounts.sso.enabled(),
        page_url=lambda n: url_for("users_web.index", **active, page=n),
        last_sign_in=accounts.last_sign_in,
    )


# --------------------------------------------------------------------------- a new account


def _account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = options(role_choices())
    if not mail.configured():
        form.delivery.choices = [c for c in form.delivery.choices if c.value == "password"]
    elif request.method == "GET":
        form.delivery.data = "link"
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@access(ADMIN)
def new():
    form = _account_form()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("users/new.html", form=form, mail_configured=mail.configured()), status
    try:
        user, secret = accounts.create_account(form.email.data, form.role.data,
                                               display_name=form.display_name.data,
                                               delivery=form.delivery.data)
    except Conflict:
        form.email.errors = [*form.email.errors, _("An account with this e-mail address already exists.")]
        return render_template("users/new.html", form=form, mail_configured=mail.configured()), 422
    except InvalidInput as error:
        form.delivery.errors = [*form.delivery.errors, _message(error)]
        return render_template("users/new.html", form=form, mail_configured=mail.configured()), 422
    link = sent = None
    if form.delivery.data == "link":
        link = url_for("users_web.set_password", token=secret, _external=True)
        sent = _send_link(user, link)
    return _no_store(make_response(render_template(
        "users/created.html", user=user, one_time_password=secret if form.delivery.data == "password" else None,
        link=link if not sent else None, sent=sent,
    )))


def _send_link(user: User, link: str) -> bool:
    base = current_app.config.get("BASE_URL")
    if base:
        link = base.rstrip("/") + link[link.index("/", len("https://")):]
    body = (
        f"Hej {user.display_name},\n\nDu har fått ett konto i AI-registret. Välj ditt lösenord här "
        f"(länken gäller i 72 timmar och en gång):\n{link}\n\n"
        f"Hello {user.display_name},\n\nAn account in the AI register was created for you. Choose your "
        f"password here (the link works once, within 72 hours):\n{link}\n"
    )
    try:
        mail.send(user.email, subject="AI-registret: välj ditt lösenord / choose your password", body=body)
    except mail.MailError:
        current_app.logger.warning("set-password e-mail to user %s failed", user.id)
        return False
    return True


# --------------------------------------------------------------------------- one account


def _account_page(user: User, *, status: int = 200, role_form: RoleForm | None = None, secret: str | None = None):
    identity = accounts.identities([user.id]).get(user.id)
    if role_form is None:
        role_form = RoleForm(formdata=None, role=user.role)
    role_form.role.choices = options(role_choices())
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user.id))
        .order_by(AuditEvent.id.desc()).limit(20)
    ).all()
    active_tokens = [t for t in user.tokens if not t.revoked and not _expired(t)]
    response = make_response(render_template(
        "users/show.html", user=user, identity=identity,
        role_from_provider=accounts.role_from_identity_provider(user, identity),
        last_admin=accounts.is_last_active_administrator(user), role_form=role_form, reason_form=ReasonForm(),
        events=events, active_tokens=active_tokens, last_sign_in=accounts.last_sign_in(user, identity),
        one_time_password=secret, is_self=user.id == actor().id, people=_people(events),
    ), status)
    return _no_store(response) if secret else response


def _people(events) -> dict[int, User]:
    ids = {e.actor_id for e in events if e.actor_id}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _expired(token) -> bool:
    return token_expired(token)


@bp.get("/users/<int:user_id>")
@access(ADMIN)
def show(user_id: int):
    return _account_page(accounts.get_user(user_id))


@bp.post("/users/<int:user_id>/role")
@access(ADMIN)
def change_role(user_id: int):
    user = accounts.get_user(user_id)
    form = RoleForm()
    form.role.choices = options(role_choices())
    if not form.validate_on_submit():
        return _account_page(user, status=422, role_form=form)
    try:
        accounts.change_role(user, form.role.data, reason=form.reason.data or None)
    except (Conflict, InvalidInput) as error:
        form.role.errors = [*form.role.errors, _message(error)]
        return _account_page(user, status=409, role_form=form)
    flash(_("%(name)s is now %(role)s.", name=user.display_name, role=dict(role_choices())[user.role]), "success")
    return redirect(url_for("users_web.show", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@access(ADMIN)
def set_active(user_id: int):
    user = accounts.get_user(user_id)
    form = ReasonForm()
    wanted = request.form.get("active")
    if not form.validate_on_submit() or wanted not in ("true", "false"):
        abort(400)
    if user.id == actor().id and wanted == "false":
        flash(_("You cannot deactivate your own account here; ask another administrator."), "error")
        return _account_page(user, status=409)
    try:
        accounts.set_active(user, wanted == "true", reason=form.reason.data or None)
    except Conflict as error:
        flash(_message(error), "error")
        return _account_page(user, status=409)
    if user.active:
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    else:
        flash(_("%(name)s is deactivated: signed out, every token revoked, sign-in refused.",
                name=user.display_name), "success")
    return redirect(url_for("users_web.show", user_id=user.id))


@bp.post("/users/<int:user_id>/sign-out")
@access(ADMIN)
def sign_out_everywhere(user_id: int):
    user = accounts.get_user(user_id)
    count = accounts.sign_out_everywhere(user)
    flash(ngettext("%(name)s is signed out everywhere: every browser session ended and %(num)d token revoked.",
                   "%(name)s is signed out everywhere: every browser session ended and %(num)d tokens revoked.",
                   count, name=user.display_name), "success")
    return redirect(url_for("users_web.show", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@access(ADMIN)
def reset_password(user_id: int):
    user = accounts.get_user(user_id)
    try:
        secret = accounts.reset_password(user)
    except Conflict as error:
        flash(_message(error), "error")
        return _account_page(user, status=409)
    flash(_("A new one-time password was made for %(name)s; the old password no longer works.",
            name=user.display_name), "success")
    return _account_page(user, secret=secret)


# --------------------------------------------------------------------------- own password


@bp.before_app_request
def password_first():
    """A person who signed in with a one-time password chooses their own before anything else."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_WHILE_PASSWORD_MUST_CHANGE:
        return None
    if current_user.is_authenticated and getattr(current_user, "password_must_change", False):
        return redirect(url_for("account.profile"))
    return None


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@access(PUBLIC)
def set_password(token: str):
    try:
        user = accounts.user_for_set_password_token(token)
    except NotAllowed as error:
        # 404, not 403: an unknown, used or expired link names no account (and reveals none).
        return render_template("users/set_password.html", form=None, problem=_message(error)), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_from_link(token, form.new.data)
        except InvalidInput:
            form.new.errors = [*form.new.errors, _("The password must have at least 12 characters.")]
        else:
            accounts.record_sign_in(user)
            session.clear()
            login_user(user)
            flash(_("Your password is set. Welcome to the AI register."), "success")
            return redirect(url_for("main.index"))
    status = 422 if request.method == "POST" else 200
    response = make_response(render_template("users/set_password.html", form=form, user=user, problem=None), status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return _no_store(response)
