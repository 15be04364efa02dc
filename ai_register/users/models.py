from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    OWNER = "owner"
    COMPLIANCE = "compliance"
    AUDITOR = "auditor"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Named in every web session cookie; moving it on ends every session issued before (sign-out,
    # password change, deactivation, "sign out everywhere"). Not audited: it is not register content.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A one-time password an administrator handed over: the person chooses their own at first sign-in.
    password_must_change: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                       server_default=sa_false())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", foreign_keys="ApiToken.user_id")

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session version it was issued under."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def has_role(self, *roles: str) -> bool:
        return self.active and self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """Every issued JWT is recorded by its jti, so any token can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "access" (sign-in) or "named"
    name: Mapped[str | None] = mapped_column(String(100))
    jti: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="tokens", foreign_keys=[user_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class SignInThrottle(db.Model):
    """Failed sign-ins counted per account and per client address, in the database so that every worker
    sees the same count (users.throttle). Keys are SHA-256 digests: no e-mail or address is stored."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # "account" or "address"
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
