"""Fixtures of the fria tests (shared with the other areas of a solution's records)."""

from tests.area_fixtures import api, classify, make_solution, solution, web_login  # noqa: F401 - fixtures
from tests.webclient import web  # noqa: F401 - fixture
