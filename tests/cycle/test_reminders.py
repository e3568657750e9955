import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from jifen.cycle import selectors, services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.errors import NotPermitted
from jifen.notifications.models import Notification
from jifen.notifications.selectors import notifications_for
from jifen.notifications.services import notification_mark_read
from tests.activities.helpers import at
from tests.conftest import YEAR, YEAR_END
from tests.cycle.conftest import compute, finalise_all
from tests.factories import MemberFactory, d

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


def _declare_todos(world, today):
    return [(t.text, t.due, t.url) for t in selectors.todo_for(world.member_user, today)]


def test_members_are_asked_to_declare_each_open_month_until_its_deadline(world):
    declare = reverse("portal:declare")
    assert _declare_todos(world, datetime.date(YEAR, 4, 5)) == [
        (
            "Declare your points for 2026-03 by 2026-04-05.",
            datetime.date(YEAR, 4, 5),
            f"{declare}?period=2026-03",
        ),
        (
            "Declare your points for 2026-04 by 2026-05-05.",
            datetime.date(YEAR, 5, 5),
            f"{declare}?period=2026-04",
        ),
    ]
    assert [due for _text, due, _url in _declare_todos(world, datetime.date(YEAR, 4, 6))] == [
        datetime.date(YEAR, 5, 5)
    ]


def test_a_month_already_declared_is_not_asked_for_again(world):
    _declare(world)
    assert [t for t, *_ in _declare_todos(world, datetime.date(YEAR, 4, 2))] == [
        "Declare your points for 2026-04 by 2026-05-05."
    ]


def test_a_withdrawn_declaration_leaves_the_month_to_declare(world):
    declarations.declaration_withdraw(actor=world.member_user, declaration=_declare(world))
    assert len(_declare_todos(world, datetime.date(YEAR, 4, 2))) == 2


def test_a_confirmed_month_is_not_asked_for(world, cycle):
    cycle.confirm(1, held_on=datetime.date(YEAR, 4, 2))
    assert [t for t, *_ in _declare_todos(world, datetime.date(YEAR, 4, 3))] == [
        "Declare your points for 2026-04 by 2026-05-05."
    ]


def test_exempt_members_are_not_asked_to_declare(world):
    world.scheme.exempt_categories = [world.member.category]
    world.scheme.save(update_fields=["exempt_categories"])
    assert _declare_todos(world, datetime.date(YEAR, 4, 2)) == []


def test_the_declaration_deadline_comes_from_the_scheme(world):
    world.scheme.declaration_deadline_day = 3
    world.scheme.save(update_fields=["declaration_deadline_day"])
    assert [t for t, *_ in _declare_todos(world, datetime.date(YEAR, 4, 4))] == [
        "Declare your points for 2026-04 by 2026-05-03."
    ]


def test_reviews_are_due_on_the_schemes_day_and_then_overdue(world):
    _declare(world)
    [due] = selectors.todo_for(world.committee_member, datetime.date(YEAR, 4, 15))
    assert (due.due, due.overdue) == (datetime.date(YEAR, 4, 15), False)
    queue = reverse("portal:review", args=[world.branch.pk])
    assert due.url == f"{queue}?period=2026-03&state=pending"
    [late] = selectors.todo_for(world.committee_member, datetime.date(YEAR, 4, 16))
    assert late.overdue and late.key != due.key
    assert not any("第一党支部" in t for t in _texts(world.outsider, datetime.date(YEAR, 4, 16)))


