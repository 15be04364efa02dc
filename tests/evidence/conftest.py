"""Fixtures of the evidence tests: the real HTTP API, and the evidence page through the web client."""

from __future__ import annotations

import pytest

from tests.area_fixtures import make_solution, solution  # noqa: F401 - fixtures
from tests.helpers import Api
from tests.webclient import web  # noqa: F401 - fixture (the evidence page)


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)  # no frozen time here: one token per user
