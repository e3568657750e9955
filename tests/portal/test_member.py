import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.orgs import services as org_services
from jifen.portal.models import DeclarationFile
from tests.conftest import YEAR
from tests.factories import d
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


def test_a_closed_month_is_refused_with_the_domains_message(client, world, on):
    on(datetime.date(YEAR, 5, 20))
    client.force_login(world.member_user)

    response = _declare(
        client, world, period=f"{YEAR}-03", files=[SimpleUploadedFile("a.pdf", PDF)]
    )

    assert f"{YEAR}-03 的申报开放时间" in response.text
    assert not Declaration.objects.exists()


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
