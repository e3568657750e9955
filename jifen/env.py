"""Tiny typed readers for settings from the environment (as healthchecks does)."""

import os
import secrets
from pathlib import Path


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


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


def ledger_keys(var_dir: Path) -> list[str]:
    """The keys of the points archive's chain, current first, then retired ones still needed
    to verify older entries.

    From JIFEN_LEDGER_KEY (and JIFEN_LEDGER_RETIRED_KEYS, comma-separated), else from the
    file `ledger_key` beside the secret key: one key per line, current first. The file is
    made once with a fresh key. The key must never be kept in the database: whoever can
    write there alone must not be able to forge an entry.
    """
    if key := os.environ.get("JIFEN_LEDGER_KEY"):
        return [key.strip(), *envlist("JIFEN_LEDGER_RETIRED_KEYS", [])]
    path = ledger_key_file(var_dir)
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(new_ledger_key() + "\n")
        path.chmod(0o600)
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def ledger_key_file(var_dir: Path) -> Path:
    return var_dir / "ledger_key"


def new_ledger_key() -> str:
    return secrets.token_urlsafe(32)
