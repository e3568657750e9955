"""The keys of the points archive's chain (settings.JIFEN_LEDGER_KEYS, current first).

Each entry, chain head and anchor records the id of the key that signed it, so that after a
rotation (manage.py rotate_ledger_key) the older ones still verify under their own key while
new ones use the current key.

A key carries the keyed digest it is used with, written in front of it: `hmac-sha256:…` or
`hmac-sm3:…` (the 国密 hash, OpenSSL's sm3). The digest is chosen by JIFEN_LEDGER_DIGEST when
a key is made (at installation, or by a rotation), and since every row names its key, each is
always verified with the digest it was signed with, whatever the setting says today. A key
without either prefix (made before the choice existed) is an HMAC-SHA-256 key.
"""

import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHA256 = "hmac-sha256"
SM3 = "hmac-sm3"
DIGESTS = {SHA256: "sha256", SM3: "sm3"}  # our names → hashlib's


@dataclass(frozen=True)
class LedgerKey:
    secret: bytes
    digest: str = SHA256

    @property
    def hash_name(self) -> str:
        return DIGESTS[self.digest]


def parse(key: str) -> LedgerKey:
    digest, _colon, secret = key.partition(":")
    if digest in DIGESTS and secret:
        return LedgerKey(secret.encode(), digest)
    return LedgerKey(key.encode(), SHA256)


def key_id(key: str) -> str:
    """A short public name of a key: enough to tell keys apart, nothing about the key."""
    return hashlib.sha256(b"jifen-ledger-key-id:" + key.encode()).hexdigest()[:8]


def _keys() -> list[str]:
    if not settings.JIFEN_LEDGER_KEYS:
        raise ImproperlyConfigured("JIFEN_LEDGER_KEYS is empty: the points archive needs a key.")
    return settings.JIFEN_LEDGER_KEYS


def current() -> tuple[str, LedgerKey]:
    """The id of the key new entries are signed with, and the key."""
    key = _keys()[0]
    return key_id(key), parse(key)


@functools.cache
def _by_id(keys: tuple[str, ...]) -> dict[str, LedgerKey]:
    return {key_id(key): parse(key) for key in keys}


def by_id(identifier: str) -> LedgerKey | None:
    """The key with this id, or None when this server does not hold it."""
    return _by_id(tuple(_keys())).get(identifier)


def fingerprints() -> list[str]:
    """The ids of every key this server holds, current first: what a backup records so that a
    restore can tell whether it holds the keys the archive was signed with."""
    return [key_id(key) for key in _keys()]
