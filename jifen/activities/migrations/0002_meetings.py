# The branch meetings the cycle app recorded (cycle.Meeting) become closed activities of the
# kind 支部党员大会 (or 支委会), keeping their ids (quarters and reported objections name them),
# date, the quarter they confirmed, attendees (checked in as "recorded"), the note on absent
# members, minutes, and who recorded them when. No points are proposed for them: they are
# history. cycle 0005 then points its foreign keys here and drops the old table.
import datetime

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

KIND_CODES = {"general_meeting": "general_meeting", "committee_meeting": "committee_meeting"}


def _scheme(Scheme, branch, year):
    """The scheme the branch used that year (or the nearest year): the newest version held by
    the branch or its nearest ancestor."""
    ancestors = [int(part) for part in reversed(branch.path.strip("/").split("/"))]
    schemes = list(Scheme.objects.filter(organisation_id__in=ancestors))
    if not schemes:
        raise RuntimeError(
            f"No scoring scheme for {branch.name} or above: the meetings it recorded cannot "
            "become activities (a kind of activity belongs to a scheme). Create one, then migrate."
        )
    depth = {org_id: n for n, org_id in enumerate(ancestors)}
    return min(schemes, key=lambda s: (abs(s.year - year), depth[s.organisation_id], -s.version))


def _kind(ActivityKind, scheme, code, fallback_name):
    kind = ActivityKind.objects.filter(scheme=scheme, code=code).first()
    if kind is None:
        kind = ActivityKind.objects.create(
            scheme=scheme,
            code=code,
            name=fallback_name,
            level="branch",
            confirms_quarters=code == "general_meeting",
        )
    return kind


NAMES = {"general_meeting": "支部党员大会", "committee_meeting": "支委会"}


def meetings_to_activities(apps, schema_editor):
    Meeting = apps.get_model("cycle", "Meeting")
    Scheme = apps.get_model("schemes", "Scheme")
    ActivityKind = apps.get_model("schemes", "ActivityKind")
    Activity = apps.get_model("activities", "Activity")
    Expected = apps.get_model("activities", "Expected")
    CheckIn = apps.get_model("activities", "CheckIn")
    zone = timezone.get_default_timezone()
    for meeting in Meeting.objects.select_related("branch").order_by("pk"):
        code = KIND_CODES[meeting.kind]
        scheme = _scheme(Scheme, meeting.branch, meeting.held_on.year)
        kind = _kind(ActivityKind, scheme, code, NAMES[code])
        # The record kept the day only: the activity spans that day.
        starts = datetime.datetime.combine(meeting.held_on, datetime.time(0, 0), tzinfo=zone)
        activity = Activity.objects.create(
            id=meeting.pk,
            organisation_id=meeting.branch_id,
            kind=kind,
            title=f"{kind.name} {meeting.held_on.isoformat()}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(days=1) - datetime.timedelta(seconds=1),
            year=meeting.held_on.year,
            month=meeting.held_on.month,
            audience="chosen",
            confirms_year=meeting.year,
            confirms_quarter=meeting.quarter,
            minutes=meeting.minutes,
            absent_note=meeting.absent_note,
            state="closed",
            created_by_id=meeting.recorded_by_id,
            closed_by_id=meeting.recorded_by_id,
            closed_at=meeting.recorded_at,
        )
        Activity.objects.filter(pk=activity.pk).update(created_at=meeting.recorded_at)
        attendees = list(meeting.attendees.all())
        Expected.objects.bulk_create(
            Expected(activity=activity, member=m, branch_id=meeting.branch_id, outcome="attended")
            for m in attendees
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                activity=activity,
                member=m,
                at=starts,
                method="record",
                recorded_by_id=meeting.recorded_by_id,
            )
            for m in attendees
        )
    # Rows were written with their ids: the id sequence moves past them (PostgreSQL).
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Activity]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("cycle", "0004_notification_moves_to_notifications"),
        ("schemes", "0003_activity_kinds"),
    ]

    operations = [
        migrations.RunPython(meetings_to_activities, migrations.RunPython.noop),
    ]
