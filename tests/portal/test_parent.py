import datetime

from django.urls import reverse

from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus
from tests.conftest import YEAR
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
