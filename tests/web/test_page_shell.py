"""The page shell that every page shares: its language tag and its landmarks."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "tag"), [("zh-hans", "zh-Hans"), ("en", "en")])
def test_the_page_and_its_language_buttons_carry_bcp47_tags(client, settings, language, tag):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(reverse("home")).text

    assert f'<html lang="{tag}">' in html
    assert re.findall(r'name="language" value="[^"]+" lang="([^"]+)"', html) == ["zh-Hans", "en"]


def test_a_skip_link_leads_past_the_header_to_the_main_region(client):
    html = client.get(reverse("home")).text

    skip = html.index('href="#main"')
    assert skip < html.index("<header>") < html.index("<nav ") < html.index('<main id="main"')
    assert html.index('<main id="main"') < html.index("<footer")
    assert "跳到主要内容" in html
