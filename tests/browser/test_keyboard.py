"""The review queue and the declaration form worked with the keyboard alone (WCAG 2.1.1, 2.4.3,
2.4.7, 3.3.1; GB/T 37668): every control is reached with Tab, every decision is a key press,
focus stays where the user works when htmx swaps a row, and errors take the focus."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from jifen.declarations import services as declarations
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import Declaration
from tests.browser.accessibility import check_both, report
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

pytestmark = pytest.mark.browser

PASSWORD = "pw-Jifen-2026"
FOCUSED = "document.activeElement"


@pytest.fixture
def on(monkeypatch, settings, tmp_path):
    """Sets today for the live server (same process) and keeps uploads in a temporary dir."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def set_day(month, day):
        date = datetime.date(YEAR, month, day)
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date)

    return set_day


def sign_in(page, username, next_url):
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_url}")


def tab_to(page, target, limit=40):
    """Presses Tab until `target` has the focus: it is reachable by keyboard, in order."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"element => element === {FOCUSED}", handle):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab")


def choose_file_by_keyboard(page):
    """Space on the focused file field opens the file chooser. A loaded machine may drop the
    first press's user activation (seen once in CI): one more press, and no more."""
    try:
        with page.expect_file_chooser(timeout=10_000) as chooser:
            page.keyboard.press("Space")
    except PlaywrightTimeoutError:
        with page.expect_file_chooser(timeout=10_000) as chooser:
            page.keyboard.press("Space")
    return chooser.value


def expect_focus_in_row(page, row_id: str):
    """The focus comes to rest in the row `row_id`: htmx moves it when the swapped row settles,
    a moment after the row's new text is there, so the check waits for it."""
    page.wait_for_function(
        f"rowId => {FOCUSED}.closest('tr') && {FOCUSED}.closest('tr').id === rowId", arg=row_id
    )


def assert_focus_ring(page):
    """The focused control shows a solid ring, not only Bootstrap's pale glow."""
    outline = page.evaluate(
        f"() => {{ const style = getComputedStyle({FOCUSED});"
        " return [style.outlineStyle, style.outlineWidth]; }"
    )
    assert outline == ["solid", "3px"], outline


def assert_no_blocking_violation(page, role):
    found = [v for v in check_both(page, role=role) if v.blocking]
    assert not found, report(found)


@pytest.fixture
def queue(world, on):
    """Five declarations of P03 for March by five members of the branch, submitted on 20 March."""
    on(4, 2)
    names = ["张三", "王五", "赵六", "孙七", "周八"]
    members = [world.member] + [
        MemberFactory(name=name, branch=world.branch, user=UserFactory(username=f"m{n}"))
        for n, name in enumerate(names[1:])
    ]
    return [
        declarations.declaration_submit(
            actor=member.user,
            member=member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=d(4),
            description=f"{member.name}的工作",
            today=datetime.date(YEAR, 3, 20),
        )
        for member in members
    ]


