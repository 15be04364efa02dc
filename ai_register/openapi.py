"""flask-smorest, made to speak RFC 9457 problem details in the spec as on the wire."""

from __future__ import annotations

import http

import flask
import marshmallow as ma
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from ai_register.request_parsing import BoundaryParser

PROBLEM_CONTENT_TYPE = "application/problem+json"

# flask-smorest reads request arguments with its blueprints' ARGUMENTS_PARSER (bound when a view is
# decorated, so it is set here, before any API module is imported): the JSON boundary's checks.
Blueprint.ARGUMENTS_PARSER = BoundaryParser()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details. Extra members (e.g. `unmet`, `current_version`) may follow."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(metadata={"description": "URI reference identifying the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary of the problem type"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "Explanation specific to this occurrence"})
    instance = ma.fields.String(metadata={"description": "The request path"})
    errors = ma.fields.Dict(metadata={"description": "Field name → list of messages (validation errors)"})
    code = ma.fields.String(metadata={"description": (
        "Machine-readable reason, stable across releases (read it instead of `detail`): "
        "`role` (the caller's role may not do this), `four_eyes` (someone else must decide), "
        "`not_owner` (only an owner of the solution may change it), "
        "`not_oversight_owner` (only the solution's human-oversight owner may decide it), "
        "`not_allowed` (another rule refuses the caller), `not_found`, `invalid_input` (see `errors`), "
        "`supplier_linked` (the solution's supplier, product and version are the supplier register's while "
        "it is linked to a product version there), "
        "`record_does_not_fit` (the record chosen to meet an obligation is not of a kind that meets it; see "
        "`errors.record_id`), "
        "`conflict`, `read_only` (the record can no longer change), `gate_not_met` (see `unmet`), "
        "`stale` (changed meanwhile; see `current_version`), `version_required` (send If-Match), "
        "`unauthenticated`, `bad_request`, `method_not_allowed`, `too_large`, `unsupported_media_type`, "
        "`too_many_requests`, `internal_error`, `unavailable`.")})


def shown_as_properties(self, field, ret, **kwargs) -> dict:
    """A computed member (`apikit.Shown`) in the spec as the field it is shown as: its type, format, items."""
    shown_as = getattr(field, "shown_as", None)
    if shown_as is None:
        return {}
    return {key: value for key, value in self.field2property(shown_as).items() if key not in ret}


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema
    _spec_json: tuple[object, str] | None = None  # (the spec, its JSON text)

    def _openapi_json(self):
        """The spec as flask-smorest serves it, written once per spec: it is the code's (every blueprint is
        registered while the application is made), and writing its ~470 kB indented took 15-30 ms a request."""
        spec = self.spec
        if self._spec_json is None or self._spec_json[0] is not spec:
            self._spec_json = (spec, flask.json.dumps(spec.to_dict(), indent=2, sort_keys=False))
        return flask.current_app.response_class(self._spec_json[1], mimetype="application/json")

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(shown_as_properties)

    def _register_error_handlers(self):
        """Errors are handled once, in ai_register.errors, for the API and the web pages alike."""

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
