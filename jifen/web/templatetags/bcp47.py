"""The language of a page as a BCP 47 tag (zh-Hans, en) for lang="…": Django's codes are
lower case (zh-hans), the tag's script subtag is written in title case."""

from django import template
from django.utils.translation import to_locale

register = template.Library()


@register.filter
def language_tag(code: str) -> str:
    return to_locale(code).replace("_", "-")
