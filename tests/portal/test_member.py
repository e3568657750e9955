import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.orgs import services as org_services
from jifen.portal import services as portal_services
from jifen.portal.models import DeclarationFile, PendingFile
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import MemberFactory, d
from tests.portal.conftest import PDF

MARCH_20 = datetime.date(YEAR, 3, 20)


def _declare(
    client,
    world,
    *,
    token=None,
    files=(),
    period=f"{YEAR}-03",
    points="2",
    description="学习党章心得",
):
    return client.post(
        reverse("portal:declare"),
        {
            "token": token or uuid.uuid4(),
            "period": period,
            "item": world.item("P01").pk,
            "points": points,
            "description": description,
            "files": list(files),
        },
        follow=True,
    )


@pytest.fixture
def member_client(client, world, on):
    on(MARCH_20)
    client.force_login(world.member_user)
    return client


def test_declaration_with_a_pdf_stores_the_file_and_names_it_as_evidence(
    member_client, world, _media
):
    response = _declare(member_client, world, files=[SimpleUploadedFile("心得.pdf", PDF)])

    declaration = Declaration.objects.get(member=world.member)
    file = DeclarationFile.objects.get(declaration=declaration)
    assert file.content_type == "application/pdf"
    assert file.name == "心得.pdf"
    assert declaration.evidence == file.file.name
    assert (_media / file.file.name).read_bytes() == PDF
    assert "已提交" in response.text  # the status in the list of declarations


def test_a_file_that_only_pretends_to_be_a_pdf_is_refused(member_client, world, _media):
    fake = SimpleUploadedFile("心得.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = _declare(member_client, world, files=[fake])

    assert "不是图片" in response.text
    assert not Declaration.objects.exists()
    assert not (_media / "evidence").exists() or not any((_media / "evidence").iterdir())


def test_a_file_over_the_size_limit_is_refused(member_client, world, settings):
    settings.JIFEN_MAX_UPLOAD_MB = 0

    response = _declare(member_client, world, files=[SimpleUploadedFile("a.pdf", PDF)])

    assert "0 MB" in response.text
    assert not Declaration.objects.exists()


def test_an_item_that_needs_evidence_is_refused_without_a_file(member_client, world, _media):
    response = _declare(member_client, world)

    assert "需要提供佐证材料" in response.text
    assert not Declaration.objects.exists()


def test_a_description_longer_than_the_api_takes_is_refused_and_kept(member_client, world):
    text = "学" * 10_240
    response = _declare(
        member_client, world, description=text, files=[SimpleUploadedFile("a.pdf", PDF)]
    )

    assert "2000" in response.text and "10240" in response.text
    assert text in response.text  # what was typed is still in the form
    assert not Declaration.objects.exists()


def test_submitting_the_same_form_twice_declares_once(member_client, world):
    token = uuid.uuid4()
    _declare(member_client, world, token=token, files=[SimpleUploadedFile("a.pdf", PDF)])

    response = _declare(member_client, world, token=token, files=[SimpleUploadedFile("a.pdf", PDF)])

    assert Declaration.objects.count() == 1
    assert "已经提交过" in response.text
    assert DeclarationFile.objects.count() == 1


def test_a_month_closed_since_the_form_was_shown_is_refused_and_the_file_kept(client, world, on):
    on(datetime.date(YEAR, 5, 20))
    client.force_login(world.member_user)

    response = _declare(
        client, world, period=f"{YEAR}-03", files=[SimpleUploadedFile("心得.pdf", PDF)]
    )

    assert f"{YEAR}-03 现在不接受申报。" in response.text
    assert not Declaration.objects.exists()
    assert "心得.pdf" in response.text  # kept, ticked, for the corrected form


def _offered(client):
    page = client.get(reverse("portal:declare")).text
    return re.findall(r'<option value="(\d{4}-\d\d)"', page)


def test_only_months_still_open_are_offered(client, world, on):
    client.force_login(world.member_user)
    on(datetime.date(YEAR, 4, 3))
    assert _offered(client) == [f"{YEAR}-04", f"{YEAR}-03"]
    on(datetime.date(YEAR, 4, 6))
    assert _offered(client) == [f"{YEAR}-04"]
    on(datetime.date(YEAR, 4, 3))
    Cycle(world).confirm(1, held_on=datetime.date(YEAR, 4, 2))
    assert _offered(client) == [f"{YEAR}-04"]


def test_no_open_month_says_why_instead_of_a_form(client, world, on):
    on(datetime.date(YEAR, 4, 3))
    client.force_login(world.member_user)
    world.member.state = "left"
    world.member.save(update_fields=["state"])
    page = client.get(reverse("portal:declare")).text
    assert "现在没有可申报的月份" in page and '<form method="post" enctype' not in page


def test_the_todo_link_preselects_its_month(client, world, on):
    on(datetime.date(YEAR, 4, 3))
    client.force_login(world.member_user)
    page = client.get(reverse("portal:declare") + f"?period={YEAR}-03").text
    assert f'<option value="{YEAR}-03" selected>' in page


def test_items_show_their_points_frequency_and_cap(member_client, world):
    page = member_client.get(reverse("portal:declare")).text
    assert "P01 撰写学习心得或理论文章 · 1–3 分 · 每月一次 · 全年最多 24 分 · 需要佐证材料" in page
    assert "P02 参加志愿服务活动 · 2 分 · 不限次数" in page
    assert "C01 获得表彰奖励 · 分值按表彰级别" in page


def test_an_item_of_fixed_points_needs_no_points_and_a_wrong_value_reads_well(member_client, world):
    def declare(points):
        return member_client.post(
            reverse("portal:declare"),
            {
                "token": uuid.uuid4(),
                "period": f"{YEAR}-03",
                "item": world.item("P02").pk,
                "points": points,
                "description": "社区志愿服务",
                "files": [SimpleUploadedFile("照片.pdf", PDF)],
            },
            follow=True,
        )

    assert "“参加志愿服务活动”的分值为 2 分。" in declare("3").text
    declare("")
    assert Declaration.objects.get().points == d(2)


def test_a_chosen_file_survives_an_error_and_goes_with_the_corrected_form(
    member_client, world, _media
):
    token = uuid.uuid4()
    response = _declare(
        member_client, world, token=token, points="9", files=[SimpleUploadedFile("心得.pdf", PDF)]
    )
    # Beside the points field, not only above the form.
    assert (
        '<div class="invalid-feedback d-block">“撰写学习心得或理论文章”的分值在 1 到 3 分之间。'
        in response.text
    )
    [kept] = PendingFile.objects.all()
    assert f'name="kept" value="{kept.pk}" id="kept-{kept.pk}" checked' in response.text

    response = member_client.post(
        reverse("portal:declare"),
        {
            "token": token,
            "period": f"{YEAR}-03",
            "item": world.item("P01").pk,
            "points": "2",
            "description": "学习党章心得",
            "kept": [kept.pk],
        },
        follow=True,
    )

    declaration = Declaration.objects.get()
    file = DeclarationFile.objects.get(declaration=declaration)
    assert (file.name, file.file.name) == ("心得.pdf", kept.file.name)
    assert declaration.evidence == kept.file.name
    assert (_media / file.file.name).read_bytes() == PDF
    assert not PendingFile.objects.exists()


def test_a_kept_file_left_unticked_is_deleted_when_the_form_goes_through(
    member_client, world, _media, django_capture_on_commit_callbacks
):
    token = uuid.uuid4()
    files = [SimpleUploadedFile("旧.pdf", PDF), SimpleUploadedFile("新.pdf", PDF)]
    _declare(member_client, world, token=token, points="9", files=files)
    old, new = PendingFile.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("portal:declare"),
            {
                "token": token,
                "period": f"{YEAR}-03",
                "item": world.item("P01").pk,
                "points": "2",
                "description": "学习党章心得",
                "kept": [new.pk],
            },
        )
    assert [f.name for f in DeclarationFile.objects.all()] == ["新.pdf"]
    assert not (_media / old.file.name).exists()


