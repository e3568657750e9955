from tests.cycle.conftest import cycle  # noqa: F401 (fixture)
