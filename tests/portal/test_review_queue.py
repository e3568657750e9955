"""The review queue as a branch secretary works it: what waits first, narrowed by state and
item, the counts of each state, one tick for all, and a fixed number of queries per page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jifen.declarations import services
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

APRIL_2 = datetime.date(YEAR, 4, 2)
MARCH = {"period": f"{YEAR}-03"}


@pytest.fixture
def secretary(client, world, on):
    on(APRIL_2)
    client.force_login(world.secretary)
    return client


def _declare(world, name, code="P03", points=2):
    member = MemberFactory(name=name, branch=world.branch, user=UserFactory())
    return services.declaration_submit(
        actor=member.user,
        member=member,
        year=YEAR,
        month=3,
        item=world.item(code),
        points=d(points),
        description=f"{name}的工作",
        evidence="evidence/x.pdf" if code == "P01" else "",
        today=datetime.date(YEAR, 3, 20),
    )


def _decide(world, declaration, decision, **extra):
    return services.declaration_review(
        actor=world.secretary, declaration=declaration, decision=decision, **extra
    )


@pytest.fixture
def month(world):
    """March: 艾 approved, 白 adjusted, 蔡 rejected (all decided), 钱 and 孙 waiting (P03),
    周 waiting (P01)."""
    decided = {name: _declare(world, name, points=4) for name in ("艾", "白", "蔡")}
    _decide(world, decided["艾"], "approve")
    _decide(world, decided["白"], "adjust", points=d(3), reason="部分")
    _decide(world, decided["蔡"], "reject", reason="无关")
    waiting = [_declare(world, "钱"), _declare(world, "孙"), _declare(world, "周", "P01", 2)]
    return decided, waiting


def _url(world):
    return reverse("portal:review", args=[world.branch.pk])


def _names(response):
    return [d.member.name for d in response.context["page"]]


def _counts(response):
    found = re.findall(r'data-state-count="(\w+)">(\d+)<', response.text)
    return {state: int(count) for state, count in found}


def test_what_waits_comes_first_then_the_decided_by_name(secretary, world, month):
    response = secretary.get(_url(world), MARCH)

    names = _names(response)
    assert sorted(names[:3]) == names[:3] and set(names[:3]) == {"钱", "孙", "周"}
    assert set(names[3:]) == {"艾", "白", "蔡"} and sorted(names[3:]) == names[3:]


def test_each_state_is_counted_and_filters_the_queue(secretary, world, month):
    response = secretary.get(_url(world), MARCH)
    assert _counts(response) == {
        "all": 6,
        "pending": 3,
        "approved": 1,
        "adjusted": 1,
        "rejected": 1,
    }

    pending = secretary.get(_url(world), {**MARCH, "state": "pending"})
    rejected = secretary.get(_url(world), {**MARCH, "state": "rejected"})
    adjusted = secretary.get(_url(world), {**MARCH, "state": "adjusted"})

    assert set(_names(pending)) == {"钱", "孙", "周"}
    assert _names(rejected) == ["蔡"]
    assert _names(adjusted) == ["白"]
    assert f"?period={YEAR}-03&amp;state=pending" in response.text  # the tab keeps the month


def test_the_item_narrows_the_queue_and_its_counts(secretary, world, month):
    item = world.item("P01")

    response = secretary.get(_url(world), {**MARCH, "item": item.pk})

    assert _names(response) == ["周"]
    assert _counts(response)["all"] == 1 and _counts(response)["pending"] == 1
    assert f'<option value="{item.pk}" selected>' in response.text


def test_a_state_or_item_that_does_not_fit_shows_everything(secretary, world, month):
    response = secretary.get(_url(world), {**MARCH, "state": "nonsense", "item": "x"})

    assert len(_names(response)) == 6


def test_pages_keep_the_filters(secretary, world):
    for n in range(55):
        _declare(world, f"党员{n:02d}")

    first = secretary.get(_url(world), {**MARCH, "state": "pending"})
    second = secretary.get(_url(world), {**MARCH, "state": "pending", "page": 2})

    assert f"period={YEAR}-03&amp;state=pending&amp;page=2" in first.text
    assert len(_names(second)) == 5


def test_one_tick_chooses_every_waiting_declaration_of_the_page(secretary, world, month):
    response = secretary.get(_url(world), MARCH)

    html = response.text
    scope = html.index("data-select-scope")
    assert html.index('data-select-all="declarations"') > scope
    assert html.count('name="declarations"') == 3
    assert "portal/review.css" in html


def test_without_anything_waiting_there_is_no_bulk_decision(secretary, world):
    declaration = _declare(world, "艾")
    _decide(world, declaration, "approve")

    response = secretary.get(_url(world), MARCH)

    assert "data-select-all" not in response.text
    assert 'id="bulk-decision"' not in response.text


def test_the_branch_overview_says_how_many_wait(secretary, world, month):
    response = secretary.get(reverse("portal:branch", args=[world.branch.pk]), MARCH)

    counts = response.text[response.text.index('id="declared-counts"') :]
    assert "6 条申报" in counts and "其中 3 条待审核" in counts
    assert f"period={YEAR}-03&amp;state=pending" in response.text


def _queries(client, world, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_url(world), {**MARCH, **params})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"state": "pending"}])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    secretary, world, params, django_assert_max_num_queries, settings
):
    # The page as it is rendered; a kept page's few queries: tests/web/test_personal.py.
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    for n in range(3):
        _declare(world, f"甲{n}")
    few = _queries(secretary, world, **params)
    for n in range(30):
        _declare(world, f"乙{n}")

    with django_assert_max_num_queries(few):
        secretary.get(_url(world), {**MARCH, **params})


def test_an_outsider_is_refused(client, world, month):
    client.force_login(world.outsider)

    response = client.get(_url(world), {**MARCH, "state": "pending"})

    assert response.status_code == 404


def test_after_a_bulk_decision_the_queue_comes_back_narrowed_as_it_was(secretary, world, month):
    _, waiting = month
    page = secretary.get(_url(world), {**MARCH, "state": "pending"})
    assert 'name="filters" value="state=pending"' in page.text

    response = secretary.post(
        reverse("portal:review_bulk", args=[world.branch.pk]),
        {
            "declarations": [waiting[0].pk],
            "decision": "approve",
            "filters": "state=pending&next=https://example.com/",
        },
    )

    assert response.url == f"{_url(world)}?period={YEAR}-03&state=pending"
