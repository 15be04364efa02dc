"""Web sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ai_register.exceptions import NotAuthenticated
from ai_register.extensions import db
from ai_register.onboarding import sso
from ai_register.security import PUBLIC, SIGNED_IN, STAFF, access
from ai_register.users import accounts, services, throttle
from ai_register.users.forms import LoginForm

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the sign-in page cannot be used as an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@throttle.rate_limit
def login():
    form = LoginForm()
    sign_in_options = sso.login_options()
    if request.method == "POST" and not sign_in_options["local_passwords"]:
        flash(_("Sign-in with a password is switched off; use the region's sign-in."), "error")
        return render_template("auth/login.html", form=form, **sign_in_options), 403
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, address=request.remote_addr)
        except services.SignInLocked as locked:
            flash(_("Too many failed sign-ins for this account or from this address; try again in %(minutes)s "
                    "minute(s).", minutes=max(1, -(-locked.seconds // 60))), "error")
            return render_template("auth/login.html", form=form, **sign_in_options), 429, {
                "Retry-After": str(locked.seconds)}
        except NotAuthenticated:
            db.session.commit()  # the failed attempt is counted although the answer is 401
            flash(_("E-mail or password is wrong, or the account is deactivated."), "error")
            return render_template("auth/login.html", form=form, **sign_in_options), 401
        session.clear()
        login_user(user)
        accounts.record_sign_in(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, **sign_in_options), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@access(*SIGNED_IN, STAFF)
def logout():
    # The server ends the session (and the account's others), not only the browser's copy of the cookie.
    services.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<lang>", methods=["POST"])
@access(PUBLIC)
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
