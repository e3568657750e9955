"""The data migration that made the cycle's meeting records activities (activities 0002)."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jifen.activities.enums import ActivityState, CheckInMethod, Outcome
from jifen.activities.models import Activity
from jifen.cycle.models import Quarter
from tests.activities.helpers import plan
from tests.conftest import YEAR
from tests.factories import MemberFactory

BEFORE = [("cycle", "0004_notification_moves_to_notifications"), ("activities", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_meetings_become_closed_activities_with_all_they_recorded(transactional_db, world):
    absent = MemberFactory(name="王五", branch=world.branch)
    old = _migrate(BEFORE)
    try:
        Meeting = old.get_model("cycle", "Meeting")
        meeting = Meeting.objects.create(
            branch_id=world.branch.pk,
            held_on=datetime.date(YEAR, 4, 8),
            kind="general_meeting",
            year=YEAR,
            quarter=1,
            absent_note="王五因病请假",
            minutes="审议第一季度积分",
            recorded_by_id=world.secretary.pk,
        )
        meeting.attendees.set([world.member.pk])
        committee = Meeting.objects.create(
            branch_id=world.branch.pk,
            held_on=datetime.date(YEAR, 4, 20),
            kind="committee_meeting",
            recorded_by_id=world.secretary.pk,
        )
        committee.attendees.set([world.member.pk, absent.pk])
        old.get_model("cycle", "Quarter").objects.create(
            branch_id=world.branch.pk, year=YEAR, number=1, state="confirmed", meeting=meeting
        )
    finally:
        _migrate(_latest())

    activity = Activity.objects.get(pk=meeting.pk)
    assert (activity.kind.code, activity.organisation, activity.state) == (
        "general_meeting",
        world.branch,
        ActivityState.CLOSED,
    )
    assert activity.starts_at.astimezone().date() == datetime.date(YEAR, 4, 8)
    assert (activity.confirms_year, activity.confirms_quarter) == (YEAR, 1)
    assert (activity.minutes, activity.absent_note) == ("审议第一季度积分", "王五因病请假")
    assert (activity.created_by, activity.closed_by) == (world.secretary, world.secretary)
    assert list(activity.expected.values_list("member", "outcome")) == [
        (world.member.pk, Outcome.ATTENDED)
    ]
    assert activity.checkins.get().method == CheckInMethod.RECORD
    assert Quarter.objects.get().meeting == activity
    assert Activity.objects.get(pk=committee.pk).kind.code == "committee_meeting"
    assert not activity.proposals.exists()  # history: no points proposed
    # New activities are numbered after the migrated ones.
    assert plan(world, datetime.date(YEAR, 5, 8)).pk > committee.pk
