"""Diagnostic app for the API benchmark: the application with parts of the single read taken out, to
measure under gunicorn what each part costs (`gunicorn bench.read_ablation:app`).

BENCH_READ_WITHOUT names what to take out (comma-separated):
  cache    the per-worker token and account cache (users/auth_cache.py): every request reads the
           token record and its account (one statement), as before the cache (AUTH_CACHE off)
  token    the bearer token's check altogether: each worker checks its first token once and then
           trusts every request without decoding it (a revoked token would keep working: never do
           this in the product)
  modules  what the other modules add to the detail: current classification (with validity and
           obligations), oversight owner, pending transition; the read is the solution and its owners,
           through the ORM
  orm      the API's own read of the solution (solutions.detail.read_detail: one Core statement into
           objects no session holds): the same statement's records loaded by the ORM instead, as every
           read did before session 6

The answers are still 200 with the detail's shape (the removed parts are null), so the load client
checks them as it checks the real ones. Nothing here is imported by the application.
"""

from __future__ import annotations

import os

from sqlalchemy.orm import noload

from ai_register import create_app, security
from ai_register.extensions import db
from ai_register.solutions import detail
from ai_register.solutions.access import EAGER_OWNERS, get_solution
from ai_register.solutions.models import Solution

PARTS = ("cache", "token", "modules", "orm")


def _trust_first_token() -> None:
    checked = security._authenticate_bearer
    first: dict = {}

    def authenticate():
        if "user" not in first:
            user = checked()
            db.session.refresh(user)
            db.session.expunge(user)
            first["user"] = user
        return db.session.merge(first["user"], load=False)

    security._authenticate_bearer = authenticate


def _solution_and_owners_only() -> None:
    options = (*EAGER_OWNERS, noload(Solution.pending_transition))
    detail.read_detail = lambda solution_id, user: get_solution(solution_id, user, options=options)
    detail.classification_summary = lambda solution: None
    detail.oversight.oversight_summary = lambda solution: None


def build(without: set[str]):
    unknown = without - set(PARTS)
    if unknown:
        raise ValueError(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    if "cache" in without:
        os.environ["AI_REGISTER_AUTH_CACHE"] = "false"  # config.py reads it in create_app
    application = create_app()
    if "token" in without:
        _trust_first_token()
    if "orm" in without:
        detail.read_detail = lambda solution_id, user: get_solution(solution_id, user,
                                                                    options=detail.detail_load_options())
    if "modules" in without:
        _solution_and_owners_only()
    return application


app = build({part.strip() for part in os.environ.get("BENCH_READ_WITHOUT", "").split(",") if part.strip()})
