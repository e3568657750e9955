import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from jifen.cycle import selectors, services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.errors import NotPermitted
from jifen.notifications.models import Notification
from jifen.notifications.selectors import notifications_for
from jifen.notifications.services import notification_mark_read
from tests.conftest import YEAR
from tests.factories import d

MARCH_20 = datetime.date(YEAR, 3, 20)


@pytest.fixture(autouse=True)
def english():
    """The texts are checked in their source language, whatever catalogue is compiled."""
    with translation.override("en"):
        yield


def _declare(world, item="P03", points=2, today=MARCH_20, **extra):
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item(item),
        points=None if points is None else d(points),
        description="任务",
        today=today,
        **extra,
    )


def _texts(user, today):
    return [todo.text for todo in selectors.todo_for(user, today)]


def test_members_are_reminded_to_declare_until_the_deadline(world):
    on_time = selectors.todo_for(world.member_user, datetime.date(YEAR, 4, 5))
    assert [(t.text, t.due, t.overdue) for t in on_time] == [
        ("Declare your points for 2026-03 by 2026-04-05.", datetime.date(YEAR, 4, 5), False)
    ]
    assert selectors.todo_for(world.member_user, datetime.date(YEAR, 4, 6)) == []


def test_the_declaration_deadline_comes_from_the_scheme(world):
    world.scheme.declaration_deadline_day = 3
    world.scheme.save(update_fields=["declaration_deadline_day"])
    assert selectors.todo_for(world.member_user, datetime.date(YEAR, 4, 4)) == []


def test_reviews_are_due_on_the_schemes_day_and_then_overdue(world):
    _declare(world)
    [due] = selectors.todo_for(world.committee_member, datetime.date(YEAR, 4, 15))
    assert (due.due, due.overdue) == (datetime.date(YEAR, 4, 15), False)
    assert due.url == reverse("portal:review", args=[world.branch.pk])
    [late] = selectors.todo_for(world.committee_member, datetime.date(YEAR, 4, 16))
    assert late.overdue and late.key != due.key
    assert not any("第一党支部" in t for t in _texts(world.outsider, datetime.date(YEAR, 4, 16)))


def test_the_secretary_is_told_when_a_quarter_can_move_on(world, cycle):
    april = datetime.date(YEAR, 4, 10)
    assert any(
        "2026 Q1 is ready for the general meeting" in t for t in _texts(world.secretary, april)
    )
    assert not any("Q1" in t for t in _texts(world.committee_member, april))
    notice = cycle.publish()
    after = notice.closes_on + datetime.timedelta(days=1)
    assert any("notice of 2026 Q1 is over" in t for t in _texts(world.secretary, after))


def test_open_objections_are_the_branchs_task(world, cycle):
    notice = cycle.publish()
    objection = services.objection_submit(
        actor=world.member_user, notice=notice, text="有误", today=notice.opens_on
    )
    [todo] = [
        t for t in selectors.todo_for(world.committee_member, notice.opens_on) if "张三" in t.text
    ]
    assert todo.due == objection.answer_due


def test_reviewers_see_commendations_vetoes_and_appeals(world, cycle):
    commendation = _declare(
        world,
        item="C01",
        points=None,
        evidence="证书.pdf",
        commendation_level=world.level("school"),
    )
    declarations.declaration_review(
        actor=world.secretary, declaration=commendation, decision=Decision.APPROVE
    )
    declarations.veto_propose(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("V01"),
        reason="违纪",
        evidence="处分决定",
    )
    notice = cycle.publish()
    services.objection_submit(
        actor=world.member_user,
        notice=notice,
        text="申诉",
        today=notice.closes_on + datetime.timedelta(days=2),
    )
    todos = selectors.todo_for(world.reviewer, notice.closes_on + datetime.timedelta(days=2))
    assert {todo.url for todo in todos} == {reverse("portal:parent", args=[world.general.pk])}
    texts = [todo.text for todo in todos]
    assert "1 commendations wait for your review." in texts
    assert "1 veto proposals wait for your decision." in texts
    assert any("Appeal" in t and "张三" in t for t in texts)
    assert not any(
        "张三" in t or "commendations" in t for t in _texts(world.outsider, notice.closes_on)
    )


def test_reminders_are_made_and_mailed_once(world, django_capture_on_commit_callbacks):
    def _send(today):
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_send(today=today)

    world.committee_member.email = "committee@example.org"
    world.committee_member.save(update_fields=["email"])
    _declare(world)
    day = datetime.date(YEAR, 4, 10)
    made = _send(day)
    assert made == Notification.objects.count() > 0
    assert [m.to for m in mail.outbox] == [["committee@example.org"]]
    assert "wait for review" in mail.outbox[0].body

    assert _send(day) == 0
    assert len(mail.outbox) == 1
    # Overdue is news: reminded once more.
    assert _send(datetime.date(YEAR, 4, 16)) >= 1
    assert len(mail.outbox) == 2


def test_users_without_an_address_get_only_the_notification(
    world, django_capture_on_commit_callbacks
):
    _declare(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=datetime.date(YEAR, 4, 10))
    assert Notification.objects.filter(user=world.committee_member).exists()
    assert mail.outbox == []


def test_the_command_sends_the_reminders(world):
    # Run on the real date: the March declaration is then long overdue for review.
    _declare(world)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert Notification.objects.filter(user=world.committee_member, key__endswith="overdue")
    assert str(Notification.objects.count()) in out.getvalue()


def test_only_the_owner_marks_a_notification_read(world):
    _declare(world)
    services.reminders_send(today=datetime.date(YEAR, 4, 10))
    notification = Notification.objects.filter(user=world.committee_member).first()
    with pytest.raises(NotPermitted):
        notification_mark_read(actor=world.secretary, notification=notification)
    notification_mark_read(actor=world.committee_member, notification=notification)
    assert not notifications_for(world.committee_member, unread_only=True).exists()
