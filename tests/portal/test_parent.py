import datetime

from django.urls import reverse

from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus
from jifen.notifications.models import Notification
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import MemberFactory, d


def _forwarded_commendation(world):
    declaration = services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("C01"),
        points=None,
        description="获评校级优秀共产党员",
        evidence="evidence/award.pdf",
        commendation_level=world.level("school"),
        today=datetime.date(YEAR, 3, 20),
    )
    return services.declaration_review(
        actor=world.secretary, declaration=declaration, decision="approve"
    )


def test_the_reviewer_approves_a_commendation_forwarded_by_the_branch(client, world):
    declaration = _forwarded_commendation(world)
    client.force_login(world.reviewer)
    assert (
        declaration
        in client.get(reverse("portal:parent", args=[world.general.pk])).context["commendations"]
    )

    client.post(
        reverse("portal:commendation_decide", args=[world.general.pk, declaration.pk]),
        {"approve": "yes"},
    )

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    assert declaration.entry.points == d(6)


def test_returning_a_commendation_needs_a_reason(client, world):
    declaration = _forwarded_commendation(world)
    client.force_login(world.reviewer)

    response = client.post(
        reverse("portal:commendation_decide", args=[world.general.pk, declaration.pk]),
        {"approve": "no"},
        follow=True,
    )

    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.FORWARDED
    assert "请填写退回表彰的理由" in response.text


def test_a_reviewer_of_another_tree_does_not_find_the_commendation(client, world):
    declaration = _forwarded_commendation(world)
    client.force_login(world.outsider)

    response = client.post(
        reverse("portal:commendation_decide", args=[world.general.pk, declaration.pk]),
        {"approve": "yes"},
    )

    assert response.status_code == 404


def test_branches_side_by_side(client, world, on):
    on(datetime.date(YEAR, 3, 20))
    MemberFactory(name="李五", branch=world.other_branch)
    client.force_login(world.reviewer)

    rows = client.get(reverse("portal:parent", args=[world.general.pk])).context["rows"]

    assert [(r.branch.name, r.members) for r in rows] == [("第一党支部", 1), ("第二党支部", 2)]


def test_a_commendation_decided_after_its_quarter_locked_clears_every_page(client, world, on):
    """Issue 13, point 2: the quarter locks while the commendation waits for the parent; the
    parent's later decision lands, and the reviewer's to-do, home and the dashboard's overdue
    month all clear."""
    declaration = _forwarded_commendation(world)
    Cycle(world).lock(1, today=datetime.date(YEAR, 4, 8))
    on(datetime.date(YEAR, 5, 20))
    client.force_login(world.reviewer)
    assert "1 项表彰加分等待您审核" in client.get(reverse("home")).text
    board = reverse("insight:dashboard", args=[world.general.pk])
    march = client.get(board, {"year": YEAR}).context["board"].progress[2]
    assert (march.waiting, march.overdue) == (1, True)

    response = client.post(
        reverse("portal:commendation_decide", args=[world.general.pk, declaration.pk]),
        {"approve": "yes"},
        follow=True,
    )

    assert "审核结果已记录" in response.text
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    assert "表彰加分等待您审核" not in client.get(reverse("home")).text
    march = client.get(board, {"year": YEAR}).context["board"].progress[2]
    assert (march.waiting, march.overdue) == (0, False)
    assert Notification.objects.filter(user=world.member_user, text__contains="上级党组织已通过")
