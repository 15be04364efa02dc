"""Sign-in for scripts (`/auth/token`), own named tokens, and user administration."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import Conflict, Forbidden, NotFound

from ai_register.apikit import PageArgsSchema, page_of
from ai_register.exceptions import NotAuthenticated
from ai_register.extensions import db
from ai_register.onboarding import sso
from ai_register.security import ADMIN, PUBLIC, SIGNED_IN, STAFF, access, actor
from ai_register.users import accounts, services, throttle
from ai_register.users.models import User
from ai_register.users.schemas import (
    NamedTokenCreatedSchema,
    NamedTokenCreateSchema,
    NamedTokenSchema,
    TokenRequestSchema,
    TokenResponseSchema,
    UserCreateSchema,
    UserListSchema,
    UserPatchSchema,
    UserSchema,
)

blp = Blueprint("users_api", __name__, url_prefix="/api/v1", description="Sign-in, API tokens and users")


@blp.route("/auth/token", methods=["POST"])
@access(PUBLIC)
@throttle.rate_limit
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenResponseSchema)
@blp.alt_response(429, "TOO_MANY_REQUESTS", description="Too many failed sign-ins for the account or from the "
                                                       "address (Retry-After), or too many requests")
def create_access_token(body):
    """Exchange e-mail and password for a short-lived access token (refused, 403, when local passwords
    are switched off: sign in through the identity provider and create a named token instead). After
    failed attempts the account or address is locked for a while (429 with Retry-After)."""
    sso.require_local_passwords()
    try:
        user = services.authenticate(body["email"], body["password"], address=request.remote_addr)
    except NotAuthenticated:
        db.session.commit()  # the failed attempt is counted although the answer is 401
        raise
    if user.role == STAFF:
        raise Forbidden("Staff report deviations on the web; the API is not open to them.")
    if user.password_must_change:
        raise Forbidden("This is a one-time password: sign in on the web and choose your own password first.")
    accounts.record_sign_in(user)
    token, record = services.issue_access_token(user)
    ttl = current_app.config["JWT_ACCESS_TTL"]
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(ttl.total_seconds())}


@blp.route("/tokens")
class Tokens(MethodView):
    @access(*SIGNED_IN)
    @blp.response(200, NamedTokenSchema(many=True))
    def get(self):
        """List my named API tokens."""
        return services.named_tokens(actor())

    @access(*SIGNED_IN)
    @blp.arguments(NamedTokenCreateSchema)
    @blp.response(201, NamedTokenCreatedSchema)
    def post(self, body):
        """Create a named, long-lived API token for a script. The token is shown only in this response."""
        token, record = services.create_named_token(actor(), body["name"], body["expires_in_days"])
        record.plain_token = token  # transient: never stored, returned once
        return record


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@access(*SIGNED_IN)
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke one of my named tokens."""
    services.revoke_token(services.get_own_token(actor(), token_id), by=actor())


@blp.route("/users/<int:user_id>/tokens", methods=["DELETE"])
@access(ADMIN)
@blp.response(204)
def revoke_user_tokens(user_id: int):
    """Sign an account out everywhere, without deactivating it: every token (sign-in and named) is revoked
    and every web session ends."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    services.sign_out_everywhere(user)


@blp.route("/users")
class Users(MethodView):
    @access(ADMIN)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, UserListSchema)
    def get(self, args):
        """List accounts."""
        return page_of(select(User).order_by(User.id), args)

    @access(ADMIN)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create an account."""
        return services.create_user(body["email"], body["role"], display_name=body.get("display_name"),
                                    password=body.get("password"))


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@access(ADMIN)
@blp.arguments(UserPatchSchema)
@blp.response(200, UserSchema)
def patch_user(body, user_id: int):
    """Change role, name or active flag. Deactivation revokes every token of the user at once."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if body.get("role") not in (None, user.role) and accounts.role_from_identity_provider(user):
        raise Conflict("This person's role comes from a group at the region's sign-in; change the group there.")
    return services.update_user(user, role=body.get("role"), active=body.get("active"),
                                display_name=body.get("display_name"), reason=body.get("reason"))
