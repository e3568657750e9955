"""Liveness, readiness (django-health-check) and the JSON line logged for every request."""

import datetime
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jifen.exchange.tasks import run_job

pytestmark = pytest.mark.django_db


def ready(client):
    """GET /readyz from a thread of its own. The view is async (django-health-check) and the
    test client runs it with async_to_sync, which refuses a thread where an event loop runs, as
    Playwright's does once the browser tests have started; under gunicorn no loop runs. The
    checks then use connections of their own: the tests commit (transactional_db), so that no
    transaction of the test's holds a lock they wait for."""

    def get():
        try:
            return client.get("/readyz?format=json")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(get).result()


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readiness_checks_database_cache_storage_and_queue(transactional_db, client, _media):
    response = ready(client)

    assert response.status_code == 200, response.content
    assert set(response.json().values()) == {"OK"}
    assert [name.split("(")[0] for name in response.json()] == [
        "Database",
        "Cache",
        "Storage",
        "QueueDepth",
    ]


def test_readiness_fails_when_the_media_storage_cannot_be_written(
    transactional_db, client, settings, tmp_path
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked

    response = ready(client)

    assert response.status_code == 500
    assert [name for name, state in response.json().items() if state != "OK"] == [
        "Storage(alias='default')"
    ]


def test_readiness_fails_when_no_worker_picks_up_the_queue(transactional_db, client, settings):
    settings.JIFEN_QUEUE_MAX_WAIT_MINUTES = 10
    run_job.enqueue("a job id")
    assert ready(client).status_code == 200  # waiting, not for long
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=11))

    response = ready(client)

    assert response.status_code == 500
    problem = response.json()["QueueDepth(max_wait=datetime.timedelta(seconds=600))"]
    assert "1 tasks queued" in problem and "run_worker" in problem


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        # Formatted as configured in settings.LOGGING, as the journal receives it.
        self.lines.append(json.loads(logging.getLogger("jifen.request").handlers[0].format(record)))


@pytest.fixture
def request_lines():
    logger = logging.getLogger("jifen.request")
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_every_request_logs_one_json_line_without_personal_data(client, world, request_lines):
    client.force_login(world.member_user)

    client.get(reverse("portal:me") + "?name=张三&id=110105", HTTP_X_REQUEST_ID="abc123")

    [line] = request_lines
    assert line["event"] == "request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/portal/me/", 200)
    assert (line["user"], line["organisation"]) == (world.member_user.pk, world.branch.pk)
    assert line["request_id"] == "abc123"
    assert line["duration_ms"] > 0 and "time" in line
    text = json.dumps(line, ensure_ascii=False)
    for personal in ("张三", "110105", world.member.id_number, "member", "127.0.0.1"):
        assert personal not in text


def test_an_account_without_a_roster_entry_logs_no_organisation(client, world, request_lines):
    client.force_login(world.admin)

    assert client.get(reverse("orgadmin:index")).status_code == 200

    [line] = request_lines
    assert (line["user"], line["organisation"], line["status"]) == (world.admin.pk, None, 200)


def test_an_anonymous_request_logs_no_user(client, request_lines):
    client.get("/notices/")

    [line] = request_lines
    assert (line["user"], line["organisation"], line["status"]) == (None, None, 200)
