"""The keys of the points archive's chain (settings.JIFEN_LEDGER_KEYS, current first).

Each entry, chain head and anchor records the id of the key that signed it, so that after a
rotation (manage.py rotate_ledger_key) the older ones still verify under their own key while
new ones use the current key.
"""

import functools
import hashlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def key_id(key: str) -> str:
    """A short public name of a key: enough to tell keys apart, nothing about the key."""
    return hashlib.sha256(b"jifen-ledger-key-id:" + key.encode()).hexdigest()[:8]


def _keys() -> list[str]:
    if not settings.JIFEN_LEDGER_KEYS:
        raise ImproperlyConfigured("JIFEN_LEDGER_KEYS is empty: the points archive needs a key.")
    return settings.JIFEN_LEDGER_KEYS


def current() -> tuple[str, bytes]:
    """The id and bytes of the key new entries are signed with."""
    key = _keys()[0]
    return key_id(key), key.encode()


@functools.cache
def _by_id(keys: tuple[str, ...]) -> dict[str, bytes]:
    return {key_id(key): key.encode() for key in keys}


def by_id(identifier: str) -> bytes | None:
    """The key with this id, or None when this server does not hold it."""
    return _by_id(tuple(_keys())).get(identifier)


def fingerprints() -> list[str]:
    """The ids of every key this server holds, current first: what a backup records so that a
    restore can tell whether it holds the keys the archive was signed with."""
    return [key_id(key) for key in _keys()]
