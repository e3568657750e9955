"""Signed-in sessions end after the idle timeout and after their absolute lifetime; the server
enforces both, and background requests (the page's own questions) are no activity."""

import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.web import sessions

pytestmark = pytest.mark.django_db

MINUTE = 60


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.secretary)
    return client


def _age(client, *, idle=0, signed_in_for=0):
    """Make the session look idle for `idle` seconds and signed in for `signed_in_for`."""
    session = client.session
    now = int(time.time())
    session[sessions.SEEN] = now - idle
    session[sessions.SINCE] = now - max(idle, signed_in_for)
    session.save()


def test_thirty_minutes_without_activity_sign_the_user_out(signed_in):
    _age(signed_in, idle=31 * MINUTE)

    response = signed_in.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fpassword%2F"
    assert "_auth_user_id" not in signed_in.session
    ended = AuditEvent.objects.get(action="accounts.session.ended")
    assert ended.actor_name == "secretary" and ended.data == {"reason": "idle"}
    page = signed_in.get(response["Location"])
    assert "30 分钟" in page.text


def test_activity_within_the_limit_keeps_the_session(signed_in):
    _age(signed_in, idle=29 * MINUTE)
    assert signed_in.get(reverse("password_change")).status_code == 200
    _age(signed_in, idle=0)
    assert time.time() - signed_in.session[sessions.SEEN] < 5


def test_the_idle_timeout_is_configurable(signed_in, settings):
    settings.JIFEN_SESSION_IDLE_MINUTES = 5
    _age(signed_in, idle=6 * MINUTE)
    assert signed_in.get(reverse("password_change")).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_whatever_the_activity(signed_in):
    _age(signed_in, idle=0, signed_in_for=8 * 60 * MINUTE + 1)

    response = signed_in.get(reverse("password_change"))

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="accounts.session.ended").data == {"reason": "absolute"}


def test_asking_how_long_is_left_is_no_activity_but_staying_is(signed_in):
    _age(signed_in, idle=20 * MINUTE)
    status = reverse("session_status")

    left = signed_in.get(status, HTTP_X_JIFEN_BACKGROUND="1").json()["remaining"]
    again = signed_in.get(status, HTTP_X_JIFEN_BACKGROUND="1").json()["remaining"]
    assert 9 * MINUTE < again <= left <= 10 * MINUTE

    stayed = signed_in.post(status, HTTP_X_JIFEN_BACKGROUND="1").json()["remaining"]
    assert stayed > 29 * MINUTE


def test_the_status_says_zero_once_the_session_has_ended(signed_in):
    _age(signed_in, idle=31 * MINUTE)
    status = reverse("session_status")
    assert signed_in.get(status, HTTP_X_JIFEN_BACKGROUND="1").json() == {"remaining": 0}


def test_an_htmx_request_is_sent_to_sign_in_by_header(signed_in):
    _age(signed_in, idle=31 * MINUTE)
    response = signed_in.get(reverse("orgadmin:members"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_the_api_answers_an_ended_session_as_signed_out(signed_in):
    _age(signed_in, idle=31 * MINUTE)
    response = signed_in.get("/api/v1/members/")
    assert response.status_code in (401, 403)


def test_signed_in_pages_carry_the_warning_and_its_script(client, world):
    anonymous = client.get("/")
    assert 'id="session-timeout"' not in anonymous.text
    client.force_login(world.secretary)
    page = client.get("/")
    assert 'id="session-timeout"' in page.text and 'data-idle="1800"' in page.text
    assert "web/session.js" in page.text


def test_a_session_missing_from_its_cache_is_read_from_its_table(signed_in):
    """The sessions' cache may cull any entry (MAX_ENTRIES): the session lives on in its table."""
    assert signed_in.get(reverse("password_change")).status_code == 200
    caches[settings.SESSION_CACHE_ALIAS].clear()

    assert signed_in.get(reverse("password_change")).status_code == 200
