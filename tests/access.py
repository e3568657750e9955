"""The permission matrix: every named URL × every persona, with the expected status.

Each app lists its pages in `tests/<app>/access.py` as `CASES = [Case(...), ...]`;
tests/test_access_matrix.py collects them all and fails for any URL that has no case, so a
new page without a permission rule cannot slip in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = (
    "anonymous",
    "member",
    "committee_member",
    "secretary",
    "reviewer",
    "admin",
    "outsider",
)


@dataclass(frozen=True)
class Case:
    """`expect` maps persona → status for GET (302 to the login page for anonymous, 403 or 404
    for a refusal); personas left out expect `default`. `kwargs` builds the URL's arguments
    from the `world` fixture (tests/conftest.py)."""

    url_name: str
    expect: dict[str, int]
    default: int = 200
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    query: str = ""

    def status_for(self, persona: str) -> int:
        return self.expect.get(persona, self.default)
