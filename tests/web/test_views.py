import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user(username="zhangsan", password=PASSWORD)


def test_home_invites_visitors_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "欢迎使用党员积分管理系统" in response.text
    assert reverse("login") in response.text


def test_home_greets_a_signed_in_member(client, member):
    client.force_login(member)

    response = client.get(reverse("home"))

    assert "您好，zhangsan" in response.text
    assert reverse("logout") in response.text


def test_login_with_correct_password_lands_on_home(client, member):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(reverse("home")).wsgi_request.user == member


def test_login_with_wrong_password_shows_the_form_again(client, member):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": "wrong"})

    assert response.status_code == 200
    assert "alert-danger" in response.text


def test_repeated_failures_lock_the_account_with_a_translated_page(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "zhangsan", "password": "wrong"})

    assert response.status_code == 429
    assert "登录已锁定" in response.text
    locked = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})
    assert locked.status_code == 429


def test_logout_needs_post_and_says_goodbye(client, member):
    client.force_login(member)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)

    assert response.wsgi_request.user.is_anonymous
    assert "您已退出登录。" in response.text


def test_language_switch_renders_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )

    assert "Welcome to the party-member points system" in response.text
    assert '<html lang="en">' in response.text


def test_the_language_link_sets_the_readers_cookie_and_goes_back(client):
    response = client.get("/language/en/", {"next": "/notices/"})
    elsewhere = client.get("/language/en/", {"next": "https://example.org/"})

    assert response.status_code == 302 and response["Location"] == "/notices/"
    assert response.cookies["django_language"].value == "en"
    assert elsewhere["Location"] == "/"  # never off the site
    assert client.get("/language/xx/").status_code == 404


def test_the_site_icon_is_served_from_the_local_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("web/favicon.ico")
    page = client.get(reverse("home")).text
    assert 'rel="icon"' in page and "web/favicon.svg" in page
