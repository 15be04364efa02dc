"""A user's identity at the region's identity provider (OpenID Connect issuer and subject)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ai_register.extensions import db
from ai_register.users.models import User, utcnow


class ExternalIdentity(db.Model):
    """Links a sign-in at the identity provider to an account. The subject (`sub`), not the e-mail,
    identifies the person: e-mail addresses change with names and are reused (OIDC Core 5.7)."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The groups claim as last seen, so the data-protection officer and admins see where the role came from.
    last_groups: Mapped[str | None] = mapped_column(String(2000))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
