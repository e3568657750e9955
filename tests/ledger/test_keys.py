"""The ledger key lives outside the database and rotates without breaking older entries."""

from io import StringIO

from django.core.management import call_command

from jifen.env import ledger_keys
from jifen.ledger import keys
from jifen.ledger.keys import key_id


def test_a_key_file_is_made_once_beside_the_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_LEDGER_KEY", raising=False)
    first = ledger_keys(tmp_path, keys.SHA256)
    assert len(first) == 1 and len(first[0]) >= 40
    assert ledger_keys(tmp_path, keys.SM3) == first
    assert (tmp_path / "ledger_key").stat().st_mode & 0o777 == 0o600


def test_the_environment_takes_precedence_with_retired_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("JIFEN_LEDGER_KEY", "current-key")
    monkeypatch.setenv("JIFEN_LEDGER_RETIRED_KEYS", "old-1, old-2")
    assert ledger_keys(tmp_path, keys.SHA256) == ["current-key", "old-1", "old-2"]
    assert not (tmp_path / "ledger_key").exists()


def test_rotation_puts_a_new_key_first_and_keeps_the_old(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_LEDGER_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    [old] = ledger_keys(tmp_path, keys.SHA256)
    out = StringIO()

    call_command("rotate_ledger_key", stdout=out)

    new, kept = ledger_keys(tmp_path, keys.SHA256)
    assert kept == old and new != old
    assert key_id(new) in out.getvalue()


def test_rotation_with_keys_in_the_environment_says_what_to_set(settings, monkeypatch):
    monkeypatch.setenv("JIFEN_LEDGER_KEY", "current-key")
    out = StringIO()
    call_command("rotate_ledger_key", stdout=out)
    assert "JIFEN_LEDGER_RETIRED_KEYS" in out.getvalue()


def test_a_key_carries_the_digest_chosen_when_it_was_made(settings, tmp_path, monkeypatch):
    """JIFEN_LEDGER_DIGEST decides the digest of keys made from then on; a key made before
    keeps its own, and a key from before the choice existed is an HMAC-SHA-256 key."""
    monkeypatch.delenv("JIFEN_LEDGER_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    [installed] = ledger_keys(tmp_path, keys.SM3)
    assert keys.parse(installed).digest == keys.SM3

    settings.JIFEN_LEDGER_DIGEST = keys.SHA256
    call_command("rotate_ledger_key", stdout=StringIO())

    new, old = ledger_keys(tmp_path, keys.SHA256)
    assert (keys.parse(new).digest, keys.parse(old).digest) == (keys.SHA256, keys.SM3)
    assert keys.parse("a key from an older release") == keys.LedgerKey(
        b"a key from an older release", keys.SHA256
    )


def test_a_mismatch_between_the_setting_and_the_current_key_is_reported(settings):
    from jifen.ledger.checks import ledger_digest_check

    settings.JIFEN_LEDGER_KEYS = ["hmac-sha256:secret"]
    settings.JIFEN_LEDGER_DIGEST = keys.SM3
    assert [w.id for w in ledger_digest_check(None)] == ["jifen.ledger.W001"]
    settings.JIFEN_LEDGER_DIGEST = keys.SHA256
    assert ledger_digest_check(None) == []
