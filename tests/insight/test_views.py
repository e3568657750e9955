import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jifen.cycle.models import MemberGrade, Notice, NoticeRow, Quarter, YearResult
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.notifications.models import Notification
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Role
from tests.conftest import YEAR
from tests.factories import MemberFactory, OrganisationFactory
from tests.insight.access import posted_notice

pytestmark = pytest.mark.django_db


# Public notices


def test_public_notices_show_name_branch_score_rank_and_how_to_object(client, world):
    notice = posted_notice(world)

    listing = client.get(reverse("insight:public_notices"))
    response = client.get(reverse("insight:public_notice", args=[notice.pk]))

    assert "1 名党员" in listing.text  # the list names how many are listed, not the rows
    assert reverse("insight:public_notice", args=[notice.pk]) in listing.text
    assert "张三" in response.text
    assert "88.0" in response.text
    for page in (listing, response):
        assert notice.closes_on.isoformat() in page.text
        assert notice.appeals_close_on.isoformat() in page.text
        assert "后勤党总支" in page.text  # where appeals go
        assert world.member.id_number not in page.text


def test_a_notice_with_many_rows_is_paginated_with_its_counts(client, world):
    notice = posted_notice(world)
    NoticeRow.objects.bulk_create(
        NoticeRow(notice=notice, member_name=f"党员{n:03d}", branch_name="第一党支部", rank=n)
        for n in range(2, 252)
    )
    Notice.objects.get(pk=notice.pk).save()  # rows changed: the notice says so

    first = client.get(reverse("insight:public_notice", args=[notice.pk]))
    third = client.get(reverse("insight:public_notice", args=[notice.pk]), {"page": 3})

    assert first.text.count("<tr>") == 1 + 100
    assert "第 1–100 条，共 251 条" in first.text
    assert "党员251" in third.text and "党员010" not in third.text
    assert "第 201–251 条，共 251 条" in third.text


def test_public_pages_answer_304_and_are_served_from_the_shared_cache(client, world):
    notice = posted_notice(world)
    url = reverse("insight:public_notice", args=[notice.pk])

    first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url)
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"] == again["ETag"] and "Last-Modified" in first
    assert again.content == first.content
    assert len(cached) <= 3  # the notice, the anchor's filing, the cache: no rows rendered
    assert unchanged.status_code == 304
    assert "csrfmiddlewaretoken" not in first.text  # the same page for every reader


def test_a_changed_notice_is_served_anew(client, world):
    notice = posted_notice(world)
    url = reverse("insight:public_notice", args=[notice.pk])
    first = client.get(url)
    listed = client.get(reverse("insight:public_notices"))

    NoticeRow.objects.filter(notice=notice).update(member_name="张三丰")
    Notice.objects.get(pk=notice.pk).save()  # what a re-issue does
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert changed.status_code == 200 and "张三丰" in changed.text
    assert client.get(reverse("insight:public_notices"))["ETag"] != listed["ETag"]


def test_a_notice_whose_appeal_period_ended_is_gone(client, world):
    notice = posted_notice(world)
    long_ago = timezone.localdate() - datetime.timedelta(days=60)
    Notice.objects.filter(pk=notice.pk).update(
        opens_on=long_ago, closes_on=long_ago, appeals_close_on=long_ago
    )

    listing = client.get(reverse("insight:public_notices"))
    detail = client.get(reverse("insight:public_notice", args=[notice.pk]))

    assert "张三" not in listing.text
    assert detail.status_code == 404


def test_public_notices_page_has_an_empty_state(client, world):
    response = client.get(reverse("insight:public_notices"))

    assert response.status_code == 200
    assert "alert-light" in response.text


# Dashboards


def _entry(world, member, month, code, points):
    return ledger.append_entry(
        actor=world.secretary,
        member=member,
        year=YEAR,
        month=month,
        item=world.item(code),
        points=Decimal(points),
        source=Source.COMMITTEE,
        reason="测试",
    )


def _declaration(world, member, branch, month, status=DeclarationStatus.SUBMITTED):
    # Made directly: the dashboard only counts them, whatever the path that led there. An
    # approved one has its entry, as the database requires.
    granted = status in (DeclarationStatus.APPROVED, DeclarationStatus.ADJUSTED)
    Declaration.objects.create(
        member=member,
        branch=branch,
        year=YEAR,
        month=month,
        item=world.item("P03"),
        points=3,
        description="测试",
        status=status,
        entry=_entry(world, member, month, "P03", 3) if granted else None,
    )


