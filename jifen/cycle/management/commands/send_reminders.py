from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from jifen.cycle.services import reminders_send


class Command(BaseCommand):
    help = "Create the reminders of everyone's open tasks and email them; run daily from cron."

    def handle(self, *args, **options):
        # Reminders are written in the site's language, not the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            made = reminders_send()
            self.stdout.write(_("%(count)d new reminders.") % {"count": made})
