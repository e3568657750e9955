"""Encryption at rest of the roster's personal data, and the blind index of ID numbers.

ID numbers, phones and birth dates are sensitive personal information (个人信息保护法 第二十八条):
the database holds them only encrypted with an AEAD cipher of the `cryptography` library under a
key kept outside the database (settings.JIFEN_PERSONAL_DATA_KEYS, jifen/env.py), so that a copy
of the database, a dump or a backup reveals none of them.

- A key is written `<cipher>:<secret>`: `aes-256-gcm` (the default) or `sm4-gcm` (国密 SM4 in
  GCM mode, through OpenSSL), chosen by JIFEN_PERSONAL_DATA_CIPHER when the key is made. From
  its secret two keys are derived (HKDF, with SHA-256 or SM3 as the cipher goes): one encrypts,
  one keys the blind index.
- A stored value is `<key id>$<base64 of nonce + ciphertext + tag>`; the key id names the key
  (current or retired), and the column it belongs to is authenticated with it, so that a value
  moved into another column does not decrypt.
- ID numbers are found and kept unique through a blind index: an HMAC of the normalised number
  under the index key (HMAC-SHA-256, or HMAC-SM3 for an SM4 key). Look-ups compute it under every
  key held, so rows not yet encrypted again after a rotation are still found.

Rotation: `manage.py rotate_personal_data_key` puts a new key first; once every server runs
with it, `manage.py reencrypt_personal_data` encrypts every row again under it.
"""

import base64
import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

AES_GCM = "aes-256-gcm"
SM4_GCM = "sm4-gcm"
CIPHERS = (AES_GCM, SM4_GCM)
_NONCE = 12
_TAG = 16


class UnreadableValue(Exception):
    """A stored value that no key held here decrypts: its key is missing, or it was changed."""


class _Sm4Gcm:
    """SM4 in GCM mode (GB/T 32907, RFC 8998) through cryptography's Cipher, with the same
    interface as its AESGCM: nonce, data, associated data in; ciphertext with the tag out."""

    def __init__(self, key: bytes):
        self._key = algorithms.SM4(key)

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes) -> bytes:
        encryptor = Cipher(self._key, modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, sealed: bytes, associated: bytes) -> bytes:
        data, tag = sealed[:-_TAG], sealed[-_TAG:]
        decryptor = Cipher(self._key, modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated)
        return decryptor.update(data) + decryptor.finalize()


@dataclass(frozen=True)
class DataKey:
    id: str
    cipher: str
    aead: object  # AESGCM or _Sm4Gcm
    index_key: bytes

    @property
    def index_hash(self) -> str:
        return "sm3" if self.cipher == SM4_GCM else "sha256"


def _derive(secret: bytes, cipher: str, purpose: bytes, length: int) -> bytes:
    algorithm = hashes.SM3() if cipher == SM4_GCM else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=length, salt=None, info=purpose).derive(secret)


def key_id(key: str) -> str:
    """A short public name of a key, as the ledger's (nothing about the key itself)."""
    return hashlib.sha256(b"jifen-personal-data-key-id:" + key.encode()).hexdigest()[:8]


def parse(key: str) -> DataKey:
    cipher, _colon, secret = key.partition(":")
    if cipher not in CIPHERS or not secret:
        raise ImproperlyConfigured(
            "A personal data key is written <cipher>:<secret>, the cipher one of "
            f"{', '.join(CIPHERS)}; make one with manage.py rotate_personal_data_key."
        )
    raw = secret.encode()
    if cipher == SM4_GCM:
        aead = _Sm4Gcm(_derive(raw, cipher, b"jifen personal data sm4", 16))
    else:
        aead = AESGCM(_derive(raw, cipher, b"jifen personal data aes", 32))
    index_key = _derive(raw, cipher, b"jifen personal data blind index", 32)
    return DataKey(key_id(key), cipher, aead, index_key)


@functools.cache
def _parsed(keys: tuple[str, ...]) -> tuple[tuple[DataKey, ...], dict[str, DataKey]]:
    if not keys:
        raise ImproperlyConfigured("JIFEN_PERSONAL_DATA_KEYS is empty: the roster needs a key.")
    parsed = tuple(parse(key) for key in keys)
    return parsed, {key.id: key for key in reversed(parsed)}


def held() -> tuple[DataKey, ...]:
    """Every key this server holds, current first."""
    return _parsed(tuple(settings.JIFEN_PERSONAL_DATA_KEYS))[0]


def current() -> DataKey:
    return held()[0]


def _by_id(identifier: str) -> DataKey | None:
    return _parsed(tuple(settings.JIFEN_PERSONAL_DATA_KEYS))[1].get(identifier)


def encrypt(text: str, column: str) -> str:
    """`text` encrypted under the current key for `column` ("orgs.member.phone")."""
    key = current()
    nonce = os.urandom(_NONCE)
    sealed = key.aead.encrypt(nonce, text.encode(), column.encode())
    return f"{key.id}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, column: str) -> str:
    identifier, _dollar, payload = stored.partition("$")
    key = _by_id(identifier)
    if key is None:
        raise UnreadableValue(f"{column} is encrypted under key {identifier}, not held here")
    raw = base64.b64decode(payload)
    try:
        return key.aead.decrypt(raw[:_NONCE], raw[_NONCE:], column.encode()).decode()
    except InvalidTag as error:
        raise UnreadableValue(f"{column} does not decrypt: changed, or moved") from error


_STORED = re.compile(r"[0-9a-f]{8}\$[A-Za-z0-9+/]+={0,2}")


def is_encrypted(text: str) -> bool:
    """Whether `text` is a value as `encrypt` writes it under a key this server holds (as a dump
    carries it), not a plain value: no ID number, phone or date has that shape."""
    return bool(_STORED.fullmatch(text)) and _by_id(key_of(text)) is not None


def key_of(stored: str) -> str:
    """The id of the key a stored value is encrypted under."""
    return stored.partition("$")[0]


def blind_index(normalised: str, key: DataKey | None = None) -> str:
    """The blind index of a normalised value under `key` (default: the current key)."""
    key = key or current()
    return hmac.new(key.index_key, normalised.encode(), key.index_hash).hexdigest()


def blind_indexes(normalised: str) -> list[str]:
    """The value's blind index under every key held: what a look-up searches for."""
    return [blind_index(normalised, key) for key in held()]


def fingerprints() -> list[str]:
    """The ids of every key this server holds, current first: what a backup records, so that a
    restore can tell whether it holds the keys the archive's personal data is encrypted under."""
    return [key.id for key in held()]
