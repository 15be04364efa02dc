"""Fixtures of the supplier-register tests (shared with the other areas of a solution's records), and the
pages through the web client."""

from tests.area_fixtures import api, classify, make_solution, solution, web_login  # noqa: F401 - fixtures
from tests.webclient import web  # noqa: F401 - fixture (the pages)
