"""The ledger key lives outside the database and rotates without breaking older entries."""

from io import StringIO

from django.core.management import call_command

from jifen.env import ledger_keys
from jifen.ledger.keys import key_id


def test_a_key_file_is_made_once_beside_the_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_LEDGER_KEY", raising=False)
    first = ledger_keys(tmp_path)
    assert len(first) == 1 and len(first[0]) >= 40
    assert ledger_keys(tmp_path) == first
    assert (tmp_path / "ledger_key").stat().st_mode & 0o777 == 0o600


def test_the_environment_takes_precedence_with_retired_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("JIFEN_LEDGER_KEY", "current-key")
    monkeypatch.setenv("JIFEN_LEDGER_RETIRED_KEYS", "old-1, old-2")
    assert ledger_keys(tmp_path) == ["current-key", "old-1", "old-2"]
    assert not (tmp_path / "ledger_key").exists()


def test_rotation_puts_a_new_key_first_and_keeps_the_old(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_LEDGER_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    [old] = ledger_keys(tmp_path)
    out = StringIO()

    call_command("rotate_ledger_key", stdout=out)

    new, kept = ledger_keys(tmp_path)
    assert kept == old and new != old
    assert key_id(new) in out.getvalue()


def test_rotation_with_keys_in_the_environment_says_what_to_set(settings, monkeypatch):
    monkeypatch.setenv("JIFEN_LEDGER_KEY", "current-key")
    out = StringIO()
    call_command("rotate_ledger_key", stdout=out)
    assert "JIFEN_LEDGER_RETIRED_KEYS" in out.getvalue()
