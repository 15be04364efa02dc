"""Configuration. The only module that reads the environment."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

from ai_register.portfolio.scoring import WeightsError, parse_weights

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-insecure-change-me-never-use-in-production"  # noqa: S105 - refused in production, see check_production


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


# The embedded database's oldest library the register's statements run on: an owner's kept portfolio is checked
# with a FULL OUTER JOIN (portfolio/readers.py), which SQLite has since 3.39.0 (2022; Debian 12 ships 3.40).
SQLITE_MINIMUM = (3, 39, 0)


def _normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_sqlite_version(url: str, version: tuple[int, ...] = sqlite3.sqlite_version_info) -> None:
    """Refuse to start on an SQLite library too old for the register's statements (a clear message at start-up,
    not a 500 on the first owner's portfolio)."""
    if url.startswith("sqlite") and tuple(version) < SQLITE_MINIMUM:
        found = ".".join(map(str, version))
        needed = ".".join(map(str, SQLITE_MINIMUM))
        raise ConfigError(f"SQLite {found} is too old: the register needs SQLite {needed} or newer "
                          "(or set DATABASE_URL to PostgreSQL).")


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _role_map(value: str | None) -> dict[str, str]:
    """`ai-owners=owner,ai-compliance=compliance` → {group: role}, in the order given (first match wins)."""
    pairs = [item.split("=", 1) for item in (value or "").split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ConfigError("AI_REGISTER_OIDC_ROLE_MAP takes group=role pairs separated by commas.")
    return {group.strip(): role.strip() for group, role in pairs}


def _days(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


NAMED_TOKEN_CEILING_DAYS = 365  # the API's spec states it (users/schemas.py); a region may only lower it


def _named_token_days(value: str | None) -> int:
    days = int(value) if value not in (None, "") else NAMED_TOKEN_CEILING_DAYS
    if not 1 <= days <= NAMED_TOKEN_CEILING_DAYS:
        raise ConfigError(f"AI_REGISTER_NAMED_TOKEN_MAX_DAYS takes 1 to {NAMED_TOKEN_CEILING_DAYS} days.")
    return days


def _hops(value: str | None) -> int:
    """AI_REGISTER_TRUSTED_PROXIES: how many reverse proxies in front of the app set X-Forwarded-For/-Proto."""
    try:
        hops = int(value or 0)
    except ValueError:
        hops = -1
    if not 0 <= hops <= 5:
        raise ConfigError("AI_REGISTER_TRUSTED_PROXIES takes the number of reverse proxies in front of the "
                          "app (0 to 5; 0 = none, the client's address is the connection's).")
    return hops


def _portfolio_weights(text: str | None) -> dict[str, float]:
    try:
        return parse_weights(text)
    except WeightsError as exc:
        raise ConfigError(str(exc)) from exc


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict:
    """Build the configuration mapping from environment variables."""
    env = os.environ if environ is None else environ
    instance_dir = Path(env.get("AI_REGISTER_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    production = env.get("AI_REGISTER_ENV", "development").lower() == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'ai_register.db'}"
    return {
        "ENV_NAME": "production" if production else "development",
        "PRODUCTION": production,
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "INSTANCE_DIR": str(instance_dir),
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Request bodies: uploads up to 20 MB; JSON bodies are held to 1 MB in errors.py.
        "MAX_CONTENT_LENGTH": int(env.get("AI_REGISTER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        "MAX_JSON_BYTES": int(env.get("AI_REGISTER_MAX_JSON_BYTES", 1024 * 1024)),
        # Reading one imported spreadsheet (onboarding.spreadsheet.ReadLimits): under gunicorn's timeout.
        "IMPORT_TIME_BUDGET_SECONDS": float(env.get("AI_REGISTER_IMPORT_TIME_BUDGET_SECONDS", 20)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("AI_REGISTER_SESSION_HOURS", 8))),
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "JWT_ALGORITHM": "HS256",
        "JWT_SECRET": env.get("AI_REGISTER_JWT_SECRET") or env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "JWT_ACCESS_TTL": timedelta(minutes=int(env.get("AI_REGISTER_ACCESS_TOKEN_MINUTES", 15))),
        "JWT_NAMED_MAX_DAYS": _named_token_days(env.get("AI_REGISTER_NAMED_TOKEN_MAX_DAYS")),
        "RATELIMIT_STORAGE_URI": env.get("AI_REGISTER_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("AI_REGISTER_RATELIMIT_ENABLED"), True),
        # Per-worker cache of token and account state, kept current by PostgreSQL notifications
        # (users/auth_cache.py); off: every request reads them from the database.
        "AUTH_CACHE": _bool(env.get("AI_REGISTER_AUTH_CACHE"), True),
        "LOGIN_RATE_LIMIT": env.get("AI_REGISTER_LOGIN_RATE_LIMIT", "10 per minute"),
        # Failed sign-ins counted in the database (users.throttle): lock thresholds and progressive delay.
        "SIGN_IN_ACCOUNT_FAILURES": int(env.get("AI_REGISTER_SIGN_IN_ACCOUNT_FAILURES", 5)),
        "SIGN_IN_ADDRESS_FAILURES": int(env.get("AI_REGISTER_SIGN_IN_ADDRESS_FAILURES", 20)),
        "SIGN_IN_FIRST_LOCK_SECONDS": int(env.get("AI_REGISTER_SIGN_IN_FIRST_LOCK_SECONDS", 30)),
        "SIGN_IN_MAX_LOCK_SECONDS": int(env.get("AI_REGISTER_SIGN_IN_MAX_LOCK_SECONDS", 900)),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (werkzeug's ProxyFix),
        # so the sign-in throttle and the rate limits count the client, not the proxy; 0 = none (docs/security.md).
        "TRUSTED_PROXIES": _hops(env.get("AI_REGISTER_TRUSTED_PROXIES")),
        "OWNERS_READ_ALL": _bool(env.get("AI_REGISTER_OWNERS_READ_ALL"), False),
        # Four eyes: who was an owner or co-owner this many days before a version was answered (or a request
        # made) may not review it either (docs/security.md); 0 keeps only DOMAIN.md's "since" rule.
        "FOUR_EYES_COOLING_OFF_DAYS": int(env.get("AI_REGISTER_FOUR_EYES_COOLING_OFF_DAYS", 365)),
        "RISK_RULES_DIR": env.get("AI_REGISTER_RISK_RULES", str(PROJECT_ROOT / "risk_rules")),
        # Candidate rule sets installed on the server (one directory each) that the API may preview.
        "RISK_RULES_CANDIDATES_DIR": env.get("AI_REGISTER_RISK_RULES_CANDIDATES", str(instance_dir / "rulesets")),
        "SIGNING_KEY_PATH": env.get("AI_REGISTER_SIGNING_KEY", str(instance_dir / "signing_key.pem")),
        "UPLOAD_DIR": env.get("AI_REGISTER_UPLOAD_DIR", str(instance_dir / "uploads")),
        # Signed checkpoints of the audit chain (audit/checkpoints.py): a directory outside the database,
        # meant for write-once storage; and who gets each by e-mail besides the active auditors.
        "CHECKPOINT_DIR": env.get("AI_REGISTER_CHECKPOINT_DIR", str(instance_dir / "checkpoints")),
        "CHECKPOINT_MAIL_TO": [address.strip() for address in env.get("AI_REGISTER_CHECKPOINT_MAIL_TO", "").split(",")
                               if address.strip()],
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "TIMEZONE": "Europe/Stockholm",
        "API_TITLE": "ai-register",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        # Gates whose law applies later (e.g. Annex III high-risk duties) are enforced already now.
        "GATES_ENFORCE_BEFORE_APPLICATION_DATE": _bool(env.get("AI_REGISTER_GATES_ENFORCE_EARLY"), True),
        # The deploying organisation, for the EU database export (Annex VIII) and report headers.
        "ORGANISATION": {
            "name": env.get("AI_REGISTER_ORG_NAME", ""),
            "address": env.get("AI_REGISTER_ORG_ADDRESS", ""),
            "contact": env.get("AI_REGISTER_ORG_CONTACT", ""),
            "country": env.get("AI_REGISTER_ORG_COUNTRY", "SE"),
        },
        "PUBLIC_SHOW_OVERSIGHT_NAMES": _bool(env.get("AI_REGISTER_PUBLIC_SHOW_OVERSIGHT_NAMES"), False),
        "REPORT_FONT_DIR": env.get("AI_REGISTER_REPORT_FONT_DIR") or None,
        # Follow-up: legal-deadline targets and e-mail (nothing is sent while MAIL_SERVER is empty).
        "LEX_MARIA_TARGET_DAYS": int(env.get("AI_REGISTER_LEX_MARIA_TARGET_DAYS", 7)),
        "DEVICE_REPORT_TARGET_DAYS": int(env.get("AI_REGISTER_DEVICE_REPORT_TARGET_DAYS", 7)),
        # An obligation that already applies when it opens is due this many days later.
        "OBLIGATION_DUE_DAYS": int(env.get("AI_REGISTER_OBLIGATION_DUE_DAYS", 90)),
        # FRIA (Art 27): the notification's field mapping, and whether an uploaded FRIA alone still counts.
        "FRIA_TEMPLATE": env.get("AI_REGISTER_FRIA_TEMPLATE") or None,
        "FRIA_UPLOAD_COUNTS": _bool(env.get("AI_REGISTER_FRIA_UPLOAD_COUNTS"), False),
        # Region policy: a high-risk rollout asks for an AI-literacy measure (Art 4) reaching its care units.
        "LITERACY_ROLLOUT_POLICY": _bool(env.get("AI_REGISTER_LITERACY_ROLLOUT_POLICY"), True),
        # Monitoring (Art 26(5)): the oversight owner decides within this many days whether a breach is an
        # incident; a request for an explanation (Art 86) is answered within this many days (region target).
        "MONITORING_ASSESSMENT_DAYS": int(env.get("AI_REGISTER_MONITORING_ASSESSMENT_DAYS", 5)),
        "EXPLANATION_ANSWER_DAYS": int(env.get("AI_REGISTER_EXPLANATION_ANSWER_DAYS", 30)),
        # Supplier register: certificates and agreements expiring within this many days flag their solutions.
        "SUPPLIER_EXPIRY_WARNING_DAYS": int(env.get("AI_REGISTER_SUPPLIER_EXPIRY_WARNING_DAYS", 90)),
        "MAIL_SERVER": env.get("AI_REGISTER_MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("AI_REGISTER_MAIL_PORT", 25)),
        "MAIL_USE_TLS": _bool(env.get("AI_REGISTER_MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _bool(env.get("AI_REGISTER_MAIL_USE_SSL"), False),
        "MAIL_USERNAME": env.get("AI_REGISTER_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("AI_REGISTER_MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("AI_REGISTER_MAIL_SENDER", "ai-register@localhost"),
        "MAIL_TIMEOUT": int(env.get("AI_REGISTER_MAIL_TIMEOUT", 10)),
        "PUBLIC_BASE_URL": env.get("AI_REGISTER_BASE_URL") or None,
        # Portfolio steering: weights of the prioritisation score, e.g.
        # "benefit=0.4,risk=0.2,cost=0.2,strategic_fit=0.2" (ai_register/portfolio/scoring.py).
        "PORTFOLIO_WEIGHTS": _portfolio_weights(env.get("AI_REGISTER_PORTFOLIO_WEIGHTS")),
        # The trustworthy-AI self-assessment (HLEG) is required before the pilot gate.
        "TRUSTWORTHY_ASSESSMENT_REQUIRED": _bool(env.get("AI_REGISTER_TRUSTWORTHY_ASSESSMENT_REQUIRED"), True),
        # Single sign-on (OpenID Connect) through the region's identity provider; off while no issuer is set.
        "OIDC_ISSUER": env.get("AI_REGISTER_OIDC_ISSUER") or None,
        "OIDC_CLIENT_ID": env.get("AI_REGISTER_OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env.get("AI_REGISTER_OIDC_CLIENT_SECRET") or None,
        "OIDC_PROVIDER_NAME": env.get("AI_REGISTER_OIDC_PROVIDER_NAME") or None,
        "OIDC_SCOPES": env.get("AI_REGISTER_OIDC_SCOPES", "openid email profile"),
        "OIDC_ROLE_CLAIM": env.get("AI_REGISTER_OIDC_ROLE_CLAIM", "groups"),
        "OIDC_ROLE_MAP": _role_map(env.get("AI_REGISTER_OIDC_ROLE_MAP")),
        # Staff (DOMAIN.md): people of the region's own organisation without a mapped group sign in as
        # `staff` when this claim holds one of these values (e.g. AI_REGISTER_OIDC_STAFF_CLAIM=tid and the
        # region's tenant id); empty: such people are refused as before.
        "OIDC_STAFF_CLAIM": env.get("AI_REGISTER_OIDC_STAFF_CLAIM") or None,
        "OIDC_STAFF_VALUES": tuple(v.strip() for v in (env.get("AI_REGISTER_OIDC_STAFF_VALUES") or "").split(",")
                                   if v.strip()),
        "LOCAL_PASSWORDS": _bool(env.get("AI_REGISTER_LOCAL_PASSWORDS"), True),
        # Retention (docs/personal-data.md): unset means nothing is culled until the region decides.
        "RETENTION_DEPARTED_STAFF_DAYS": _days(env.get("AI_REGISTER_RETENTION_DEPARTED_STAFF_DAYS")),
        "RETENTION_INCIDENT_TEXT_DAYS": _days(env.get("AI_REGISTER_RETENTION_INCIDENT_TEXT_DAYS")),
    }


def secret_strength_problem(secret: str | None) -> str | None:
    """Why `secret` is not at least 32 random bytes, or None. A heuristic, since randomness cannot be seen:
    the characters it uses bound the bits per character (hex 4, base64 6, other printable 6.5), and a
    repeated pattern or a handful of distinct characters is not random at all."""
    secret = secret or ""
    if secret == DEFAULT_SECRET_KEY:
        return "it is the development default"
    alphabet = set(secret)
    if alphabet <= set("0123456789abcdefABCDEF"):
        bits_per_character = 4.0
    elif alphabet <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"):
        bits_per_character = 6.0
    else:
        bits_per_character = 6.5
    if len(secret) * bits_per_character < 256:
        return "it is shorter than 32 random bytes"
    if len(alphabet) < 12 or secret in (secret + secret)[1:-1]:
        return "it repeats a pattern or uses too few distinct characters"
    return None


SECRET_ADVICE = "for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105 - advice, not a secret


def check_production(config: dict) -> None:
    """Refuse to start in production with settings that are only fit for a laptop."""
    if not config.get("PRODUCTION"):
        return
    problem = secret_strength_problem(config.get("SECRET_KEY"))
    if problem:
        raise ConfigError(f"AI_REGISTER_ENV=production needs SECRET_KEY set to at least 32 random bytes ({problem}; "
                          f"{SECRET_ADVICE}).")
    problem = secret_strength_problem(config.get("JWT_SECRET"))
    if problem:
        raise ConfigError(f"AI_REGISTER_ENV=production needs AI_REGISTER_JWT_SECRET (or SECRET_KEY, its default) set "
                          f"to at least 32 random bytes ({problem}; {SECRET_ADVICE}).")
