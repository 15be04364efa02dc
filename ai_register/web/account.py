"""Own profile and named API tokens (create shows the token once, list, revoke)."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from ai_register.security import SIGNED_IN, access, actor
from ai_register.users import services as users
from ai_register.web.forms import TokenForm

bp = Blueprint("account", __name__, url_prefix="/profile")


def _page(form: TokenForm, *, new_token: str | None = None, status: int = 200):
    user = actor()
    response = make_response(
        render_template(
            "web/account/profile.html",
            user=user,
            form=form,
            tokens=users.named_tokens(user),
            new_token=new_token,
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
