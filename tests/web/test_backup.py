"""A demo year through `manage.py backup` and `manage.py restore` into an empty database and
media directory of the same kind (SQLite or PostgreSQL), run as an operator runs them: every
row, score and ledger digest and every evidence and export file comes back, the ledger verifies,
and a restore is refused over data or without the archive's keys."""

import datetime
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from jifen.declarations.models import Declaration
from jifen.exchange.enums import JobState
from jifen.exchange.models import Job
from jifen.orgs import encryption
from jifen.orgs.models import Member
from jifen.portal.models import DeclarationFile
from jifen.web import backup
from tests.databases import empty_database_like_the_tests, url_of

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jifen.settings", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def server_env(database_url: str, media: Path, keys: list[str]) -> dict:
    personal = settings.JIFEN_PERSONAL_DATA_KEYS
    return {
        "DATABASE_URL": database_url,
        "JIFEN_MEDIA_ROOT": str(media),
        "JIFEN_VAR_DIR": str(media.parent),
        "JIFEN_LEDGER_KEY": keys[0],
        "JIFEN_LEDGER_RETIRED_KEYS": ",".join(keys[1:]),
        "JIFEN_PERSONAL_DATA_KEY": personal[0],
        "JIFEN_PERSONAL_DATA_RETIRED_KEYS": ",".join(personal[1:]),
    }


ENCRYPTED = ("id_number", "phone", "birth_date")


def readable(dump: str) -> str:
    """The dump with the roster's personal data decrypted: a dump carries it encrypted, afresh
    (another nonce) each time it is written."""
    root = ET.fromstring(dump)
    for obj in root:
        for field in obj if obj.get("model") == "orgs.member" else ():
            if field.get("name") in ENCRYPTED and field.text:
                field.text = encryption.decrypt(field.text, f"orgs.member.{field.get('name')}")
    return ET.tostring(root, encoding="unicode")


def _evidence_and_an_export():
    """The demo has no files: evidence for three declarations and one finished export."""
    for number, declaration in enumerate(Declaration.objects.order_by("pk")[:3]):
        content = PDF + f"% evidence {number}\n".encode()
        file = DeclarationFile(declaration=declaration, name=f"证明{number}.pdf", size=len(content))
        file.content_type = "application/pdf"
        file.file.save(f"evidence/demo{number}.pdf", ContentFile(content))
    Job.objects.create(
        export="roster",
        state=JobState.DONE,
        file=ContentFile(b"\xef\xbb\xbfname\n", name="roster.csv"),
        content_type="text/csv",
        filename="名册.csv",
        created_by=User.objects.get(username="secretary"),
    )


def checksums(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media.rglob("*")
        if path.is_file()
    }


def values(dump: str, names: tuple[str, ...]) -> list[tuple]:
    """(model, pk, field, value) of every field whose name contains one of `names`."""
    return [
        (obj.get("model"), obj.get("pk"), field.get("name"), field.text)
        for obj in ET.fromstring(dump)
        for field in obj
        if any(name in (field.get("name") or "") for name in names)
    ]


def test_a_demo_year_round_trips_through_backup_and_restore(transactional_db, tmp_path, _media):
    # Ids that do not start at 1, as in any database that has lived: a restore keeps them.
    User.objects.create(username="gone").delete()
    call_command("load_demo", today=datetime.date(2026, 11, 20), stdout=io.StringIO())
    _evidence_and_an_export()
    archive = tmp_path / "jifen.tar.gz"
    keys = settings.JIFEN_LEDGER_KEYS
    manifest = backup.backup(archive)
    source = manage(
        "dumpdata",
        "--natural-foreign",
        "--format",
        "xml",
        *(f"--exclude={label}" for label in backup.EXCLUDED),
        env=server_env(url_of(connection.settings_dict), _media, keys),
    )
    assert source.returncode == 0, source.stderr
    assert len(manifest["files"]) == 4

    restored_media = tmp_path / "restored" / "media"
    with empty_database_like_the_tests(tmp_path, "restored") as target:
        env = server_env(target, restored_media, keys)

        # Without the ledger key the archive was made with: refused before anything is written.
        wrong = manage("restore", str(archive), env={**env, "JIFEN_LEDGER_KEY": "another key"})
        assert wrong.returncode != 0 and "本服务器没有" in wrong.stderr
        assert backup.key_fingerprints()["ledger"][0] in wrong.stderr
        # Nor without the key of the roster's personal data.
        other = {**env, "JIFEN_PERSONAL_DATA_KEY": "aes-256-gcm:another-key"}
        wrong = manage("restore", str(archive), env=other)
        assert wrong.returncode != 0 and "本服务器没有" in wrong.stderr
        assert backup.key_fingerprints()["personal_data"][0] in wrong.stderr

        # Into a media directory that holds files: refused.
        restored_media.mkdir(parents=True)
        (restored_media / "left-over.pdf").write_bytes(PDF)
        refused = manage("restore", str(archive), env=env)
        assert refused.returncode != 0 and "文件存储不为空" in refused.stderr
        (restored_media / "left-over.pdf").unlink()

        restored = manage("restore", str(archive), env=env)
        assert restored.returncode == 0, restored.stderr
        assert "积分档案完整" in restored.stdout or "intact" in restored.stdout

        copy = manage(
            "dumpdata",
            "--natural-foreign",
            "--format",
            "xml",
            *(f"--exclude={label}" for label in backup.EXCLUDED),
            env=env,
        )
        # Over data: refused, and the data stays as it was.
        again = manage("restore", str(archive), env=env)
        assert again.returncode != 0 and "数据库不为空" in again.stderr

    scores = values(source.stdout, ("score", "points"))
    digests = values(source.stdout, ("digest", "mark", "code"))
    assert len(scores) > 1000 and len(digests) > 700
    assert values(copy.stdout, ("score", "points")) == scores
    assert values(copy.stdout, ("digest", "mark", "code")) == digests
    assert readable(copy.stdout) == readable(source.stdout)  # and every other row and field
    # The archive, like the database, holds the roster's personal data encrypted only.
    with tarfile.open(archive, "r:gz") as opened:
        database = opened.extractfile("database.xml").read().decode()
    clear = [value for m in Member.objects.all() for value in (m.id_number, m.phone) if value]
    assert len(clear) > 20 and not [value for value in clear if value in database]
    assert checksums(restored_media) == checksums(_media) == manifest["files"]
