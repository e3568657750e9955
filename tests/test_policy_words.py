"""The pages speak the policy's words (后勤总务部党员积分制管理办法): 履职分, never 表现分."""

from pathlib import Path

import polib
from django.utils import translation

from jifen.schemes.enums import ItemCategory

REPO = Path(__file__).resolve().parent.parent
NOT_THE_POLICYS = ("表现分",)


def test_no_catalogue_template_or_code_says_what_the_policy_does_not():
    catalogue = polib.pofile(str(REPO / "jifen/locale/zh_Hans/LC_MESSAGES/django.po"))
    texts = [entry.msgstr for entry in catalogue]
    texts += [
        path.read_text(encoding="utf-8")
        for path in (REPO / "jifen").rglob("*")
        if path.suffix in (".py", ".html", ".js") and "vendor" not in path.parts
    ]
    assert not [word for word in NOT_THE_POLICYS for text in texts if word in text]


def test_the_performance_category_is_the_policys_履职分():
    with translation.override("zh-hans"):
        assert str(ItemCategory.PERFORMANCE.label) == "履职分"
