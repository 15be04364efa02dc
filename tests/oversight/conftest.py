"""Fixtures of the oversight tests: everything under test goes through the real HTTP API."""

from __future__ import annotations

import pytest

from tests.area_fixtures import make_solution, solution  # noqa: F401 - fixtures
from tests.helpers import Api
from tests.webclient import web  # noqa: F401 - fixture


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)  # no frozen time here: one token per user
