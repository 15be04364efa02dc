"""Own profile and named API tokens (create shows the token once, list, revoke)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from ai_register.exceptions import InvalidInput
from ai_register.security import SIGNED_IN, access, actor
from ai_register.users import services as users
from ai_register.users.forms import PasswordChangeForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/profile")


def _page(form: TokenForm, *, new_token: str | None = None, status: int = 200,
          password_form: PasswordChangeForm | None = None):
    user = actor()
    response = make_response(
        render_template(
            "users/profile.html",
            user=user,
            form=form,
            tokens=users.named_tokens(user),
            new_token=new_token,
            password_form=(password_form or PasswordChangeForm(formdata=None)) if _has_own_password(user) else None,
        ),
        status,
    )
    # The token page may hold a freshly created secret: never cache it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@access(*SIGNED_IN)
def profile():
    return _page(TokenForm())


@bp.post("/tokens")
@access(*SIGNED_IN)
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    token, _record = users.create_named_token(actor(), form.name.data, form.expires_in_days.data)
    flash(
        _("The token “%(name)s” was created. Copy it now: it is shown only once.", name=form.name.data),
        "success",
    )
    return _page(TokenForm(formdata=None), new_token=token)


@bp.post("/tokens/<int:token_id>/revoke")
@access(*SIGNED_IN)
def revoke_token(token_id: int):
    record = users.get_own_token(actor(), token_id)
    users.revoke_token(record, by=actor())
    flash(
        _("The token “%(name)s” is revoked; scripts using it are refused from now on.", name=record.name),
        "success",
    )
    return redirect(url_for("account.profile"))


def _has_own_password(user) -> bool:
    """Accounts that sign in through the region's identity provider have no password here to change."""
    return bool(user.password_hash) and current_app.config["LOCAL_PASSWORDS"]


@bp.post("/password")
@access(*SIGNED_IN)
def change_password():
    """The person's own password change: this browser stays signed in, every other session ends."""
    user = actor()
    form = PasswordChangeForm()
    if not _has_own_password(user):
        flash(_("This account signs in through the region's sign-in and has no password here."), "error")
        return redirect(url_for("account.profile"))
    if not form.validate_on_submit():
        return _page(TokenForm(formdata=None), password_form=form, status=422)
    try:
        users.change_password(user, form.new_password.data, current_password=form.current_password.data)
    except InvalidInput as problem:
        if problem.errors.get("current_password"):
            form.current_password.errors = [_("The current password is wrong.")]
        else:
            form.new_password.errors = [_("The password must have at least 12 characters.")]
        return _page(TokenForm(formdata=None), password_form=form, status=422)
    login_user(user)  # this browser's cookie names the new session version
    flash(_("Your password is changed. Every other browser where you were signed in is signed out, and "
            "sign-in tokens got with the old password no longer work."), "success")
    return redirect(url_for("account.profile"))
