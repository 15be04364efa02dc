"""Account operations. They flush and audit; the request or CLI command commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.exceptions import Conflict, InvalidInput, NotAuthenticated, NotFound, TooManyAttempts
from ai_register.extensions import db
from ai_register.security import ADMIN, ALL_ROLES, hash_password, issue_token, verify_password
from ai_register.users import throttle
from ai_register.users.models import ApiToken, User, utcnow

AUDIT_EXCLUDE = frozenset({"password_hash", "session_version"})
MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, role: str, *, display_name: str | None = None,
                password: str | None = None) -> User:
    if role not in ALL_ROLES:
        raise InvalidInput(f"Unknown role '{role}'; use one of {', '.join(sorted(ALL_ROLES))}.")
    if find_user_by_email(email):
        raise Conflict(f"A user with e-mail {normalise_email(email)} already exists.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(
        email=normalise_email(email), role=role, active=True,
        display_name=(display_name or normalise_email(email).split("@")[0]).strip(),
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    audit.record_create(user, "user", exclude=AUDIT_EXCLUDE)
    return user


def update_user(user: User, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None, reason: str | None = None) -> User:
    before = audit.snapshot(user, exclude=AUDIT_EXCLUDE)
    if role is not None and role not in ALL_ROLES:
        raise InvalidInput(f"Unknown role '{role}'.")
    _keep_an_administrator(user, role=role, active=active)
    if role is not None:
        user.role = role
    if display_name is not None:
        user.display_name = display_name.strip()
    if active is not None and active != user.active:
        user.active = active
        user.deactivated_at = None if active else datetime.now(UTC)
        if not active:
            revoke_all_tokens(user)
            end_sessions(user)
    audit.record_update(user, "user", before, exclude=AUDIT_EXCLUDE, reason=reason)
    return user


def _keep_an_administrator(user: User, *, role: str | None, active: bool | None) -> None:
    """The last active administrator stays one: without them nobody can manage accounts but the CLI."""
    leaves = user.role == ADMIN and user.active and (active is False or (role is not None and role != ADMIN))
    if leaves and not db.session.scalar(select(func.count(User.id)).where(
            User.role == ADMIN, User.active.is_(True), User.id != user.id)):
        raise Conflict("This is the last active administrator: name another administrator first.")


def deactivate_user(user: User, reason: str | None = None) -> User:
    return update_user(user, active=False, reason=reason or "deactivated")


def end_sessions(user: User) -> None:
    """End every web session of the account (each cookie names the version it was issued under)."""
    user.session_version = (user.session_version or 0) + 1


def sign_out_everywhere(user: User) -> int:
    """An administrator's "sign out everywhere": every token revoked, every web session ended."""
    count = revoke_all_tokens(user)
    end_sessions(user)
    audit.record("sign_out_everywhere", "user", user.id, data={"tokens_revoked": count})
    return count


def change_password(user: User, new_password: str, *, current_password: str | None = None,
                    by: str | None = None) -> None:
    """Set a new password (the person's own change gives the current one; an administrator's reset does
    not). Every web session and every sign-in token ends: they were got with the old password. Named
    tokens stay, listed on the profile page, for their owner to revoke."""
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise InvalidInput("Invalid input: current_password",
                           errors={"current_password": ["The current password is wrong."]})
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("Invalid input: new_password", errors={"new_password": [
                           f"The password must have at least {MIN_PASSWORD_LENGTH} characters."]})
    user.password_hash = hash_password(new_password)
    user.password_must_change = False  # whoever set it last, a one-time password is no longer in use
    end_sessions(user)
    now = datetime.now(UTC)
    ended = 0
    for record in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == "access",
                                                          ApiToken.revoked_at.is_(None))):
        record.revoked_at = now
        ended += 1
    audit.record("change_password", "user", user.id,
                 data={"by": by or ("self" if current_password is not None else "administrator"),
                       "sign_in_tokens_revoked": ended})


class SignInLocked(TooManyAttempts):
    """Too many failed sign-ins for the account or from the address (users.throttle): 429, Retry-After."""

    def __init__(self, seconds: int):
        super().__init__(f"Too many failed sign-ins for this account or from this address; try again in "
                         f"{seconds} seconds.", title="Too Many Requests", retry_after_seconds=seconds)
        self.seconds = seconds


def authenticate(email: str, password: str, *, address: str | None = None) -> User:
    """The account for this e-mail and password. Refused while the account or the address is locked
    after failed attempts (SignInLocked, the password unchecked); a failure is counted (the caller
    commits it although the request fails) and may start a lock."""
    now = utcnow()
    locked = throttle.seconds_locked(email, address, now)
    if locked:
        raise SignInLocked(locked)
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        throttle.record_failure(email, address, now)
        raise NotAuthenticated("E-mail or password is wrong, or the account is deactivated.")
    throttle.record_success(email)
    return user


def issue_access_token(user: User) -> tuple[str, ApiToken]:
    return issue_token(user, kind="access", ttl=current_app.config["JWT_ACCESS_TTL"])


def create_named_token(user: User, name: str, days: int) -> tuple[str, ApiToken]:
    max_days = current_app.config["JWT_NAMED_MAX_DAYS"]
    if not 1 <= days <= max_days:
        raise InvalidInput(f"expires_in_days must be between 1 and {max_days}.",
                           errors={"expires_in_days": [f"Must be between 1 and {max_days} (this register's limit)."]})
    token, record = issue_token(user, kind="named", name=name.strip(), ttl=timedelta(days=days))
    audit.record_create(record, "api_token", exclude=frozenset({"jti"}))
    return token, record


def named_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == "named").order_by(ApiToken.id)
    ))


def revoke_token(record: ApiToken, *, by: User | None = None) -> ApiToken:
    if record.revoked_at is None:
        before = audit.snapshot(record, exclude=frozenset({"jti"}))
        record.revoked_at = datetime.now(UTC)
        record.revoked_by_id = by.id if by else None
        if record.kind == "named":
            audit.record_update(record, "api_token", before, action="revoke", exclude=frozenset({"jti"}))
    return record


def revoke_all_tokens(user: User) -> int:
    now = datetime.now(UTC)
    count = 0
    for record in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))):
        record.revoked_at = now
        count += 1
    if count:
        audit.record("revoke_all_tokens", "user", user.id, data={"tokens_revoked": count})
    return count


def get_own_token(user: User, token_id: int) -> ApiToken:
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id or record.kind != "named":
        raise NotFound("No such token.")
    return record
