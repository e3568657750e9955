"""Sign-in through the university's directory, against a real OpenLDAP server (slapd) started
for these tests: the right password, a wrong one, an unknown user, a directory user who is not
on the roster; the lockout counts directory failures; local accounts keep working."""

import base64
import importlib
import os

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from jifen.audit.models import AuditEvent
from tests.factories import MemberFactory, UserFactory, valid_id_number
from tests.web import slapd

pytestmark = [pytest.mark.django_db, pytest.mark.servers]

PASSWORD = "campus-pass-2026"
ID_NUMBER = valid_id_number(4242)
PEOPLE = [
    slapd.Person("zhangsan", PASSWORD, "T1001"),
    slapd.Person("lisi", PASSWORD, "T9999"),  # in the directory, not on the roster
    slapd.Person("wangwu", PASSWORD, ID_NUMBER),  # the entry holds the ID number
    slapd.Person("t2001", PASSWORD, "T2001"),  # the secretary, whose account is local
    slapd.Person("zhaoliu", PASSWORD, "T1002"),
]


def _require_python_ldap():
    try:
        importlib.import_module("jifen.web.directory")
    except ImportError as error:
        reason = f"python-ldap not installed ({error}): apt-get install libldap-dev libsasl2-dev"
        if os.environ.get("JIFEN_REQUIRE_LDAP") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    _require_python_ldap()
    yield from slapd.start(tmp_path_factory.mktemp("slapd"), PEOPLE)


@pytest.fixture
def ldap_on(settings, directory):
    settings.JIFEN_LDAP_URI = directory.uri
    settings.JIFEN_LDAP_BIND_DN = slapd.READER_DN
    settings.JIFEN_LDAP_BIND_PASSWORD = slapd.READER_PASSWORD
    settings.JIFEN_LDAP_START_TLS = False
    settings.JIFEN_LDAP_USER_BASE = slapd.PEOPLE
    settings.JIFEN_LDAP_LINK = "staff_number"
    settings.JIFEN_LDAP_LINK_ATTRIBUTE = "employeeNumber"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "jifen.web.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return settings


@pytest.fixture
def zhangsan(world):
    return MemberFactory(name="张三丰", branch=world.branch, staff_number="T1001")


def sign_in(client, username, password=PASSWORD):
    client.cookies.clear()
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_user(client):
    return client.get(reverse("home")).context["user"]


def test_the_right_directory_password_signs_in_as_the_roster_member(ldap_on, client, zhangsan):
    response = sign_in(client, "zhangsan")

    assert response.status_code == 302
    zhangsan.refresh_from_db()
    assert zhangsan.user.username == "zhangsan"
    assert not zhangsan.user.has_usable_password()  # the directory keeps the password
    assert signed_in_user(client) == zhangsan.user
    assert client.get(reverse("portal:me")).status_code == 200
    event = AuditEvent.objects.get(action="orgs.account.from_directory")
    assert event.organisation == zhangsan.branch
    # The second sign-in finds the same account.
    assert sign_in(client, "zhangsan").status_code == 302
    assert get_user_model().objects.filter(username="zhangsan").count() == 1


def test_a_member_with_a_local_account_keeps_it_and_its_roles(ldap_on, client, world):
    MemberFactory(name="书记", branch=world.branch, staff_number="T2001", user=world.secretary)

    assert sign_in(client, "t2001").status_code == 302
    assert signed_in_user(client) == world.secretary
    assert client.get(reverse("portal:branch", args=[world.branch.pk])).status_code == 200
    assert not get_user_model().objects.filter(username="t2001").exists()


def test_a_wrong_directory_password_is_refused_and_counted_by_the_lockout(
    ldap_on, client, zhangsan
):
    statuses = [sign_in(client, "zhangsan", "wrong").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get(username="zhangsan").failures_since_start == 5
    # Locked: the right directory password no longer gets in from here.
    assert sign_in(client, "zhangsan").status_code == 429
    zhangsan.refresh_from_db()
    assert zhangsan.user is None


def test_a_wrong_password_says_only_that(ldap_on, client, zhangsan):
    response = sign_in(client, "zhangsan", "wrong")

    assert response.status_code == 200
    assert "请输入一个正确的" in response.text
    assert "名册" not in response.text


def test_a_user_unknown_to_the_directory_and_to_jifen_is_refused(ldap_on, client, world):
    response = sign_in(client, "nobody")

    assert response.status_code == 200
    assert "请输入一个正确的" in response.text
    assert AccessAttempt.objects.get(username="nobody").failures_since_start == 1


def test_a_directory_user_not_on_the_roster_is_told_so(ldap_on, client, world):
    response = sign_in(client, "lisi")

    assert response.status_code == 200
    assert "您不在任何支部的党员名册中" in response.text
    assert not get_user_model().objects.filter(username="lisi").exists()


def test_a_local_account_of_the_same_name_is_never_taken_over(ldap_on, client, world):
    local = UserFactory(username="zhaoliu")
    member = MemberFactory(name="赵六", branch=world.branch, staff_number="T1002")

    response = sign_in(client, "zhaoliu")

    assert response.status_code == 200
    assert "已有名为 zhaoliu 的账号" in response.text
    member.refresh_from_db()
    assert member.user is None
    assert not hasattr(local, "member")  # the local account stays unlinked
    # Its own password still signs it in.
    assert sign_in(client, "zhaoliu", "pw-Jifen-2026").status_code == 302


def test_the_link_may_be_the_id_number(ldap_on, client, world):
    ldap_on.JIFEN_LDAP_LINK = "id_number"
    member = MemberFactory(name="王五", branch=world.branch, id_number=ID_NUMBER)

    assert sign_in(client, "wangwu").status_code == 302
    member.refresh_from_db()
    assert member.user.username == "wangwu"
    # Nothing of the directory entry but its name is kept with the account.
    user = member.user
    assert ID_NUMBER not in " ".join(
        str(getattr(user, field.attname)) for field in user._meta.concrete_fields
    )


def test_local_accounts_keep_working_beside_the_directory(ldap_on, client, world):
    assert sign_in(client, "admin", "pw-Jifen-2026").status_code == 302
    assert signed_in_user(client) == world.admin


def test_an_api_token_with_the_directory_password(ldap_on, client, zhangsan):
    url = "/api/v1/tokens/"
    body = {"name": "phone"}

    created = APIClient().post(url, body, HTTP_AUTHORIZATION=basic("zhangsan", PASSWORD))
    refused = APIClient().post(url, body, HTTP_AUTHORIZATION=basic("lisi", PASSWORD))

    assert created.status_code == 201
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_on_roster"


def test_start_tls_refused_by_the_server_never_falls_back_to_plain_text(ldap_on, client, zhangsan):
    ldap_on.JIFEN_LDAP_START_TLS = True  # the test server offers no TLS

    assert sign_in(client, "zhangsan").status_code == 200
    zhangsan.refresh_from_db()
    assert zhangsan.user is None


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
