"""The API benchmark's baseline: a bare Flask app that does one primary-key SELECT on the same
database and returns the row as JSON. No authentication, no ORM, no schema: the least a JSON read
of a solution can cost when served the same way (`gunicorn bench.baseline_app:app`)."""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify
from sqlalchemy import create_engine, text

from ai_register.config import _normalise_database_url

app = Flask(__name__)
# The same pool settings as the application's engine (config.py).
engine = create_engine(_normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
SELECT_SOLUTION = text("SELECT * FROM solutions WHERE id = :id")


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/solutions/<int:solution_id>")
def solution(solution_id: int):
    with engine.connect() as connection:
        row = connection.execute(SELECT_SOLUTION, {"id": solution_id}).mappings().first()
    if row is None:
        abort(404)
    return jsonify(dict(row))
