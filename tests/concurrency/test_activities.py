"""Activities under parallel requests, each thread on its own connection: one member checking in
from several phones at once, an activity closed by two secretaries at once, its points decided
twice at once. Whatever the order, exactly one of each is written."""

import datetime

from jifen.activities import codes, services
from jifen.activities.enums import ProposalStatus
from jifen.activities.models import Activity, CheckIn, Proposal
from jifen.cycle import services as cycle
from jifen.cycle.enums import QuarterState
from jifen.cycle.models import Quarter
from jifen.errors import InvalidState
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry
from tests.activities.helpers import hold, plan
from tests.concurrency.parallel import run_parallel
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory

MARCH_10 = datetime.date(YEAR, 3, 10)


def _refused_as(outcomes, code):
    for outcome in outcomes:
        if outcome.error is not None:
            assert isinstance(outcome.error, InvalidState), outcome.error
            assert outcome.error.code == code


def test_one_member_checking_in_at_once_from_many_phones_writes_one_row(world):
    activity = plan(world, MARCH_10)
    moment = activity.starts_at + datetime.timedelta(minutes=2)
    code = codes.current(activity, moment)

    def check_in():
        return services.checkin_by_link(
            actor=world.member_user,
            activity=activity,
            member=world.member,
            step=code.step,
            signature=code.signature,
            now=moment,
        )

    outcomes = run_parallel([check_in] * 8)

    _refused_as(outcomes, "already_checked_in")
    assert sum(outcome.error is None for outcome in outcomes) == 1
    assert CheckIn.objects.filter(activity=activity, member=world.member).count() == 1


def test_closing_an_activity_at_once_twice_proposes_one_set(world):
    members = [
        MemberFactory(branch=world.branch, user=UserFactory(username=f"p{n}")) for n in range(6)
    ]
    activity = plan(world, MARCH_10, members=members)
    services.attendance_tick(
        actor=world.secretary,
        activity=activity,
        member_ids=[m.pk for m in members[:3]],
        now=activity.starts_at,
    )

    def close(actor):
        return lambda: services.activity_close(actor=actor, activity=activity, now=activity.ends_at)

    outcomes = run_parallel([close(world.secretary), close(world.committee_member)] * 3)

    _refused_as(outcomes, "activity_closed")
    assert sum(outcome.error is None for outcome in outcomes) == 1
    # Three present (attendance, 0 points) and three absent (a deduction of 2 each), once.
    assert (
        sorted(Proposal.objects.values_list("purpose", flat=True))
        == ["absence"] * 3 + ["attendance"] * 3
    )


def test_points_decided_at_once_twice_are_written_once(world):
    members = [
        MemberFactory(branch=world.branch, user=UserFactory(username=f"q{n}")) for n in range(4)
    ]
    activity = plan(world, MARCH_10, members=members)
    services.activity_close(actor=world.secretary, activity=activity, now=activity.ends_at)
    proposals = list(activity.proposals.all())

    def decide(actor):
        return lambda: services.proposals_decide(actor=actor, proposals=proposals, approve=True)

    run_parallel([decide(world.secretary), decide(world.committee_member)] * 2)

    assert Proposal.objects.filter(status=ProposalStatus.APPROVED).count() == 4
    assert Entry.objects.filter(source=Source.ACTIVITY).count() == 4


def test_a_quarter_confirmed_while_activities_of_its_months_are_planned(world):
    """Either the confirmation goes first and the plans are refused (the month is confirmed),
    or a plan goes first and the confirmation is refused (an activity is not closed yet)."""
    meeting = hold(world, datetime.date(YEAR, 4, 8), quarter=1)

    def confirm():
        return cycle.quarter_confirm(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=1,
            meeting=meeting,
            now=meeting.ends_at,
        )

    def plan_march(n):
        return lambda: plan(world, MARCH_10, title=f"三月活动{n}")

    outcomes = run_parallel([confirm, *(plan_march(n) for n in range(4))])

    for outcome in outcomes:
        assert outcome.error is None or isinstance(outcome.error, InvalidState), outcome.error
    planned = Activity.objects.filter(month=3).count()
    confirmed = Quarter.objects.filter(state=QuarterState.CONFIRMED).exists()
    assert confirmed != bool(planned)
    if confirmed:
        assert {o.error.code for o in outcomes[1:]} == {"quarter_confirmed"}
    else:
        assert outcomes[0].error.code == "activities_open"
