"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from marshmallow import validate
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from ai_register.openapi import ProblemApi

# Database ids are 32-bit integers: a larger number names nothing (404 in a URL, 422 in a body or query),
# never a database error.
MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def storage_json(value: Any) -> str:
    """How every JSON column is written: compact, non-ASCII as is, keys in the order given. The audit
    trail gives its data with sorted keys, so its stored text is the chain's canonical JSON (audit.chain)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
csrf = CSRFProtect()
api = ProblemApi()
