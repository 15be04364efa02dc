"""A form's choices are WTForms' `SelectChoice`s, made by `web.forms.options(pairs)`: raw (value, label) tuples
are deprecated since WTForms 3.3 and go in 3.4, so a form built with them would break on the next upgrade."""

from __future__ import annotations

import pkgutil
import warnings
from importlib import import_module

import pytest
from flask_wtf import FlaskForm

import ai_register


def _register_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(ai_register.__path__, "ai_register."):
        if module.name.rsplit(".", 1)[-1].endswith("forms"):
            import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if form.__module__.startswith("ai_register."):
            found.append(form)
    return sorted(found, key=lambda form: (form.__module__, form.__qualname__))


def test_every_form_is_built_without_deprecated_choices(app):
    forms = _register_forms()
    assert len(forms) > 20  # the walk found the areas' forms
    deprecated = {}
    with app.test_request_context("/"):
        for form in forms:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DeprecationWarning)
                form(meta={"csrf": False})
            messages = [str(w.message) for w in caught if "choices" in str(w.message)]
            if messages:
                deprecated[f"{form.__module__}.{form.__qualname__}"] = messages
    assert not deprecated, deprecated


def test_the_check_sees_tuple_choices(app):
    from wtforms import SelectField

    class Sample(FlaskForm):
        kind = SelectField(choices=[("a", "A")])

    with app.test_request_context("/"), pytest.warns(DeprecationWarning, match="choices as tuples"):
        Sample(meta={"csrf": False})
