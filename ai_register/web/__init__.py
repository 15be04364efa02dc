"""The web UI's shell: layout, navigation, the templates' globals (each area's labels by the names templates use),
form helpers, the gate checklist component, charts.

Every page lives in the area it shows (`solutions/views.py`, `audit/views.py`, `users/account_views.py`,
…); views parse forms and render templates, and every decision and every write is a service call of
the area that owns it.
"""

from __future__ import annotations


def blueprints() -> list:
    """The shell's blueprint (the UI's own routes), registered by the app factory after the areas'."""
    # lazy: importing a module of the shell (web.charts, pure) must not pull in the UI blueprint with Flask-Login
    # and every area's models
    from ai_register.web import ui

    return [ui.bp]
