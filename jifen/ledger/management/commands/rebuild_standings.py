from django.core.cache import caches
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
        # A rebuild repairs rows without a service's audit record, which is what tells a kept
        # signed-in page that it changed (jifen/web/personal.py): every page is made anew.
        caches["personal"].clear()
        self.stdout.write(
            _("Standings rebuilt from the archive: %(count)d rows.") % {"count": count}
        )
