from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jifen.ledger.models import Anchor
from jifen.ledger.selectors import anchor_by_code
from jifen.ledger.verify import member_names, verify


class Command(BaseCommand):
    help = (
        "Verify the points archive: every entry's keyed digest and chain link, every member's "
        "chain head and every anchor; name each broken thing. With --anchor, check the code "
        "printed on a 登记表 or notice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", metavar="CODE", help="Check one printed anchor code and its chains."
        )

    def handle(self, *args, anchor=None, **options):
        if anchor is None:
            report = verify()
        else:
            found = anchor_by_code(anchor)
            if found is None:
                raise CommandError(
                    _(
                        "No anchor with this code is recorded: the archive does not hold what "
                        "the printed form was made from."
                    )
                )
            report = verify(
                anchors=Anchor.objects.filter(pk=found.pk),
                member_ids=[member_id for member_id, _seq, _digest in found.heads],
            )
        self.stdout.write(
            _(
                "Checked %(entries)d entries in %(chains)d chains, %(heads)d chain heads and "
                "%(anchors)d anchors."
            )
            % {
                "entries": report.entries,
                "chains": report.chains,
                "heads": report.heads,
                "anchors": report.anchors,
            }
        )
        if report.digests:
            self.stdout.write(
                _("Keyed digests: %(digests)s.")
                % {"digests": ", ".join(sorted(d.upper() for d in report.digests))}
            )
        if not report.problems:
            self.stdout.write(_("The points archive is intact."))
            return
        names = member_names(report)
        for member_id, text in report.problems:
            who = (
                _("member %(id)d (%(name)s): ")
                % {"id": member_id, "name": names.get(member_id, "?")}
                if member_id is not None
                else ""
            )
            self.stderr.write(f"- {who}{text}")
        raise CommandError(
            _("The points archive is broken: %(count)d problems found.")
            % {"count": len(report.problems)}
        )
