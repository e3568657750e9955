"""One archive that restores a whole installation: the database in Django's own serialised form
(the same on SQLite and PostgreSQL, loaded row by row as INSERTs, which the append-only ledger's
triggers allow), every file of every FileField from the file storage (evidence, exports) with
its SHA-256, and the fingerprints of the keys kept outside the database, never the keys.

The archive is a gzipped tar: manifest.json, database.xml and files/<name in the storage>. XML,
not JSON: Django's JSON encoder cuts times to milliseconds, and the ledger's digests cover the
microseconds.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

FORMAT = 1
# Made again by `migrate` in the empty database, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class RestoreRefused(Exception):
    pass


def key_fingerprints() -> dict[str, list[str]]:
    """{name: fingerprints of the keys this server holds} for every key kept outside the
    database (settings.JIFEN_KEY_FINGERPRINTS: name → dotted path of a function)."""
    return {name: import_string(path)() for name, path in settings.JIFEN_KEY_FINGERPRINTS.items()}


def stored_files() -> list[str]:
    """The storage names of every file that a FileField of any model refers to."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                rows = model._base_manager.exclude(**{field.name: ""})
                names.update(rows.values_list(field.name, flat=True))
    return sorted(names)


def _add(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def backup(path: Path) -> dict:
    """Write the archive to `path`; returns its manifest."""
    files = {}
    with tarfile.open(path, "w:gz") as archive, tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "database.xml"
        call_command(
            "dumpdata",
            # Keys as they are: the ledger's digests cover ids (who recorded an entry).
            natural_foreign=True,
            exclude=EXCLUDED,
            format="xml",
            output=str(dump),
            verbosity=0,
        )
        archive.add(dump, "database.xml")
        for name in stored_files():
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            files[name] = hashlib.sha256(content).hexdigest()
            _add(archive, f"files/{name}", content)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "keys": key_fingerprints(),
            "files": files,
        }
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


@dataclass
class Restored:
    rows: int
    files: int


def restore(path: Path, stdout) -> Restored:
    """Load the archive into an empty database and an empty file storage, then verify the
    points archive. Refuses, before writing anything, a database or storage that holds data and
    keys that differ from the archive's."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise RestoreRefused(_("This is not a jifen backup of a format this version reads."))
        _check_keys(manifest["keys"])
        _check_empty()
        call_command("migrate", interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory() as scratch:
            archive.extract("database.xml", scratch, filter="data")
            call_command("loaddata", str(Path(scratch) / "database.xml"), verbosity=0)
        for name, digest in manifest["files"].items():
            content = archive.extractfile(f"files/{name}").read()
            if hashlib.sha256(content).hexdigest() != digest:
                raise RestoreRefused(_("The file %s in the backup is damaged.") % name)
            if default_storage.save(name, ContentFile(content)) != name:
                raise RestoreRefused(_("The file %s could not be stored under its name.") % name)
    call_command("verify_ledger", stdout=stdout)
    rows = sum(model._base_manager.count() for model in apps.get_models())
    return Restored(rows=rows, files=len(manifest["files"]))


def _check_keys(archived: dict[str, list[str]]) -> None:
    held = key_fingerprints()
    for name, fingerprints in archived.items():
        missing = [fp for fp in fingerprints if fp not in held.get(name, [])]
        if missing:
            raise RestoreRefused(
                _(
                    "This server does not hold the %(name)s key(s) %(ids)s that the backup was "
                    "made with: configure them first (the keys are never in a backup)."
                )
                % {"name": name, "ids": ", ".join(missing)}
            )


def _holds_files(path: str) -> bool:
    """Whether the storage holds a file under `path` (empty directories, such as the readiness
    check leaves, do not count)."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return False
    return bool(files) or any(_holds_files(f"{path}{directory}/") for directory in directories)


def _check_empty() -> None:
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.label_lower in MADE_BY_MIGRATE:
            continue
        if model._meta.db_table in tables and model._base_manager.exists():
            raise RestoreRefused(
                _("The database is not empty (%s has rows): restore into an empty one.")
                % model._meta.label
            )
    if _holds_files(""):
        raise RestoreRefused(
            _("The file storage is not empty: restore into an empty media directory.")
        )
