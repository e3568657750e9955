"""Answering an objection through the pages, and what a correction does to the notice and the
register that the branch and the public read."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jifen.cycle import services as cycle
from jifen.cycle.models import Notice
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle

pytestmark = pytest.mark.django_db

DURING = datetime.date(YEAR, 4, 9)


@pytest.fixture
def objection(world, on):
    """张三 objects to Q1's notice (posted 8 April), which lists him with 60.0 points."""
    notice = Cycle(world).publish()
    on(DURING)
    return cycle.objection_submit(
        actor=world.member_user, notice=notice, text="三月的志愿服务未计分", today=DURING
    )


def _answer(client, world, objection):
    prefix = f"o{objection.pk}"
    return client.post(
        reverse("portal:objection_answer", args=[world.branch.pk, objection.pk]),
        {
            f"{prefix}-accept": "yes",
            f"{prefix}-answer": "经核实，补记积分",
            f"{prefix}-item": world.item("P02").pk,
            f"{prefix}-points": "2",
            f"{prefix}-month": "3",
        },
    )


def test_the_answer_form_names_each_entry_by_its_item_month_points_and_reason(client, world, on):
    entry = Cycle(world).declare_approved(month=2, points=4).entry
    notice = Cycle(world).publish()
    on(DURING)
    cycle.objection_submit(actor=world.member_user, notice=notice, text="重复计分", today=DURING)
    client.force_login(world.secretary)

    page = client.get(reverse("portal:objections", args=[world.branch.pk]))

    label = f"P03 {entry.item.name} · 2026年02月 · +4.0 分 · {entry.reason}"
    assert f'<option value="{entry.pk}">{label}</option>' in page.text


def test_answers_to_report_name_the_correcting_entrys_item(client, world, objection):
    client.force_login(world.secretary)
    _answer(client, world, objection)

    page = client.get(reverse("portal:objections", args=[world.branch.pk]))

    assert f"<td>P02 {world.item('P02').name} · 3 月 · 2.0</td>" in page.text


def test_a_correction_is_posted_as_a_new_version_on_the_public_pages(client, world, objection):
    old_url = reverse("insight:public_notice", args=[objection.notice.pk])
    first = client.get(old_url)
    listed = client.get(reverse("insight:public_notices"))
    assert "已更正" not in first.text

    client.force_login(world.secretary)
    _answer(client, world, objection)
    client.logout()

    newer = Notice.objects.get(replaces=objection.notice)
    new_url = reverse("insight:public_notice", args=[newer.pk])
    # The cached page of the old version is rendered anew: it points to the correction.
    old = client.get(old_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert old.status_code == 200 and old["ETag"] != first["ETag"]
    assert "已更正，见第2版" in old.text and f'href="{new_url}"' in old.text
    current = client.get(new_url)
    assert "第2版" in current.text and "60.7" in current.text
    assert "经异议更正：原 60.0 分，现 60.7 分" in current.text
    # The list shows the current version only.
    listing = client.get(reverse("insight:public_notices"), HTTP_IF_NONE_MATCH=listed["ETag"])
    assert listing.status_code == 200
    assert new_url in listing.text and f'href="{old_url}"' not in listing.text


def test_the_register_notes_the_corrected_score(client, world, objection):
    client.force_login(world.secretary)
    _answer(client, world, objection)

    register = client.get(reverse("portal:register", args=[world.branch.pk, YEAR, 1]))

    row = register.context["rows"][0]
    assert (row.member.name, row.score) == ("张三", Decimal("60.7"))
    assert f"经异议更正：原 60.0 分，现 60.7 分（{DURING.isoformat()}）" in register.text


def test_an_outsider_cannot_answer(client, world, objection):
    client.force_login(world.outsider)
    response = _answer(client, world, objection)
    objection.refresh_from_db()
    assert response.status_code == 404
    assert objection.status == "open" and Notice.objects.count() == 1
