"""Every decision about a person reaches them as a notification, written by the service in the
decision's own transaction: a refused decision leaves none."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from jifen.cycle import services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.errors import DomainError
from jifen.notifications.models import Notification
from tests.conftest import YEAR
from tests.cycle.conftest import FILING_DAY, compute, finalise_all, propose_veto
from tests.factories import MemberFactory, UserFactory, d

MARCH_20 = datetime.date(YEAR, 3, 20)


@pytest.fixture(autouse=True)
def english(settings):
    """Notifications are written in the site's language, whoever decides: English here."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("zh-hans"):
        yield


def _texts(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def _declare(world, item="P03", points=2, **extra):
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item(item),
        points=None if points is None else d(points),
        description="任务",
        today=MARCH_20,
        **extra,
    )


def _review(world, declaration, decision, **extra):
    return declarations.declaration_review(
        actor=world.secretary, declaration=declaration, decision=decision, **extra
    )


def test_the_member_learns_an_approval(world):
    item = world.item("P03").name
    _review(world, _declare(world), Decision.APPROVE)
    [notification] = Notification.objects.filter(user=world.member_user)
    assert notification.text == f"Your declaration “{item}” for 2026-03 was approved: 2 points."
    assert notification.url == reverse("portal:my_declarations")
    assert notification.task == ""


def test_the_member_learns_an_adjustment_and_a_rejection_with_the_reason(world):
    item = world.item("P03").name
    _review(world, _declare(world, points=4), Decision.ADJUST, points=d(2), reason="只算一次")
    _review(world, _declare(world), Decision.REJECT, reason="重复申报")
    assert sorted(_texts(world.member_user)) == [
        f"Your declaration “{item}” for 2026-03 was approved with 2 points instead of 4: 只算一次",
        f"Your declaration “{item}” for 2026-03 was rejected: 重复申报",
    ]


def test_a_refused_decision_notifies_nobody(world):
    declaration = _declare(world)
    with pytest.raises(DomainError):
        _review(world, declaration, Decision.REJECT, reason="")
    assert not Notification.objects.exists()


def test_a_commendation_is_followed_from_the_branch_to_the_parent(world):
    declaration = _declare(
        world,
        item="C01",
        points=None,
        evidence="证书.pdf",
        commendation_level=world.level("school"),
    )
    _review(world, declaration, Decision.APPROVE)
    declarations.declaration_parent_review(
        actor=world.reviewer, declaration=declaration, approve=True
    )
    item = world.item("C01").name
    assert sorted(_texts(world.member_user)) == [
        f"The branch approved your commendation “{item}”; it now goes to the parent "
        "organisation for review.",
        f"The parent organisation approved your commendation “{item}”: 6 points are added to "
        "your year.",
    ]


def test_a_returned_commendation_says_why(world):
    declaration = _declare(
        world,
        item="C01",
        points=None,
        evidence="证书.pdf",
        commendation_level=world.level("school"),
    )
    _review(world, declaration, Decision.APPROVE)
    declarations.declaration_parent_review(
        actor=world.reviewer, declaration=declaration, approve=False, reason="级别不符"
    )
    assert any(
        t.endswith("returned your commendation “" + declaration.item.name + "”: 级别不符")
        for t in _texts(world.member_user)
    )


def test_a_veto_decision_reaches_the_proposer_and_a_confirmed_one_the_member(world):
    proposal = propose_veto(world, world.member, month=3)
    declarations.veto_decide(actor=world.reviewer, proposal=proposal, confirm=True, reason="属实")
    assert _texts(world.secretary) == ["The parent organisation confirmed the veto for 张三: 属实"]
    assert _texts(world.member_user) == [
        "The parent organisation confirmed a veto (一票否决) of your 2026 score: 属实"
    ]

    other = MemberFactory(name="王五", branch=world.branch, user=UserFactory())
    proposal = propose_veto(world, other, month=3)
    declarations.veto_decide(
        actor=world.reviewer, proposal=proposal, confirm=False, reason="证据不足"
    )
    assert "The parent organisation did not confirm the veto for 王五: 证据不足" in _texts(
        world.secretary
    )
    assert _texts(other.user) == []


def test_posting_a_notice_tells_the_members_listed_and_the_answer_reaches_the_objector(
    world, cycle
):
    notice = cycle.publish()
    [posted] = Notification.objects.filter(user=world.member_user)
    assert posted.text == (
        f"{notice} is posted: object to your result until {notice.closes_on} if it is wrong."
    )
    assert posted.url == f"{reverse('portal:me')}#notice-{notice.pk}"
    objection = services.objection_submit(
        actor=world.member_user, notice=notice, text="有误", today=notice.opens_on
    )
    services.objection_answer(
        actor=world.secretary, objection=objection, accept=False, answer="核实无误"
    )
    assert (
        f"Your Objection (during the notice) about {notice} was not accepted: 核实无误"
        in _texts(world.member_user)
    )


def test_the_submitter_learns_the_parents_decision_on_the_year(year_world):
    world = year_world
    result = compute(world)
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    services.year_review(actor=world.reviewer, year_result=result, approve=False, reason="等次有误")
    result = compute(world)
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    services.year_review(actor=world.reviewer, year_result=result, approve=True, today=FILING_DAY)
    services.year_filing_withdraw(actor=world.reviewer, year_result=result, reason="发现差错")
    assert sorted(_texts(world.secretary)) == [
        "The parent organisation filed the 2026 results of 第一党支部.",
        "The parent organisation returned the 2026 results of 第一党支部: 等次有误",
        "The parent organisation withdrew its filing of the 2026 results of 第一党支部: 发现差错",
    ]