def test_files_of_forms_never_sent_again_are_purged(member_client, world, _media, settings):
    _declare(member_client, world, points="9", files=[SimpleUploadedFile("心得.pdf", PDF)])
    [kept] = PendingFile.objects.all()
    assert portal_services.pending_files_purge() == 0
    PendingFile.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert portal_services.pending_files_purge() == 1
    assert not PendingFile.objects.exists()
    assert not (_media / kept.file.name).exists()


def test_member_withdraws_a_declaration_not_yet_reviewed(member_client, declared):
    member_client.post(reverse("portal:withdraw", args=[declared.pk]))

    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.WITHDRAWN


def test_nobody_withdraws_another_members_declaration(client, world, declared):
    client.force_login(world.outsider)

    response = client.post(reverse("portal:withdraw", args=[declared.pk]))

    assert response.status_code == 404
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.SUBMITTED


def test_my_page_shows_the_score_and_the_rank(member_client, world, declared):
    services.declaration_review(actor=world.secretary, declaration=declared, decision="approve")

    response = member_client.get(reverse("portal:me"))

    overview = response.context["overview"]
    assert overview.this_month.score == 62
    assert overview.this_month.rank == 1
    assert "第 1 名，共 1 人" in response.text


def test_an_exempt_member_sees_why_there_is_no_score(member_client, world):
    org_services.member_update(actor=world.admin, member=world.member, exempt_reason="长期患病")

    response = member_client.get(reverse("portal:me"))

    assert "长期患病" in response.text
    assert response.context["overview"].this_year.score is None


def test_the_explanation_shows_the_entries_and_the_cap(member_client, world):
    """20 + 4 × 5 = 40 performance points are earned; the month counts 35."""
    record = {"actor": world.secretary, "member": world.member, "year": YEAR, "month": 3}
    services.committee_record(**record, item=world.item("P07"), points=d(20), reason="主动承担")
    for task in range(4):
        services.committee_record(
            **record, item=world.item("P03"), points=d(5), reason=f"交办任务{task}"
        )

    response = member_client.get(reverse("portal:my_scores", args=[YEAR]))

    march = response.context["months"][0]
    assert march.score.capped
    assert march.score.score == d(95)
    assert "交办任务3" in response.text
    assert "封顶" in response.text


def test_the_evidence_file_is_served_with_its_sniffed_type(member_client, world):
    _declare(member_client, world, files=[SimpleUploadedFile("心得.txt", PDF)])
    file = DeclarationFile.objects.get()

    response = member_client.get(reverse("portal:evidence", args=[file.pk]))

    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_explanation_names_who_recorded_an_entry(member_client, world):
    MemberFactory(name="李书记", branch=world.branch, user=world.secretary)
    services.declaration_review(
        actor=world.secretary,
        declaration=services.declaration_submit(
            actor=world.member_user,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=d(2),
            description="任务",
            today=MARCH_20,
        ),
        decision="approve",
    )
    page = member_client.get(reverse("portal:my_scores", args=[YEAR])).text
    assert "李书记" in page and ">secretary<" not in page and " secretary<" not in page
