from pathlib import Path

from django.core.management.base import BaseCommand

from jifen.web import backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the whole database, every evidence and export file "
        "from the file storage and the fingerprints of the keys (never the keys themselves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Where to write the archive.")

    def handle(self, *args, archive: Path, **options):
        manifest = backup.backup(archive)
        self.stdout.write(
            f"Wrote {archive}: the {manifest['database']} database, "
            f"{len(manifest['files'])} files, key fingerprints "
            + "; ".join(f"{name} {', '.join(ids)}" for name, ids in manifest["keys"].items())
        )
