"""Encrypt every member's ID number, phone and birth date again under the current personal data
key, with the blind index under it; then say whether any value is left under a retired key (a
retired key may be removed only when none is)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jifen.orgs import services


class Command(BaseCommand):
    help = "Encrypt the roster's personal data again under the current key (after a rotation)."

    def handle(self, *args, **options):
        done, left = services.personal_data_reencrypt()
        self.stdout.write(
            _("%(count)d members encrypted again under the current key.") % {"count": done}
        )
        if left:
            raise CommandError(
                _(
                    "%(count)d values are still under a retired key (members changed while "
                    "this ran on a server without the new key?); run the command again."
                )
                % {"count": left}
            )
        self.stdout.write(
            _("No value is left under a retired key: the retired keys may be removed.")
        )
