import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from jifen.api.pagination import PageNumberPagination
from jifen.declarations.models import Declaration
from jifen.portal.models import PendingFile
from tests.conftest import YEAR

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _post(client, world, item="P01", **extra):
    body = {"year": YEAR, "month": 3, "item": world.item(item).pk, "points": "2.0"}
    body |= {"description": "学习心得", **extra}
    return client.post("/api/v1/declarations/", body, format="multipart")


def test_declare_with_evidence_files(api, world, march):
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    response = _post(api("member"), world, evidence_files=files)
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get(pk=response.json()["id"])
    assert declaration.files.count() == 2
    assert [f.content_type for f in declaration.files.all()] == ["application/pdf", "image/png"]


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"), "file_type"),
        (SimpleUploadedFile("big.pdf", PDF + b"\0" * (10 * 1024 * 1024)), "file_too_large"),
    ],
)
def test_files_are_checked_by_content_and_size(api, world, march, upload, code):
    response = _post(api("member"), world, evidence_files=[upload])
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Declaration.objects.exists()


def test_a_refused_declaration_keeps_none_of_its_files(api, world, march, settings):
    """An API client sends its files again with each attempt: nothing is kept for it."""
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("virus.pdf", b"MZ\x90")]
    assert _post(api("member"), world, evidence_files=files).status_code == 400
    refused = [SimpleUploadedFile("a.pdf", PDF)]
    assert _post(api("member"), world, points="9", evidence_files=refused).status_code == 400
    assert not PendingFile.objects.exists()
    evidence = settings.MEDIA_ROOT / "evidence"
    assert not evidence.exists() or not any(evidence.iterdir())


def test_evidence_required_by_the_item(api, world, march):
    response = _post(api("member"), world)
    assert response.status_code == 400
    assert response.json()["code"] == "evidence_required"


def test_points_are_needed_except_for_commendations(api, world, march):
    response = _post(api("member"), world, item="P03", points="")
    assert response.status_code == 400
    assert "points" in response.json()["fields"]


def test_the_same_submit_token_declares_once(api, world, march):
    client, token = api("member"), "6a3c7c1e-2f0e-4c55-9a55-0d3b3b0f8a11"
    assert _post(client, world, item="P03", submit_token=token).status_code == 201
    again = _post(client, world, item="P03", submit_token=token)
    assert again.status_code == 409
    assert again.json()["code"] == "already_submitted"


def test_list_filters_and_pages_own_declarations(api, world, march):
    client = api("member")
    for _ in range(3):
        _post(client, world, item="P03")
    api("outsider").post(
        "/api/v1/declarations/",
        {"year": YEAR, "month": 3, "item": world.item("P03").pk, "points": "2", "description": "x"},
    )
    page = client.get("/api/v1/declarations/?status=submitted&year=2026&month=3&page_size=2").json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert {d["member_name"] for d in page["results"]} == {"张三"}
    assert client.get("/api/v1/declarations/?month=4").json()["count"] == 0


def test_withdraw_then_it_cannot_be_withdrawn_again(api, world, march):
    client = api("member")
    declaration = _post(client, world, item="P03").json()
    url = f"/api/v1/declarations/{declaration['id']}/withdraw/"
    assert client.post(url).json()["status"] == "withdrawn"
    assert client.post(url).status_code == 409


def test_page_size_is_capped():
    request = Request(APIRequestFactory().get("/", {"page_size": 1000}))
    assert PageNumberPagination().get_page_size(request) == 100
