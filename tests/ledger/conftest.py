import pytest

from jifen.env import new_ledger_key
from jifen.ledger import keys


@pytest.fixture(params=[keys.SHA256, keys.SM3])
def ledger_digest(request, settings) -> str:
    """Runs a test once with an HMAC-SHA-256 key and once with an HMAC-SM3 (国密) key, each
    made as an installation with that JIFEN_LEDGER_DIGEST would make it."""
    settings.JIFEN_LEDGER_DIGEST = request.param
    settings.JIFEN_LEDGER_KEYS = [new_ledger_key(request.param)]
    return request.param
