"""Fixtures of the account tests (pages and API)."""

from tests.webclient import web  # noqa: F401 - fixture
