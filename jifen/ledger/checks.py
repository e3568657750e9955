import hashlib

from django.conf import settings
from django.core import checks

from jifen.ledger import keys


@checks.register()
def ledger_digest_check(app_configs, **kwargs):
    """The digest a new key would be made for, against the one the current key carries: they
    differ after JIFEN_LEDGER_DIGEST changed and until rotate_ledger_key made a key for it."""
    problems = []
    if keys.SM3 in {keys.parse(key).digest for key in settings.JIFEN_LEDGER_KEYS}:
        try:
            hashlib.new("sm3")
        except ValueError:
            message = "A ledger key uses HMAC-SM3 but this Python's OpenSSL has no sm3."
            problems.append(checks.Error(message, id="jifen.ledger.E001"))
    wanted, (_id, key) = settings.JIFEN_LEDGER_DIGEST, keys.current()
    if key.digest != wanted:
        message = (
            f"JIFEN_LEDGER_DIGEST is {wanted} but the current ledger key is for {key.digest}: "
            "new entries are signed with the key's digest until `manage.py rotate_ledger_key` "
            "makes a key for the setting's."
        )
        problems.append(checks.Warning(message, id="jifen.ledger.W001"))
    return problems
