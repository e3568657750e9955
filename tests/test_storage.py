"""Evidence and export files go through Django's storage API (STORAGES["default"]), so that
object storage can replace the media directory by settings alone; downloads still pass the
views' checks. Here a storage that is not the file system (Django's in-memory one) stands in
for S3: nothing may reach the media directory, and every file must come back."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jifen.env import file_storage
from jifen.exchange import services as exchange
from jifen.exchange.models import Job
from jifen.portal import services as portal
from tests.conftest import YEAR

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


@pytest.fixture
def object_storage(settings, _media):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield default_storage
    assert not _media.exists() or not any(_media.rglob("*")), "a file went to the media directory"


def test_evidence_is_stored_and_served_through_the_storage(object_storage, world, client):
    declaration = portal.declaration_submit_with_uploads(
        actor=world.member_user,
        token=uuid.uuid4(),
        files=[SimpleUploadedFile("心得.pdf", PDF)],
        today=datetime.date(YEAR, 3, 20),
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P01"),
        points=Decimal("2"),
        description="学习党章心得",
    )
    file = declaration.files.get()
    assert object_storage.exists(file.file.name)
    url = reverse("portal:evidence", args=[file.pk])

    client.force_login(world.secretary)
    assert client.get(url).content == PDF
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_export_files_are_stored_served_and_purged_through_the_storage(
    object_storage, world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = exchange.export_job_create(
            actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
        )
    exchange.job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert object_storage.exists(job.file.name)

    client.force_login(world.admin)
    download = client.get(reverse("exchange:job_download", args=[job.pk]))
    assert "张三" in download.content.decode("utf-8-sig")
    client.force_login(world.secretary)
    assert client.get(reverse("exchange:job_download", args=[job.pk])).status_code == 404

    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    exchange.purge_expired()
    assert not object_storage.exists(job.file.name)


def test_object_storage_is_chosen_by_the_environment(monkeypatch):
    assert file_storage()["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    monkeypatch.setenv("JIFEN_STORAGE", "s3")
    monkeypatch.setenv("JIFEN_S3_BUCKET", "jifen-files")
    monkeypatch.setenv("JIFEN_S3_ENDPOINT_URL", "https://s3.example.edu.cn")

    storage = file_storage()

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "jifen-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.edu.cn"
    assert storage["OPTIONS"]["default_acl"] == "private"
    monkeypatch.setenv("JIFEN_STORAGE", "ftp")
    with pytest.raises(ValueError, match="JIFEN_STORAGE"):
        file_storage()
