"""Fixtures of the web tests (helpers in tests/webclient.py): the shell's pages (navigation, number inputs,
readable pages, form messages), the page access matrix and the journeys through several areas. An area's
own pages are tested in that area's folder."""

from __future__ import annotations

import pytest

from tests.answers import NOT_LISTED
from tests.webclient import (  # noqa: F401 - helpers this package's tests import from here
    CSRF,
    WebClient,
    answer_wizard,
    compile_catalogs,
    hidden,
    seed_indicators,
    text,
    web,
)

MINIMAL_ANSWERS = NOT_LISTED  # minimal risk, no Annex III area (tests/answers.py)


@pytest.fixture
def app_config(app_config) -> dict:
    # The pilot gate's trustworthy-AI self-assessment has its own page and tests (portfolio); these
    # journeys are the issue-6 ones: goals, benefit, oversight owner and DPIA open the gate.
    return {**app_config, "TRUSTWORTHY_ASSESSMENT_REQUIRED": False}


@pytest.fixture(autouse=True)
def indicator_ids(app) -> dict[str, int]:
    return seed_indicators()