def test_branch_dashboard_ranks_and_charts_the_members(client, world):
    other = MemberFactory(name="王五", branch=world.branch)
    _entry(world, world.member, 1, "P07", 20)
    _entry(world, other, 1, "D05", 5)
    client.force_login(world.secretary)

    response = client.get(reverse("insight:dashboard", args=[world.branch.pk]), {"year": YEAR})

    ranking = response.context["board"].ranking
    assert [row.member.name for row in ranking] == ["张三", "王五"]
    charts = response.context["charts"]
    assert sum(charts["histogram"]["values"]) == 2
    assert charts["trend"]["values"][0] == pytest.approx((80 + 55) / 2)
    assert 'id="dashboard-charts"' in response.text
    assert "vendor/echarts/echarts.min.js" in response.text


def test_a_branch_ranking_reads_the_ranks_the_standings_keep(client, world):
    """One branch's ranking is the standings' own rank: the database does not rank the whole
    branch again (a window over every member) to show one page of it."""
    other = MemberFactory(name="王五", branch=world.branch)
    _entry(world, world.member, 1, "P07", 20)
    _entry(world, other, 1, "P07", 5)
    client.force_login(world.secretary)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("insight:dashboard", args=[world.branch.pk]), {"year": YEAR})

    assert [(r.year_rank, r.member.name) for r in response.context["page"]] == [
        (1, "张三"),
        (2, "王五"),
    ]
    assert not [q["sql"] for q in captured.captured_queries if " OVER (" in q["sql"]]


def test_a_general_branch_ranks_its_members_in_one_ranking(client, world):
    """Ranks across both branches (1, 2, 3), each member's branch rank beside it: never the
    branches' own ranks interleaved (1, 1, 2)."""
    other = MemberFactory(name="王五", branch=world.branch)
    _entry(world, world.member, 1, "P07", 20)
    _entry(world, other, 1, "P07", 5)
    _entry(world, world.outsider_member, 1, "P07", 10)
    client.force_login(world.reviewer)

    response = client.get(reverse("insight:dashboard", args=[world.general.pk]), {"year": YEAR})

    rows = [(r.overall_rank, r.year_rank, r.member.name) for r in response.context["page"]]
    assert rows == [(1, 1, "张三"), (2, 1, "李四"), (3, 2, "王五")]
    assert "后勤党总支内排名" in response.text and "支部内排名" in response.text


def test_declaration_progress_counts_per_month_against_the_deadlines(client, world):
    for status in (DeclarationStatus.SUBMITTED, DeclarationStatus.APPROVED, "withdrawn"):
        _declaration(world, world.member, world.branch, 3, status=status)
    client.force_login(world.reviewer)

    response = client.get(reverse("insight:dashboard", args=[world.general.pk]), {"year": YEAR})

    march = response.context["board"].progress[2]
    assert (march.declared, march.decided, march.waiting) == (2, 1, 1)
    assert march.declarations_close == datetime.date(YEAR, 4, 5)
    assert march.reviews_due == datetime.date(YEAR, 4, 15)


def test_grades_come_from_the_year_result_where_there_is_one(client, world):
    result = YearResult.objects.create(
        branch=world.branch, year=YEAR, computed_by=world.secretary, computed_at=timezone.now()
    )
    MemberGrade.objects.create(
        year_result=result,
        member=world.member,
        score=92,
        rank=1,
        suggested_grade_name="好",
        final_grade_name="较好",
    )
    client.force_login(world.admin)

    response = client.get(reverse("insight:dashboard", args=[world.general.pk]), {"year": YEAR})

    board = response.context["board"]
    rows = {row.branch.name: row for row in board.grades}
    assert rows["第一党支部"].recorded
    assert rows["第一党支部"].cells[board.grade_names.index("较好")] == 1
    assert not rows["第二党支部"].recorded


def _branch_with_members(world, count):
    branch = OrganisationFactory(name=f"支部{count}", parent=world.general)
    for n in range(count):
        member = MemberFactory(branch=branch)
        _entry(world, member, 1 + n % 12, "P03", 3)
        _declaration(world, member, branch, 1 + n % 12)
    return branch


