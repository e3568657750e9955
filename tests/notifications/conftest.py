from tests.cycle.conftest import cycle, year_world  # noqa: F401 (fixtures)
