"""Remove audit events and access records older than the retention period (run daily from
cron). The purge is itself an audit event; rows younger than the period stay, and the database
refuses to delete any younger than 180 days whoever asks."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jifen.audit import services


class Command(BaseCommand):
    help = "Delete audit events and access records older than JIFEN_AUDIT_RETENTION_DAYS."

    def handle(self, *args, **options):
        counts = services.purge()
        self.stdout.write(
            _(
                "Kept %(days)d days; removed %(events)d audit events and %(records)d access "
                "records older than that."
            )
            % {
                "days": services.retention_days(),
                "events": counts["auditevent"],
                "records": counts["accessrecord"],
            }
        )
