"""The web UI: server-rendered pages for AI owners, compliance officers and auditors.

Views parse forms and render templates; every decision and every write is a service call of the
area that owns it (solutions, classification, audit). The pages of goals, evidence and oversight live in
their areas (`goals/views.py`, …); this package keeps the shell: layout, navigation, labels, form helpers.
"""

from __future__ import annotations


def blueprints() -> list:
    """The web blueprints, registered by the app factory after `main`."""
    # cycle: web.account → web → web.account
    from ai_register.web import account, audit, reports, ui

    return [
        ui.bp,
        account.bp,
        audit.bp,
        reports.bp,
    ]
