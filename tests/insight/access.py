import datetime

from django.utils import timezone

from jifen.cycle.models import Notice, NoticeRow
from jifen.notifications.models import Notification
from tests.access import Case
from tests.conftest import YEAR

EVERYONE = {}
SIGNED_IN = {"anonymous": 302}
# A branch's dashboard: its committee and secretary, the reviewer above it and the admin.
BRANCH_DASHBOARD = {"anonymous": 302, "member": 404, "outsider": 404}
PARENT_DASHBOARD = {**BRANCH_DASHBOARD, "committee_member": 404, "secretary": 404}
# Marking read is a POST for the owner (member_user); everyone else's lookup finds nothing.
OWN_NOTIFICATION = {
    "anonymous": 302,
    "member": 405,
    "committee_member": 404,
    "secretary": 404,
    "reviewer": 404,
    "admin": 404,
    "outsider": 404,
}


def posted_notice(world) -> Notice:
    today = timezone.localdate()
    notice = Notice.objects.create(
        branch=world.branch,
        year=YEAR,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=6),
        appeals_close_on=today + datetime.timedelta(days=21),
        published_by=world.secretary,
    )
    NoticeRow.objects.create(
        notice=notice, member_name="张三", branch_name=world.branch.name, score=88, rank=1
    )
    return notice


def _notice(world):
    return {"pk": posted_notice(world).pk}


def _notification(world):
    notification = Notification.objects.create(
        user=world.member_user, text="请申报上月积分", key="declare:2026-01:due"
    )
    return {"pk": notification.pk}


def _past_notice(world):
    notice = posted_notice(world)
    long_ago = datetime.date(YEAR - 1, 4, 8)
    Notice.objects.filter(pk=notice.pk).update(
        opens_on=long_ago, closes_on=long_ago, appeals_close_on=long_ago
    )
    return {"pk": notice.pk}


# A past notice: the people of its branch and those above it; not the other branch.
BRANCH_READERS = {"anonymous": 302, "outsider": 404}

CASES = [
    Case("insight:public_notices", EVERYONE),
    Case("insight:public_notice", EVERYONE, kwargs=_notice),
    Case("insight:notice_archive", SIGNED_IN),
    Case("insight:archived_notice", BRANCH_READERS, kwargs=_past_notice),
    Case("insight:dashboards", SIGNED_IN),
    Case("insight:dashboard", BRANCH_DASHBOARD, kwargs=lambda world: {"pk": world.branch.pk}),
    Case("insight:dashboard", PARENT_DASHBOARD, kwargs=lambda world: {"pk": world.general.pk}),
    Case(
        "insight:dashboard",
        PARENT_DASHBOARD,
        kwargs=lambda world: {"pk": world.general.pk},
        query="?year=2025",
    ),
    Case("insight:notifications", SIGNED_IN),
    Case("insight:notification_read", OWN_NOTIFICATION, kwargs=_notification),
]
