"""A job still queued after a short while says why: no worker runs (and how to start one), or
the workers are busy with the jobs before it."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jifen.exchange import services
from jifen.exchange.management.commands.run_worker import keep_house
from jifen.exchange.models import Job, Worker
from tests.exchange.test_jobs import run_worker_command


def _job(world, seconds_ago=0):
    job = Job.objects.create(export="roster", created_by=world.admin, params={"format": "csv"})
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )
    return job


def _progress(client, world, job):
    client.force_login(world.admin)
    url = reverse("exchange:job_detail", args=[job.pk])
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


@override_settings(JIFEN_JOB_PICKUP_SECONDS=10)
def test_a_job_just_queued_says_nothing_more(client, world):
    page = _progress(client, world, _job(world, seconds_ago=2))
    assert 'id="no-worker"' not in page and 'id="jobs-ahead"' not in page


@override_settings(JIFEN_JOB_PICKUP_SECONDS=10, JIFEN_WORKER_SILENT_SECONDS=180)
def test_a_job_nobody_picks_up_says_the_worker_is_not_running_and_how_to_start_it(client, world):
    job = _job(world, seconds_ago=30)
    page = _progress(client, world, job)
    assert 'id="no-worker"' in page and "manage.py run_worker" in page
    assert 'hx-trigger="every 2s"' in page  # it keeps watching: the job starts when a worker does

    # A worker that stopped reporting long ago does not count either.
    Worker.objects.create(name="old:1", seen_at=timezone.now() - datetime.timedelta(minutes=5))
    assert 'id="no-worker"' in _progress(client, world, job)


@override_settings(JIFEN_JOB_PICKUP_SECONDS=10)
def test_with_a_worker_running_the_page_counts_the_jobs_before_this_one(client, world):
    services.worker_beat("host:42")
    _job(world, seconds_ago=60)
    job = _job(world, seconds_ago=30)
    page = _progress(client, world, job)
    assert 'id="no-worker"' not in page
    assert "前面还有 1 个任务" in page


def test_a_worker_reports_itself_while_it_runs_and_not_after(world):
    keep_house("host:7", daily=False)
    assert Worker.objects.get().name == "host:7"


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_removes_its_report_when_it_stops(world):
    run_worker_command()
    assert not Worker.objects.exists()