def test_committee_reviews_the_queue_with_the_keyboard(page, world, queue):
    first, second, third, fourth, fifth = queue
    rows = {declaration: page.locator(f"#declaration-{declaration.pk}") for declaration in queue}
    sign_in(page, "committee", f"/portal/branch/{world.branch.pk}/review/?period={YEAR}-03")
    decisions = []
    page.on("request", lambda request: "/review/" in request.url and decisions.append(request))
    decisions.clear()

    # The first Tab reaches the skip link, which takes the focus past the navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Approve: Enter on the button; htmx swaps the row and the focus stays on it, so that the
    # next Tab goes on to the next row instead of the top of the page.
    tab_to(page, rows[first].get_by_role("button", name="通过"))
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(rows[first]).to_contain_text("已通过")
    expect_focus_in_row(page, f"declaration-{first.pk}")
    page.keyboard.press("Tab")
    expect(rows[second].get_by_role("checkbox")).to_be_focused()

    # Adjust: Enter in the points field does not approve the original points; the Adjust
    # button does, with the points and reason typed.
    tab_to(page, rows[second].get_by_label("调整后的分值"))
    page.keyboard.type("3")
    decisions.clear()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert decisions == [], "Enter in the points field sent a decision"
    page.keyboard.press("Tab")
    page.keyboard.type("只有部分工作有记录")
    tab_to(page, rows[second].get_by_role("button", name="调整"))
    page.keyboard.press("Space")
    expect(rows[second]).to_contain_text("只有部分工作有记录")
    expect_focus_in_row(page, f"declaration-{second.pk}")

    # Reject without a reason: the refusal takes the focus and is read out; Tab leads back to
    # the row's fields, the reason is typed, and the rejection goes through.
    tab_to(page, rows[third].get_by_role("button", name="驳回"))
    page.keyboard.press("Enter")
    alert = rows[third].get_by_role("alert")
    expect(alert).to_contain_text("理由")
    expect(alert).to_be_focused()
    tab_to(page, rows[third].get_by_label("理由", exact=True))
    page.keyboard.type("与本月工作无关")
    tab_to(page, rows[third].get_by_role("button", name="驳回"))
    page.keyboard.press("Enter")
    expect(rows[third]).to_contain_text("与本月工作无关")
    assert_no_blocking_violation(page, "committee")

    # Several at once: Space ticks the boxes, the bulk decision is chosen and sent by keyboard.
    tab_to(page, rows[fourth].get_by_role("checkbox"))
    page.keyboard.press("Space")
    tab_to(page, rows[fifth].get_by_role("checkbox"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("审核结果", exact=True))
    tab_to(page, page.get_by_role("button", name="审核所选"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="孙七")).to_contain_text("审核结果已记录")

    statuses = dict(Declaration.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: DeclarationStatus.APPROVED,
        second.pk: DeclarationStatus.ADJUSTED,
        third.pk: DeclarationStatus.REJECTED,
        fourth.pk: DeclarationStatus.APPROVED,
        fifth.pk: DeclarationStatus.APPROVED,
    }
    second.refresh_from_db()
    assert second.points_granted == d(3)


def test_member_declares_with_the_keyboard(page, world, on):
    on(3, 20)
    sign_in(page, "member", "/portal/me/declare/")

    tab_to(page, page.get_by_label("积分项目", exact=True))
    page.keyboard.press("Home")
    for _ in range(30):
        if page.get_by_label("积分项目", exact=True).evaluate(
            "select => select.selectedOptions[0].text.startsWith('P03')"
        ):
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_label("分值", exact=True))
    page.keyboard.type("3")
    tab_to(page, page.get_by_label("具体事项"))
    page.keyboard.type("整理支部党员档案")
    # An empty evidence file, chosen from the keyboard, is refused by the form: the page comes
    # back with the focus on the field in error, its message tied to it, and nothing typed lost.
    tab_to(page, page.get_by_label("佐证材料"))
    chooser = choose_file_by_keyboard(page)
    chooser.set_files({"name": "空.pdf", "mimeType": "application/pdf", "buffer": b""})
    tab_to(page, page.get_by_role("button", name="提交审核"))
    assert_focus_ring(page)
    page.keyboard.press("Enter")

    files = page.get_by_label("佐证材料")
    expect(files).to_be_focused()
    expect(files).to_have_attribute("aria-invalid", "true")
    message = files.evaluate(
        "input => input.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')"
    )
    assert "提交的是空文件" in message
    expect(page.get_by_label("具体事项")).to_have_value("整理支部党员档案")
    assert_no_blocking_violation(page, "member")

    # The member goes on from the field in error and submits with Enter in the points field.
    tab_to(page, page.get_by_label("分值", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("您的申报已提交审核。")
    declaration = Declaration.objects.get()
    assert (declaration.item.code, declaration.points) == ("P03", d(3))
