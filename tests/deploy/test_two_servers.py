"""The production story, run: two app servers behind nginx share sessions, files, the API
throttle and the task queue; the lockout sees the client's address as nginx saw it; uploads,
static files and the upload limit behave as deploy/nginx.conf says.

Runs in CI on both legs (the app servers need PostgreSQL: on the SQLite leg they use the local
server at 127.0.0.1:5432, each run its own throw-away database)."""

import re
import time

import pytest
import requests
from django.urls import reverse

from jifen.portal.uploads import MAX_FILES
from tests.deploy import cluster as deploy
from tests.deploy.scene import PASSWORD

pytestmark = pytest.mark.servers

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n% evidence through nginx\n"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock(), deploy.running(tmp_path_factory.mktemp("servers")) as up:
        yield up


class Browser:
    """A requests session through nginx that notes which app server answered each request."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.session = requests.Session()
        self.servers = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        response = self.session.request(method, self.cluster.url + path, timeout=60, **kwargs)
        self.servers.append(self.served_by(response))
        return response

    def served_by(self, response) -> int | None:
        """The app server of a response (None: nginx answered alone)."""
        request_id = response.headers.get("X-Request-ID")
        if request_id is None:  # only responses that went to an app server carry one
            return None
        for _ in range(50):  # the line is written as the response leaves
            found = [i for i, log in enumerate(self.cluster.logs) if request_id in log.read_text()]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no app server logged request {request_id}")

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, headers=None, **kwargs):
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), **(headers or {})}
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD) -> requests.Response:
        self.get(reverse("login"))
        return self.post(reverse("login"), {"username": username, "password": password})


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_a_session_begun_on_one_server_continues_on_the_other(cluster):
    browser = Browser(cluster)

    signed_in = browser.sign_in("member")
    page = browser.get(reverse("portal:me"))

    assert signed_in.status_code == 302
    assert page.status_code == 200 and "张三" in page.text
    # Round robin: the sign-in and the next page were answered by different servers.
    assert browser.servers[-2] != browser.servers[-1]
    assert {
        line["user"] for line in cluster.lines(browser.servers[-1]) if line["path"] == "/portal/me/"
    } == {cluster.scene["member"]["user"]}


def test_a_sign_out_on_one_server_ends_the_session_on_the_other(cluster):
    """Each server reads sessions through the shared database cache: one that kept its own copy
    would still let the signed-out session's cookie in."""
    browser = Browser(cluster)
    browser.sign_in("member")
    assert browser.get(reverse("portal:me")).status_code == 200  # the other server reads it
    cookie = browser.session.cookies.get("sessionid")
    assert browser.post(reverse("logout")).status_code == 302
    browser.session.cookies.set("sessionid", cookie)  # kept by another tab, or a thief
    after = browser.get(reverse("portal:me"))

    assert browser.servers[-2] != browser.servers[-1]
    assert after.status_code == 302 and after.headers["Location"].startswith(reverse("login"))


def _declare(browser: Browser, files: list[tuple[str, bytes]]) -> requests.Response:
    form = browser.get(reverse("portal:declare"))
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    period = re.search(r'<option value="(\d{4}-\d{2})"', form.text).group(1)
    item = re.search(r'name="item"[^>]*>.*?<option value="(\d+)"', form.text, re.S)
    return browser.post(
        reverse("portal:declare"),
        {
            "csrfmiddlewaretoken": csrf(form),
            "token": token,
            "period": period,
            "item": item.group(1),
            "points": "2",
            "description": "两台服务器上的学习心得",
        },
        files=[("files", (name, content, "application/pdf")) for name, content in files],
    )


def test_evidence_uploaded_through_one_server_is_downloaded_through_the_other(cluster):
    member, secretary = Browser(cluster), Browser(cluster)
    member.sign_in("member")

    declared = _declare(member, [("心得.pdf", PDF)])
    assert declared.status_code == 302, declared.text[:2000]
    uploaded_on = member.servers[-1]
    [(file_id,)] = cluster.query("SELECT id FROM portal_declarationfile")

    secretary.sign_in("secretary")
    downloads = [secretary.get(reverse("portal:evidence", args=[file_id])) for _ in range(2)]

    assert [d.content for d in downloads] == [PDF, PDF]
    assert {secretary.servers[-1], secretary.servers[-2]} == {0, 1}
    assert 1 - uploaded_on in secretary.servers[-2:]
    stranger = Browser(cluster)
    assert stranger.get(reverse("portal:evidence", args=[file_id])).status_code == 302  # sign in


def test_a_file_over_the_apps_limit_gets_the_apps_message_not_nginxs(cluster):
    # nginx lets a whole declaration through (MAX_FILES files at the limit, and the form).
    assert deploy.upload_limit_mb() == MAX_FILES * deploy.max_upload_mb() + 1
    browser = Browser(cluster)
    browser.sign_in("member")
    too_large = PDF + b"0" * (deploy.max_upload_mb() * 1024 * 1024)

    response = _declare(browser, [("大文件.pdf", too_large)])

    assert response.status_code == 200
    assert f"“大文件.pdf”超过 {deploy.max_upload_mb()} MB" in response.text


def test_the_api_throttle_counts_requests_on_both_servers(cluster):
    api = Browser(cluster)
    api.session.auth = ("secretary", PASSWORD)
    token = api.post("/api/v1/tokens/", json={"name": "two servers"}).json()["key"]
    api.session.auth = None
    api.session.headers["Authorization"] = f"Bearer {token}"

    statuses = [api.get("/api/v1/me/").status_code for _ in range(13)]

    # 6 a minute (API_THROTTLE_USER) on both servers together; each alone would allow 6.
    assert statuses.count(200) <= 6 and statuses[-1] == 429, statuses
    allowed = [
        server for server, status in zip(api.servers[1:], statuses, strict=True) if status == 200
    ]
    assert set(allowed) == {0, 1}


def test_a_background_export_queued_on_one_server_is_finished_by_the_worker(cluster):
    browser = Browser(cluster)
    browser.sign_in("secretary")
    url = reverse("exchange:branch_export", args=[cluster.scene["branch"], "roster"])
    form = browser.get(url)

    queued = browser.post(url, {"csrfmiddlewaretoken": csrf(form), "format": "csv"})

    assert queued.status_code == 302 and "/exchange/jobs/" in queued.headers["Location"]
    job = queued.headers["Location"]
    for _ in range(120):
        page = browser.get(job)
        if "download" in page.text:
            break
        time.sleep(0.5)
    download = browser.get(job + "download/")
    assert download.status_code == 200
    assert "张三" in download.content.decode("utf-8-sig")
    assert set(browser.servers) == {0, 1}


def test_the_lockout_sees_the_address_nginx_saw_not_one_the_client_wrote(cluster):
    browser = Browser(cluster)
    browser.get(reverse("login"))

    browser.post(
        reverse("login"),
        {"username": "member", "password": "wrong"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )

    [(address,)] = cluster.query("SELECT ip_address FROM axes_accessattempt")
    assert str(address) == "127.0.0.1"


def test_static_files_come_from_nginx(cluster):
    browser = Browser(cluster)

    response = browser.get("/static/web/base.css")

    assert response.status_code == 200 and "max-age=604800" in response.headers["Cache-Control"]
    assert browser.servers == [None]  # no app server saw it
