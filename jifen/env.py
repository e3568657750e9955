"""Tiny typed readers for settings from the environment (as healthchecks does)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`; anything else stops the start rather than being read as the default."""
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} is {value!r}; it must be one of {', '.join(choices)}.")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def secret_key(var_dir: Path) -> str:
    """The key from DJANGO_SECRET_KEY, else one generated once into an ignored file.

    Several app servers behind a load balancer must share DJANGO_SECRET_KEY; the file is
    only a convenience for a single development machine.
    """
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def ledger_keys(var_dir: Path, digest: str) -> list[str]:
    """The keys of the points archive's chain, current first, then retired ones still needed
    to verify older entries.

    From JIFEN_LEDGER_KEY (and JIFEN_LEDGER_RETIRED_KEYS, comma-separated), else from the
    file `ledger_key` beside the secret key: one key per line, current first. The file is
    made once with a fresh key for the keyed digest `digest` (JIFEN_LEDGER_DIGEST at
    installation), which the key carries with it. The key must never be kept in the database:
    whoever can write there alone must not be able to forge an entry.
    """
    return _keys(var_dir, "JIFEN_LEDGER", ledger_key_file(var_dir), lambda: new_ledger_key(digest))


def ledger_key_file(var_dir: Path) -> Path:
    return var_dir / "ledger_key"


def new_ledger_key(digest: str) -> str:
    """A fresh key, written as `<digest>:<secret>` (jifen/ledger/keys.py reads the digest)."""
    return f"{digest}:{secrets.token_urlsafe(32)}"


def personal_data_keys(var_dir: Path, cipher: str) -> list[str]:
    """The keys that encrypt the roster's personal data (ID numbers, phones, birth dates),
    current first, then retired ones still needed to read rows not yet encrypted again.

    From JIFEN_PERSONAL_DATA_KEY (and JIFEN_PERSONAL_DATA_RETIRED_KEYS), else from the file
    `personal_data_key` beside the secret key, made once with a fresh key for `cipher`
    (JIFEN_PERSONAL_DATA_CIPHER at installation). Never kept in the database, whose copies and
    dumps must not hold what is needed to read them.
    """
    return _keys(
        var_dir,
        "JIFEN_PERSONAL_DATA",
        personal_data_key_file(var_dir),
        lambda: new_personal_data_key(cipher),
    )


def personal_data_key_file(var_dir: Path) -> Path:
    return var_dir / "personal_data_key"


def new_personal_data_key(cipher: str) -> str:
    """A fresh key, written as `<cipher>:<secret>` (jifen/orgs/encryption.py reads it)."""
    return f"{cipher}:{secrets.token_urlsafe(32)}"


def _keys(var_dir: Path, prefix: str, path: Path, make) -> list[str]:
    """`{prefix}_KEY` and `{prefix}_RETIRED_KEYS` from the environment, else the key file (one
    key per line, current first), made once with `make()`."""
    if key := os.environ.get(f"{prefix}_KEY"):
        return [key.strip(), *envlist(f"{prefix}_RETIRED_KEYS", [])]
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(make() + "\n")
        path.chmod(0o600)
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def file_storage() -> dict:
    """The storage of evidence and export files (STORAGES["default"]): the file system under
    MEDIA_ROOT, or with JIFEN_STORAGE=s3 a bucket of S3-compatible object storage (django-storages)
    named by JIFEN_S3_BUCKET, at JIFEN_S3_ENDPOINT_URL (empty: AWS), with JIFEN_S3_ACCESS_KEY,
    JIFEN_S3_SECRET_KEY and JIFEN_S3_REGION. Files are private: no public ACL, and a file's
    address is never handed out (the views read and check access)."""
    kind = os.environ.get("JIFEN_STORAGE", "filesystem")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ValueError(f"JIFEN_STORAGE is 'filesystem' or 's3', not {kind!r}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["JIFEN_S3_BUCKET"],
            "endpoint_url": os.environ.get("JIFEN_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("JIFEN_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("JIFEN_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("JIFEN_S3_REGION") or None,
            "location": os.environ.get("JIFEN_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
