from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jifen.ledger.chain import first_broken_entry
from jifen.ledger.models import Entry


class Command(BaseCommand):
    help = "Verify the hash chain of the points archive and name the first broken entry."

    def handle(self, *args, **options):
        entries = Entry.objects.order_by("member_id", "seq").iterator(chunk_size=5000)
        try:
            broken = first_broken_entry(entries)
        finally:
            # Close PostgreSQL's server-side cursor now, inside the transaction that opened it,
            # not whenever the unfinished iterator happens to be collected.
            entries.close()
        if broken is not None:
            raise CommandError(
                _(
                    "The points archive is broken at entry %(id)s "
                    "(member %(member)s, number %(seq)s)."
                )
                % {"id": broken.pk, "member": broken.member_id, "seq": broken.seq}
            )
        self.stdout.write(
            _("The points archive is intact: %(count)d entries checked.")
            % {"count": Entry.objects.count()}
        )
