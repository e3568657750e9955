"""Background jobs: queued in the database as django-tasks tasks when their transaction commits,
run by the worker, progress and lease written as they go, a job of a dead worker retried once
and then failed, files kept until they expire."""

import datetime
import io
import signal

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jifen.exchange import services
from jifen.exchange.enums import JobState
from jifen.exchange.models import Job, Upload
from tests.exchange.helpers import run_tasks, tables
from tests.factories import MemberFactory


def _roster_job(world, capture, actor=None):
    with capture(execute=True):
        return services.export_job_create(
            actor=actor or world.admin,
            export="roster",
            params={"branch": world.branch.pk, "format": "csv"},
        )


def run_worker_command():
    """`manage.py run_worker --batch` in this process; the signal handlers it installs are put
    back afterwards."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "run_worker", "--batch", "--no-reload", "--no-startup-delay", stdout=io.StringIO()
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
@override_settings(JIFEN_EXPORT_BACKGROUND_ROWS=1)
def test_a_large_export_runs_in_the_worker(client, world):
    MemberFactory(name="王五", branch=world.branch)
    client.force_login(world.admin)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    response = client.post(url, {"format": "xlsx"})
    job = Job.objects.get()
    assert response["Location"] == reverse("exchange:job_detail", args=[job.pk])
    assert (job.state, job.total_rows, job.params["branch"]) == (
        JobState.QUEUED,
        2,
        world.branch.pk,
    )
    # The task carries the job's id only, and was enqueued when the request's work committed.
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0%" in page
    expired = Job.objects.create(
        export="roster",
        created_by=world.admin,
        state=JobState.DONE,
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )

    run_worker_command()

    # The worker keeps house too: files past their time are gone.
    assert not Job.objects.filter(pk=expired.pk).exists()

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.state == JobState.DONE and job.percent == 100 and job.attempts == 1
    assert job.expires_at > timezone.now() and job.lease_until is None
    assert task.status == "SUCCESSFUL" and job.task_id == str(task.pk)
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page and reverse("exchange:job_download", args=[job.pk]) in page
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    names = [row[0] for row in tables(download.content)["党员名册"][1:]]
    assert names == ["张三", "王五"]
    # The admin's own export: personal data in full, as in the request.
    assert tables(download.content)["党员名册"][1][4] == world.member.id_number
    # A plain name for programs that read no other, with what, whose and when.
    disposition = download["Content-Disposition"]
    assert f'filename="roster-branch-{world.branch.pk}-{timezone.localdate()}.xlsx"' in disposition


def test_the_task_is_enqueued_when_the_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.export_job_create(
            actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
        )
        assert not DBTaskResult.objects.exists()
    (commit,) = callbacks
    commit()
    assert DBTaskResult.objects.get().args_kwargs["args"] == [str(job.pk)]


def test_the_worker_checks_the_users_rights_again(world, django_capture_on_commit_callbacks):
    job = _roster_job(world, django_capture_on_commit_callbacks, actor=world.secretary)
    world.secretary.roles.all().delete()
    assert run_tasks() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error
    assert not job.file


def test_progress_and_lease_are_written_while_rows_are_rendered(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from jifen.exchange import exports

    monkeypatch.setattr(exports, "_PROGRESS_EVERY", 1)
    MemberFactory(name="王五", branch=world.branch)
    job = _roster_job(world, django_capture_on_commit_callbacks)
    seen = []
    real = services._heartbeat

    def spy(job):
        beat = real(job)

        def record(done):
            beat(done)
            seen.append(Job.objects.values_list("done_rows", "lease_until").get(pk=job.pk))

        return record

    monkeypatch.setattr(services, "_heartbeat", spy)
    run_tasks()
    assert [done for done, _lease in seen] == [1, 2]
    assert all(lease > timezone.now() for _done, lease in seen)
    job.refresh_from_db()
    assert job.state == JobState.DONE


def test_a_crash_fails_the_job_instead_of_leaving_it_running(
    world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from jifen.exchange import exports

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "render", explode)
    job = _roster_job(world, django_capture_on_commit_callbacks)
    run_tasks()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "失败" in job.error
    assert "disk full" in caplog.text


def test_a_claimed_job_is_not_run_twice(world, django_capture_on_commit_callbacks):
    job = _roster_job(world, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert services.job_run(job_id=str(job.pk)) is None


def _killed_while_running(job, task_id=""):
    """The job as a worker left it that was killed mid-run: running, its lease run out."""
    assert services._claim(str(job.pk), task_id) is not None
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - datetime.timedelta(1))


def test_a_job_whose_worker_died_is_retried_by_another(world, django_capture_on_commit_callbacks):
    job = _roster_job(world, django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get()
    task.claim("killed")
    _killed_while_running(job, str(task.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_recover() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    # The library's task of the dead worker is marked failed, not left running for ever.
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)


def test_a_job_interrupted_twice_fails_with_a_message(
    client, world, django_capture_on_commit_callbacks
):
    job = _roster_job(world, django_capture_on_commit_callbacks)
    _killed_while_running(job)
    Job.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_recover() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "中断" in job.error and job.expires_at
    assert DBTaskResult.objects.count() == 1  # no retry was enqueued
    client.force_login(world.admin)
    page = client.get(reverse("exchange:job_detail", args=[job.pk])).content.decode()
    assert job.error in page and "hx-trigger" not in page


def test_a_live_job_is_left_alone(world, django_capture_on_commit_callbacks):
    job = _roster_job(world, django_capture_on_commit_callbacks)
    services._claim(str(job.pk), "")
    assert services.jobs_recover() == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_a_worker_that_lost_its_lease_writes_nothing(world, django_capture_on_commit_callbacks):
    job = _roster_job(world, django_capture_on_commit_callbacks)
    slow = services._claim(str(job.pk), "")
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - datetime.timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.jobs_recover()
    # The first worker was only slow: its next progress report and its finish are refused.
    with pytest.raises(services.LeaseLost):
        services._heartbeat(slow)(10)
    with pytest.raises(services.LeaseLost):
        services._finish(slow, JobState.DONE, rendered=(b"x", "text/csv", "x.csv"))
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and not job.file


def test_expired_files_and_stale_uploads_are_purged(world):
    old = timezone.now() - datetime.timedelta(days=2)
    expired = Job.objects.create(
        export="roster", created_by=world.admin, state=JobState.DONE, expires_at=old
    )
    kept = Job.objects.create(export="roster", created_by=world.admin, state=JobState.QUEUED)
    stale = Upload.objects.create(
        kind="roster", filename="x.xlsx", content=b"x", created_by=world.admin
    )
    importing = Upload.objects.create(
        kind="roster", filename="y.xlsx", content=b"y", created_by=world.admin
    )
    running = Job.objects.create(
        kind="import", upload=importing, created_by=world.admin, state=JobState.RUNNING
    )
    Upload.objects.filter(pk__in=[stale.pk, importing.pk]).update(created_at=old)
    assert services.purge_expired() == 2
    assert set(Job.objects.all()) == {kept, running}
    assert not Upload.objects.filter(pk=stale.pk).exists()
    assert not Job.objects.filter(pk=expired.pk).exists()