@pytest.mark.parametrize("count", [5, 50])
def test_the_dashboard_query_count_does_not_grow_with_the_members(
    client, world, count, django_assert_max_num_queries, settings
):
    # The page as it is rendered; a kept page's few queries: tests/web/test_personal.py.
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    branch = _branch_with_members(world, count)
    Role.objects.create(user=world.secretary, organisation=branch, kind=RoleKind.SECRETARY)
    client.force_login(world.admin)

    # Twenty for the scores and grades, five for organisational life (outcomes by branch and
    # activity, schemes, required kinds, party groups; members' attendance on a branch's).
    with django_assert_max_num_queries(25):
        parent = client.get(reverse("insight:dashboard", args=[world.general.pk]))
    with django_assert_max_num_queries(25):
        single = client.get(reverse("insight:dashboard", args=[branch.pk]))

    assert len(parent.context["board"].ranking) == count + 2
    assert len(single.context["board"].ranking) == count


def test_dashboards_list_only_what_the_user_may_open(client, world):
    client.force_login(world.outsider)

    response = client.get(reverse("insight:dashboards"))

    assert "第二党支部" in response.text
    assert "第一党支部" not in response.text
    assert "后勤党总支" not in response.text


# Notifications


def test_marking_a_notification_read_with_htmx_updates_the_row_and_the_badge(client, world):
    notification = Notification.objects.create(
        user=world.member_user, text="请申报上月积分", key="declare:due"
    )
    client.force_login(world.member_user)
    assert ">1</span>" in client.get(reverse("insight:notifications")).text

    response = client.post(
        reverse("insight:notification_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'hx-swap-oob="true"' in response.text
    assert "<html" not in response.text


def test_marking_read_without_htmx_returns_to_the_list(client, world):
    notification = Notification.objects.create(
        user=world.member_user, text="请申报上月积分", key="declare:due"
    )
    client.force_login(world.member_user)

    response = client.post(reverse("insight:notification_read", args=[notification.pk]))

    assert response.url == reverse("insight:notifications")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_notifications_page_lists_the_users_overdue_todos(client, world):
    _declaration(world, world.member, world.branch, 3)
    client.force_login(world.secretary)

    response = client.get(reverse("insight:notifications"))

    todo = f"{YEAR}-03"
    assert todo in response.text
    assert "text-danger fw-bold" in response.text


# The archive of past notices


def _past(world, branch, year, number):
    quarter = Quarter.objects.create(branch=branch, year=year, number=number, state="locked")
    day = datetime.date(year, number * 3, 28)
    notice = Notice.objects.create(
        branch=branch,
        year=year,
        quarter=quarter,
        opens_on=day,
        closes_on=day + datetime.timedelta(days=7),
        appeals_close_on=day + datetime.timedelta(days=22),
        published_by=world.secretary,
    )
    NoticeRow.objects.create(notice=notice, member_name="张三", branch_name=branch.name, score=80)
    return notice


def test_past_notices_are_kept_for_the_branch_and_paginated(client, world):
    notices = [
        _past(world, world.branch, year, n) for year in (2023, 2024, 2025) for n in (1, 2, 3, 4)
    ]
    notices += [_past(world, world.branch, 2022, n) for n in (1, 2, 3, 4)]
    other = _past(world, world.other_branch, 2025, 1)
    client.force_login(world.member_user)
    first = client.get(reverse("insight:notice_archive"))
    assert first.context["page"].paginator.count == 16
    listed = [n.pk for n in first.context["page"]]
    assert listed[0] == notices[11].pk  # 2025 Q4, the newest, first
    assert other.pk not in listed
    detail = client.get(reverse("insight:archived_notice", args=[notices[0].pk]))
    assert "张三" in detail.text and "留档备查" in detail.text
    assert client.get(reverse("insight:archived_notice", args=[other.pk])).status_code == 404
    # The public page shows none of them: their time has passed.
    assert "张三" not in client.get(reverse("insight:public_notices")).text


def test_the_archive_pages_by_twenty(client, world):
    for year in range(2000, 2006):
        for n in (1, 2, 3, 4):
            _past(world, world.branch, year, n)
    client.force_login(world.secretary)
    first = client.get(reverse("insight:notice_archive"))
    second = client.get(reverse("insight:notice_archive"), {"page": 2})
    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 4
    assert 'href="?page=2"' in first.text
