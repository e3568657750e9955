import datetime

import pytest
from django.urls import reverse

from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import VetoProposal
from jifen.ledger import standings
from jifen.ledger.models import Entry, Standing
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Member, Role
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import MemberFactory, UserFactory, d

APRIL_2 = datetime.date(YEAR, 4, 2)


@pytest.fixture
def secretary(client, world, on):
    on(APRIL_2)
    client.force_login(world.secretary)
    return client


def _decide(client, world, declaration, **data):
    url = reverse("portal:review_decide", args=[world.branch.pk, declaration.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_an_inline_approval_returns_the_row_and_writes_the_entry(secretary, world, declared):
    response = _decide(secretary, world, declared, decision="approve")

    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.APPROVED
    assert declared.entry.points == d(2)
    assert response.text.lstrip().startswith(f'<tr id="declaration-{declared.pk}"')
    assert "已通过" in response.text


def test_adjusting_needs_a_reason_and_changes_nothing_without_one(secretary, world, declared):
    response = _decide(secretary, world, declared, decision="adjust", points="1")

    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.SUBMITTED
    assert "请填写调整或驳回的理由" in response.text
    assert not Entry.objects.exists()


def test_adjusting_with_a_reason_grants_the_new_points(secretary, world, declared):
    _decide(secretary, world, declared, decision="adjust", points="1", reason="篇幅较短")

    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.ADJUSTED
    assert declared.points_granted == d(1)
    assert declared.decision_reason == "篇幅较短"


def test_nobody_reviews_their_own_declaration(client, world, on):
    """The secretary is also a member of the branch and declares like everyone else."""
    on(datetime.date(YEAR, 3, 20))
    mine = MemberFactory(name="书记", branch=world.branch, user=world.secretary)
    declaration = services.declaration_submit(
        actor=world.secretary,
        member=mine,
        year=YEAR,
        month=3,
        item=world.item("P03"),
        points=d(2),
        description="完成交办任务",
    )
    client.force_login(world.secretary)
    queue = client.get(reverse("portal:review", args=[world.branch.pk]), {"period": f"{YEAR}-03"})

    response = _decide(client, world, declaration, decision="approve")

    assert "本人的申报：由其他支委审核。" in queue.text
    assert f'value="{declaration.pk}" form="bulk"' not in queue.text
    assert "任何人都不能审核自己的申报" in response.text
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_bulk_decisions_report_each_declaration(client, world, on, declared):
    on(datetime.date(YEAR, 3, 20))
    mine = MemberFactory(name="书记", branch=world.branch, user=world.secretary)
    own = services.declaration_submit(
        actor=world.secretary,
        member=mine,
        year=YEAR,
        month=3,
        item=world.item("P03"),
        points=d(2),
        description="完成交办任务",
    )
    client.force_login(world.secretary)

    response = client.post(
        reverse("portal:review_bulk", args=[world.branch.pk]),
        {"declarations": [declared.pk, own.pk], "decision": "approve"},
        follow=True,
    )

    declared.refresh_from_db()
    own.refresh_from_db()
    assert declared.status == DeclarationStatus.APPROVED
    assert own.status == DeclarationStatus.SUBMITTED
    text = response.text
    assert "张三 · 撰写学习心得或理论文章：审核结果已记录。" in text
    assert "书记 · 完成党组织交办的任务: 任何人都不能审核自己的申报。" in text


def test_a_declaration_of_another_branch_is_not_found(client, world, declared):
    client.force_login(world.outsider)
    url = reverse("portal:review_decide", args=[world.other_branch.pk, declared.pk])

    response = client.post(url, {"decision": "approve"})

    assert response.status_code == 404
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.SUBMITTED


def test_the_committee_records_a_deduction(secretary, world):
    response = secretary.post(
        reverse("portal:committee_record", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "period": f"{YEAR}-04",
            "item": world.item("D01").pk,
            "points": "2",
            "reason": "无故缺席支部党员大会",
        },
        follow=True,
    )

    entry = Entry.objects.get(member=world.member)
    assert entry.points == d(-2)
    assert "积分已记录" in response.text


def test_a_member_of_another_branch_cannot_be_chosen(secretary, world):
    response = secretary.post(
        reverse("portal:committee_record", args=[world.branch.pk]),
        {
            "member": world.outsider_member.pk,
            "period": f"{YEAR}-04",
            "item": world.item("D01").pk,
            "points": "2",
            "reason": "缺席",
        },
    )

    assert response.context["form"].errors["member"]
    assert not Entry.objects.exists()


def test_a_deduction_beyond_the_items_range_shows_the_domains_message(secretary, world):
    response = secretary.post(
        reverse("portal:committee_record", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "period": f"{YEAR}-04",
            "item": world.item("D01").pk,
            "points": "9",
            "reason": "缺席",
        },
    )

    assert "“无故缺席“三会一课””的分值为 2 分。" in response.text
    assert not Entry.objects.exists()


def test_who_has_not_declared_is_listed(secretary, world, declared):
    MemberFactory(name="王五", branch=world.branch)

    response = secretary.get(
        reverse("portal:branch", args=[world.branch.pk]) + f"?period={YEAR}-03"
    )

    missing = [m.name for m in response.context["page"]]
    assert missing == ["王五"]


def test_a_veto_goes_to_the_parent_and_is_confirmed_there(secretary, client, world):
    secretary.post(
        reverse("portal:veto_propose", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "period": f"{YEAR}-04",
            "item": world.item("V01").pk,
            "reason": "违反廉洁纪律",
            "evidence": "纪委通报 2026-12 号",
        },
    )
    proposal = VetoProposal.objects.get(member=world.member)
    client.force_login(world.reviewer)

    client.post(
        reverse("portal:veto_decide", args=[world.general.pk, proposal.pk]),
        {"approve": "yes", "reason": "事实清楚"},
    )

    proposal.refresh_from_db()
    assert proposal.status == VetoStatus.CONFIRMED
    assert Member.objects.get(pk=world.member.pk).entries.get().source == "veto"


def _many_declared(world, count):
    members = [
        MemberFactory(branch=world.branch, user=UserFactory(username=f"p{n}")) for n in range(count)
    ]
    return [
        services.declaration_submit(
            actor=member.user,
            member=member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=d(2),
            description="完成交办任务",
            today=datetime.date(YEAR, 3, 20),
        )
        for member in members
    ]


def test_the_review_queue_is_paginated_with_its_counts(secretary, world):
    _many_declared(world, 60)
    url = reverse("portal:review", args=[world.branch.pk])

    first = secretary.get(url, {"period": f"{YEAR}-03"})
    second = secretary.get(url, {"period": f"{YEAR}-03", "page": 2})

    assert first.text.count('name="declarations"') == 50
    assert "第 1–50 条，共 60 条" in first.text
    assert second.text.count('name="declarations"') == 10
    assert f"period={YEAR}-03&amp;page=2" in first.text  # the month is kept from page to page


def test_bulk_approval_keeps_the_standings_exact(client, world, on):
    on(APRIL_2)
    chosen = _many_declared(world, 12)
    client.force_login(world.secretary)

    client.post(
        reverse("portal:review_bulk", args=[world.branch.pk]),
        {"declarations": [x.pk for x in chosen], "decision": "approve"},
    )

    assert Entry.objects.filter(member__in=[x.member for x in chosen]).count() == 12
    march = Standing.objects.filter(member__in=[x.member for x in chosen], year=YEAR, month=3)
    assert {(s.month_score, s.month_rank) for s in march} == {(d(62), 1)}
    assert standings.differences() == []


def test_the_branch_roster_offers_its_export_and_to_admins_its_import(client, world):
    client.force_login(world.secretary)
    url = reverse("portal:roster", args=[world.branch.pk])
    page = client.get(url).content.decode()
    assert "张三" in page
    assert f'action="{reverse("exchange:branch_export", args=[world.branch.pk, "roster"])}"' in page
    assert reverse("exchange:roster_upload") not in page
    client.force_login(world.admin)
    assert client.get(url).status_code == 404  # the admin holds no branch role
    Role.objects.create(user=world.admin, organisation=world.branch, kind=RoleKind.COMMITTEE)
    assert reverse("exchange:roster_upload") in client.get(url).content.decode()


def test_the_register_offers_excel_and_pdf_beside_print(client, world):
    Cycle(world).confirm()
    client.force_login(world.secretary)
    page = client.get(reverse("portal:register", args=[world.branch.pk, 2026, 1])).content.decode()
    export = reverse("exchange:branch_export", args=[world.branch.pk, "register"])
    assert page.count(f'action="{export}"') == 2
    response = client.post(
        export, {"year": 2026, "quarter": 1, "layout": "branch_table", "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
