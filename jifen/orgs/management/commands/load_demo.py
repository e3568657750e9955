import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from jifen import demo


class Command(BaseCommand):
    help = "Load demonstration data (once; running it again changes nothing) and print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD): the demo year runs up to it.",
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        if demo.already_loaded():
            self.stdout.write("Demonstration data is already loaded.")
        else:
            demo.build(today.year, today)
            self.stdout.write(self.style.SUCCESS("Demonstration data loaded."))
        self.stdout.write(f"\nDemo logins (password: {demo.PASSWORD}):")
        for hint in demo.HINTS:
            self.stdout.write(f"  {hint.username:<12} {hint.role}")
        self.stdout.write("  root         superuser (/admin/)\n")
