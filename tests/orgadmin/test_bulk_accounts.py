"""Opening accounts for a whole import at once through the admin's pages: the passwords are
shown once and downloaded once, and stored in clear nowhere."""

import io

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from jifen.audit.models import AuditEvent
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Member, Role
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("orgadmin:accounts_create")
SHEET = reverse("orgadmin:accounts_sheet")


@pytest.fixture
def imported(world):
    return [MemberFactory(branch=world.branch, name=f"导入{n}") for n in range(3)]


def _everything_stored() -> str:
    """Every row of every table, as text: what a password must never be found in."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The table names come from the schema itself.
            cursor.execute(f'SELECT * FROM "{table}"')
            found.extend(str(row) for row in cursor.fetchall())
    return "\n".join(found)


def test_the_roster_offers_it(client, world):
    client.force_login(world.admin)
    assert f'href="{CREATE}"' in client.get(reverse("orgadmin:members")).text


def test_the_page_lists_who_has_no_account_and_opens_theirs(client, world, imported):
    client.force_login(world.admin)
    page = client.get(CREATE, {"branch": world.branch.pk})
    assert all(m.name in page.text for m in imported) and "张三" not in page.text

    done = client.post(CREATE, {"branch": world.branch.pk})

    issued = done.context["issued"]
    assert [a.member.pk for a in issued] == [m.pk for m in imported]
    assert all(f"<code>{a.password}</code>" in done.text for a in issued)
    assert "no-cache" in done["Cache-Control"]
    assert Member.objects.filter(pk__in=[m.pk for m in imported], user__isnull=True).count() == 0
    again = client.post(CREATE, {"branch": world.branch.pk})
    assert again.context["issued"] == []


def test_the_list_downloads_once_with_each_password_once_and_is_kept_nowhere(
    client, world, imported
):
    client.force_login(world.admin)
    done = client.post(CREATE, {"branch": world.branch.pk})
    issued, sealed = done.context["issued"], done.context["sealed"]

    sheet = client.post(SHEET, {"sealed": sealed})
    caches["pages"].clear()  # a full cache drops entries: the list must stay opened
    second = client.post(SHEET, {"sealed": sealed})

    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "党支部", "用户名", "初始密码")
    assert sorted(rows[1:]) == sorted(
        (a.member.name, "第一党支部", a.username, a.password) for a in issued
    )
    cells = [str(value) for row in rows for value in row]
    assert all(cells.count(a.password) == 1 for a in issued)
    assert second.status_code == 302 and second["Location"] == reverse("orgadmin:members")
    opened = AuditEvent.objects.get(action="orgadmin.account_sheet.opened")
    assert (opened.actor, opened.data) == (world.admin, {"accounts": len(issued)})
    stored = _everything_stored()
    assert not any(a.password in stored for a in issued)


def test_another_admins_sealed_list_does_not_open(client, world, imported):
    client.force_login(world.admin)
    sealed = client.post(CREATE).context["sealed"]
    other = UserFactory()
    Role.objects.create(user=other, organisation=world.committee, kind=RoleKind.ADMIN)
    client.force_login(other)
    assert client.post(SHEET, {"sealed": sealed}).status_code == 302
    assert client.post(SHEET, {"sealed": "not a sealed list"}).status_code == 302


def test_the_first_sign_in_leads_to_the_password_change(client, world, imported):
    client.force_login(world.admin)
    account = client.post(CREATE).context["issued"][0]
    client.logout()

    signed_in = client.post(
        reverse("login"), {"username": account.username, "password": account.password}
    )

    assert signed_in.status_code == 302
    assert client.get(reverse("portal:me"))["Location"] == reverse("password_change")


def test_an_admin_of_another_branch_opens_none_of_this_branchs(client, world, imported):
    other_admin = UserFactory()
    Role.objects.create(user=other_admin, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(other_admin)

    page = client.get(CREATE)
    client.post(CREATE, {"branch": world.branch.pk})
    client.post(CREATE)

    assert all(m.name not in page.text for m in imported)
    assert (
        not Member.objects.filter(branch=world.branch, name__startswith="导入")
        .exclude(user=None)
        .exists()
    )