def test_the_secretary_is_told_each_step_of_a_quarter(world, cycle):
    april = datetime.date(YEAR, 4, 10)

    def q1(today):
        return [t for t in _texts(world.secretary, today) if "Q1" in t]

    assert q1(april) == ["第一党支部: 2026 Q1 is ready for the general meeting."]
    assert not any("Q1" in t for t in _texts(world.committee_member, april))
    meeting = cycle.meeting(datetime.date(YEAR, 4, 8))
    assert q1(april) == ["第一党支部: confirm 2026 Q1 with the general meeting of 2026-04-08."]
    services.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=1,
        meeting=meeting,
        now=at(datetime.date(YEAR, 4, 8), 12),
    )
    assert q1(april) == ["第一党支部: post the public notice of 2026 Q1."]
    notice = services.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=april
    )
    assert q1(notice.closes_on) == []
    after = notice.closes_on + datetime.timedelta(days=1)
    assert q1(after) == ["第一党支部: the notice of 2026 Q1 is over; lock it."]


def test_a_meeting_held_before_the_quarter_ended_does_not_count_for_it(world, cycle):
    cycle.meeting(datetime.date(YEAR, 3, 30))
    assert "第一党支部: 2026 Q1 is ready for the general meeting." in _texts(
        world.secretary, datetime.date(YEAR, 4, 10)
    )


def test_the_secretary_is_told_to_compute_the_year_once_its_quarters_are_locked(year_world):
    world = year_world
    january = datetime.date(YEAR + 1, 1, 20)
    task = "第一党支部: all four quarters of 2026 are locked; compute the year and submit it"
    assert any(t.startswith(task) for t in _texts(world.secretary, january))
    result = compute(world)
    assert any(t.startswith(task) for t in _texts(world.secretary, january))
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    assert not any(t.startswith(task) for t in _texts(world.secretary, january))


def test_answers_wait_to_be_reported_at_the_next_general_meeting(world, cycle):
    notice = cycle.publish()
    objection = services.objection_submit(
        actor=world.member_user, notice=notice, text="有误", today=notice.opens_on
    )
    services.objection_answer(
        actor=world.secretary, objection=objection, accept=False, answer="核实无误"
    )
    report = "第一党支部: 1 answers to objections or appeals are to be reported"
    assert any(t.startswith(report) for t in _texts(world.secretary, notice.closes_on))
    cycle.meeting(timezone.localdate(), quarter=None)
    assert not any(t.startswith(report) for t in _texts(world.secretary, notice.closes_on))


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


def test_a_task_is_reminded_again_when_its_deadline_is_near(world, settings):
    settings.JIFEN_REMINDER_DAYS_BEFORE = 3
    services.reminders_send(today=datetime.date(YEAR, 4, 1))
    services.reminders_send(today=datetime.date(YEAR, 4, 1))
    services.reminders_send(today=datetime.date(YEAR, 4, 2))
    keys = set(Notification.objects.filter(user=world.member_user).values_list("key", flat=True))
    task = f"declare:{world.member.pk}:{YEAR}-3"
    assert {f"{task}:due", f"{task}:soon"} <= keys
    assert not {k for k in keys if k.startswith(task) and k.endswith("overdue")}


def test_a_reminder_is_settled_once_its_task_is_done(world):
    services.reminders_send(today=datetime.date(YEAR, 3, 20))
    [reminder] = Notification.objects.filter(user=world.member_user)
    assert reminder.task == f"declare:{world.member.pk}:{YEAR}-3"
    _declare(world)
    services.reminders_send(today=datetime.date(YEAR, 3, 21))
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_admins_are_told_of_a_missing_scheme_a_branch_without_secretary_and_members_without_account(
    world,
):
    MemberFactory(name="王五", branch=world.other_branch, user=None)
    texts = _texts(world.admin, datetime.date(YEAR, 12, 1))
    assert "机关党委: set up the 2027 scoring scheme before the year begins." in texts
    assert not any("2026 yet" in t for t in texts)
    # 第二党支部's only secretary is the outsider: 第一党支部 has a secretary, the tree has
    # no other branch; so every branch is led.
    assert not any("no secretary" in t for t in texts)
    assert "1 active members have no account to sign in with." in texts

    world.secretary.roles.all().delete()
    assert "1 branches have no secretary: 第一党支部." in _texts(world.admin, YEAR_END)
    assert not any("secretary" in t or "account" in t for t in _texts(world.secretary, YEAR_END))
