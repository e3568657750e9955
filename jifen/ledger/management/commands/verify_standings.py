from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jifen.ledger import standings
from jifen.ledger.models import Standing


def _describe(what: str) -> str:
    if what == "missing":
        return _("no row, though the archive gives one")
    if what == "extra":
        return _("a row the archive does not give")
    if what.startswith("sums:"):
        return _("the sum of scores of branch %(branch)s differs") % {"branch": what[5:]}
    return _("differs in %(fields)s") % {"fields": what}


class Command(BaseCommand):
    help = (
        "Compare the read model of standings with what the points archive says now and name "
        "every row that differs (rebuild_standings makes them again)."
    )

    def handle(self, *args, **options):
        found = standings.differences()
        self.stdout.write(
            _("Checked %(count)d rows of standings.") % {"count": Standing.objects.count()}
        )
        if not found:
            self.stdout.write(_("The standings agree with the points archive."))
            return
        for member_id, year, month, what in found:
            line = {"member": member_id, "year": year, "month": month, "what": _describe(what)}
            if member_id is None:
                self.stderr.write(_("- %(year)d-%(month)02d: %(what)s") % line)
            else:
                self.stderr.write(_("- member %(member)d, %(year)d-%(month)02d: %(what)s") % line)
        raise CommandError(
            _(
                "The standings differ from the points archive in %(count)d rows: run "
                "rebuild_standings."
            )
            % {"count": len(found)}
        )
