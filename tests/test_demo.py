import datetime

from django.core.management import call_command

from jifen.activities.enums import ActivityState
from jifen.activities.models import Activity, CheckIn
from jifen.cycle.models import Notice
from jifen.declarations.models import Declaration, VetoProposal
from jifen.ledger.enums import Source
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
    # A year of organisational life for the first branch and its party group, with attendance.
    for org in ("后勤第一党支部", "第一党小组"):
        held = Activity.objects.filter(organisation__name=org, state=ActivityState.CLOSED)
        assert held.filter(month=1).exists() and held.filter(month=10).exists()
        assert CheckIn.objects.filter(activity__in=held, method="phone").exists()
    assert Entry.objects.filter(source=Source.ACTIVITY, points__lt=0).exists()  # absences
    call_command("verify_ledger")
    assert "member " in capsys.readouterr().out
