"""Large exports: queued in the database, run by the worker command, progress shown, the file
kept until it expires."""

import datetime
import io

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jifen.exchange import services
from jifen.exchange.enums import JobState
from jifen.exchange.models import ExportJob, Upload
from tests.exchange.helpers import sheets
from tests.factories import MemberFactory


@override_settings(JIFEN_EXPORT_BACKGROUND_ROWS=1)
def test_a_large_export_runs_in_the_worker(client, world):
    MemberFactory(name="王五", branch=world.branch)
    client.force_login(world.admin)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    response = client.post(url, {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exchange:job_detail", args=[job.pk])
    assert (job.state, job.total_rows, job.params["branch"]) == (
        JobState.QUEUED,
        2,
        world.branch.pk,
    )
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0%" in page

    call_command("run_export_jobs", "--once", stdout=io.StringIO())

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.percent == 100
    assert job.expires_at > timezone.now()
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page and reverse("exchange:job_download", args=[job.pk]) in page
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    names = [row[0] for row in sheets(download.content)["党员名册"][1:]]
    assert names == ["张三", "王五"]
    # The admin's own export: personal data in full, as in the request.
    assert sheets(download.content)["党员名册"][1][4] == world.member.id_number


def test_the_worker_checks_the_users_rights_again(world):
    job = services.export_job_create(
        actor=world.secretary, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    world.secretary.roles.all().delete()
    services.export_job_run_next()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error
    assert job.content is None


def test_progress_is_written_while_rows_are_rendered(world, monkeypatch):
    from jifen.exchange import exports

    monkeypatch.setattr(exports, "_PROGRESS_EVERY", 1)
    MemberFactory(name="王五", branch=world.branch)
    services.export_job_create(
        actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    seen = []
    real = services._progress

    def spy(job):
        report = real(job)
        return lambda done: (report(done), seen.append(ExportJob.objects.get(pk=job.pk).done_rows))

    monkeypatch.setattr(services, "_progress", spy)
    services.export_job_run_next()
    assert seen == [1, 2]


def test_a_crash_fails_the_job_instead_of_leaving_it_running(world, monkeypatch, caplog):
    from jifen.exchange import exports

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "render", explode)
    job = services.export_job_create(
        actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    services.export_job_run_next()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "导出失败" in job.error
    assert "disk full" in caplog.text


def test_a_claimed_job_is_not_run_twice(world):
    job = services.export_job_create(
        actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    ExportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert services.export_job_run_next() is None


def test_expired_files_and_stale_uploads_are_purged(world):
    old = timezone.now() - datetime.timedelta(days=2)
    expired = ExportJob.objects.create(
        export="roster", created_by=world.admin, state=JobState.DONE, expires_at=old
    )
    kept = ExportJob.objects.create(export="roster", created_by=world.admin, state=JobState.QUEUED)
    stale = Upload.objects.create(
        kind="roster", filename="x.xlsx", content=b"x", created_by=world.admin
    )
    Upload.objects.filter(pk=stale.pk).update(created_at=old)
    assert services.purge_expired() == 2
    assert list(ExportJob.objects.all()) == [kept]
    assert not Upload.objects.filter(pk=stale.pk).exists()
    assert not ExportJob.objects.filter(pk=expired.pk).exists()
