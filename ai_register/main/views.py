from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for

from ai_register.main import overview_views as overview
from ai_register.security import PUBLIC, SIGNED_IN, STAFF, access, actor

bp = Blueprint("main", __name__)
SWAGGER_UI_DIR = Path(swagger_ui_bundle.swagger_ui_path)


@bp.get("/")
@access(*SIGNED_IN, STAFF)
def index():
    """The start page: the portfolio in numbers, what awaits the reader, recent changes. Staff report
    deviations and follow their own reports: that page is their start."""
    if actor().role == STAFF:
        return redirect(url_for("deviations_web.own"))
    return render_template("main/index.html", **overview.build(actor()))


@bp.get("/favicon.ico")
@access(PUBLIC)
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; the register's mark answers."""
    return send_from_directory(Path(current_app.static_folder) / "img", "mark.svg", mimetype="image/svg+xml",
                               max_age=86400)


@bp.get("/api/docs")
@access(PUBLIC)
def api_docs():
    """Interactive API documentation, served from local assets (no CDN)."""
    return render_template("main/api_docs.html")


@bp.get("/api/docs/assets/<path:filename>")
@access(PUBLIC)
def api_docs_asset(filename: str):
    return send_from_directory(SWAGGER_UI_DIR, filename)
