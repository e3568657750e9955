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


CASES = [
    Case("insight:public_notices", EVERYONE),
    Case("insight:public_notice", EVERYONE, kwargs=_notice),
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
