from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jifen.ledger import standings


class Command(BaseCommand):
    help = (
        "Make the read model of standings (each member's month, quarter and year so far, with "
        "ranks) again from the points archive, the placements and the schemes."
    )

    def handle(self, *args, **options):
        count = standings.rebuild()
        self.stdout.write(
            _("Standings rebuilt from the archive: %(count)d rows.") % {"count": count}
        )
