import datetime

from django.core.management import call_command

from jifen.cycle.models import Notice
from jifen.declarations.models import Declaration, VetoProposal
from jifen.ledger.models import Entry
from jifen.orgs.models import Member

# Fixed, so that the test does not depend on the month it runs in.
TODAY = datetime.date(2026, 11, 24)


def test_demo_loads_once_and_fills_every_kind_of_record(db, capsys):
    call_command("load_demo", today=TODAY)
    counts = [Member.objects.count(), Entry.objects.count(), Declaration.objects.count()]
    call_command("load_demo", today=TODAY)
    assert [Member.objects.count(), Entry.objects.count(), Declaration.objects.count()] == counts
    assert min(counts) > 0
    assert Declaration.objects.filter(status="submitted").exists()  # a review queue to work on
    assert Declaration.objects.filter(status="forwarded").exists()  # a commendation to review
    assert VetoProposal.objects.exists()
    assert Notice.objects.exists()
    call_command("verify_ledger")
    assert "member " in capsys.readouterr().out
