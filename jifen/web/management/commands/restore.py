from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jifen.web import backup


class Command(BaseCommand):
    help = (
        "Load an archive written by `backup` into an empty database and an empty file storage "
        "(refused otherwise), after checking that this server holds the archive's keys; then "
        "verify the points archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive written by `backup`.")

    def handle(self, *args, archive: Path, **options):
        try:
            restored = backup.restore(archive, self.stdout)
        except backup.RestoreRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {restored.rows} rows and {restored.files} files.")
