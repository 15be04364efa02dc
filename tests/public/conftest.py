"""The public register's tests (ai_register/public): the open list, CSV/JSON, the citizens' pages and the
public descriptions. The public solution among them is the reports' story (registered, classified,
reviewed, an oversight owner named), so its fixture is shared from there."""

from tests.reports.conftest import story  # noqa: F401 - fixture
