"""Large imports: a file of more rows than JIFEN_IMPORT_BACKGROUND_ROWS is neither checked nor
imported in the request; the worker does both, with progress on the job page and the same row
and column report at the end."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from jifen.errors import NotPermitted
from jifen.exchange import services
from jifen.exchange.enums import JobKind, JobState, UploadKind, UploadState
from jifen.exchange.models import Job, Upload
from jifen.orgs.models import Member
from tests.exchange.helpers import ROSTER_HEADER, roster_row, run_tasks, xlsx
from tests.factories import valid_id_number

pytestmark = pytest.mark.usefixtures("_two_rows_are_large")


@pytest.fixture
def _two_rows_are_large(settings):
    settings.JIFEN_IMPORT_BACKGROUND_ROWS = 2


def _rows(count):
    return [roster_row(f"新党员{n}", valid_id_number(90001 + n)) for n in range(count)]


def _uploaded(client, world, rows):
    client.force_login(world.admin)
    content = SimpleUploadedFile("名册.xlsx", xlsx(ROSTER_HEADER, rows))
    response = client.post(reverse("exchange:roster_upload"), {"file": content})
    return response["Location"]


def _new_members():
    return Member.objects.filter(name__startswith="新党员")


def test_a_large_roster_is_checked_and_imported_in_the_background(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    preview = _uploaded(client, world, _rows(3))
    upload = Upload.objects.get()
    assert upload.row_count == 3
    monkeypatch.setattr(services, "upload_preview", pytest.fail)
    page = client.get(preview).content.decode()
    assert "约有 3 行" in page and "后台" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview, {})
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert response["Location"] == reverse("exchange:job_detail", args=[job.pk])
    assert (job.state, job.total_rows, job.params) == (JobState.QUEUED, 3, {"keep_valid": False})
    assert not _new_members().exists()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "名册.xlsx" in page

    assert run_tasks() == 1

    job.refresh_from_db()
    upload.refresh_from_db()
    assert job.state == JobState.DONE and job.percent == 100
    assert (job.report["created"], job.report["errors"]) == (3, [])
    assert _new_members().count() == 3 and upload.state == UploadState.IMPORTED
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "新增 3 条" in page and "hx-trigger" not in page


def test_rows_with_errors_are_reported_at_the_end_and_the_clean_ones_may_go_in(
    client, world, django_capture_on_commit_callbacks
):
    import datetime

    rows = [
        *_rows(1),
        roster_row("坏号", "123"),
        roster_row("未来", valid_id_number(90009), 入党日期=datetime.date(2999, 1, 1)),
    ]
    preview = _uploaded(client, world, rows)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview, {})
    run_tasks()
    job = Job.objects.get()
    assert job.state == JobState.FAILED and "2 行" in job.error
    assert [(number, column) for number, column, _problem in job.report["errors"]] == [
        (3, "身份证号"),
        (4, "入党日期"),
    ]
    assert not _new_members().exists()
    page = client.get(reverse("exchange:job_detail", args=[job.pk])).content.decode()
    assert "<td>3</td><td>身份证号</td>" in page and "<td>4</td><td>入党日期</td>" in page
    assert 'name="keep_valid" value="on"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview, {"keep_valid": "on"})
    retry = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("exchange:job_detail", args=[retry.pk])
    run_tasks()
    retry.refresh_from_db()
    assert retry.state == JobState.DONE and retry.report["refused"] == 2
    assert list(_new_members().values_list("name", flat=True)) == ["新党员0"]


def test_progress_is_written_while_the_rows_are_read(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "_PROGRESS_EVERY", 1)
    preview = _uploaded(client, world, _rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview, {})
    seen = []
    real = services._heartbeat

    def spy(job):
        beat = real(job)
        return lambda done: (beat(done), seen.append(Job.objects.get(pk=job.pk).done_rows))

    monkeypatch.setattr(services, "_heartbeat", spy)
    run_tasks()
    assert seen == [1, 2, 3]


def test_a_second_click_queues_nothing(client, world, django_capture_on_commit_callbacks):
    preview = _uploaded(client, world, _rows(3))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview, {})
        page = client.post(preview, {}, follow=True).content.decode()
    assert Job.objects.count() == 1
    assert "正在后台检查并导入" in page


def test_only_the_uploader_queues_the_import(world):
    upload = services.upload_create(
        actor=world.admin,
        kind=UploadKind.ROSTER,
        filename="名册.xlsx",
        content=xlsx(ROSTER_HEADER, _rows(3)),
    )
    with pytest.raises(NotPermitted):
        services.import_job_create(actor=world.root, upload=upload)


def test_an_import_whose_worker_lost_the_lease_is_rolled_back(world):
    upload = services.upload_create(
        actor=world.admin,
        kind=UploadKind.ROSTER,
        filename="名册.xlsx",
        content=xlsx(ROSTER_HEADER, _rows(3)),
    )
    job = services.import_job_create(actor=world.admin, upload=upload)
    slow = services._claim(str(job.pk), "")
    # Meanwhile the lease ran out and another worker took the job over.
    Job.objects.filter(pk=job.pk).update(attempts=2)
    with pytest.raises(services.LeaseLost):
        services._run_import(slow)
    upload.refresh_from_db()
    assert not _new_members().exists() and upload.state == UploadState.PENDING


@override_settings(JIFEN_IMPORT_BACKGROUND_ROWS=5000)
def test_a_small_file_is_still_checked_in_the_request(client, world):
    preview = _uploaded(client, world, _rows(3))
    page = client.get(preview).content.decode()
    assert '<td>2</td><td class="text-nowrap">新增</td>' in page


def test_a_background_import_shows_what_was_left_aside(
    client, world, django_capture_on_commit_callbacks
):
    header = ["序号", *ROSTER_HEADER]
    client.force_login(world.admin)
    content = SimpleUploadedFile(
        "名册.xlsx", xlsx(header, [[n, *row] for n, row in enumerate(_rows(3), start=1)])
    )
    preview = client.post(reverse("exchange:roster_upload"), {"file": content})["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(preview, {})["Location"]
    run_tasks()
    page = client.get(job_page).content.decode()
    assert "新增 3 条" in page and "请注意" in page
    assert "以下列不导入，已忽略：序号（A）。" in page
