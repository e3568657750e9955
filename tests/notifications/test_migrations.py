import pytest

from tests.migrations import migrate_to

pytestmark = pytest.mark.usefixtures("latest_migrations_afterwards")


@pytest.mark.django_db(transaction=True)
def test_notifications_move_with_their_rows_and_old_reminders_name_their_task():
    old = migrate_to(("cycle", "0003_period_stages_and_filings"))
    user = old.get_model("auth", "User").objects.create(username="member")
    notifications = old.get_model("cycle", "Notification").objects
    notifications.create(user_id=user.pk, key="review:3:2026-4:overdue", text="审核", url="/r/")
    notifications.create(user_id=user.pk, key="commendations:2:17", text="表彰")

    new = migrate_to(("notifications", "0002_notification_task"))

    moved = new.get_model("notifications", "Notification").objects.order_by("pk")
    assert [(n.key, n.task, n.text, n.url) for n in moved] == [
        ("review:3:2026-4:overdue", "review:3:2026-4", "审核", "/r/"),
        ("commendations:2:17", "", "表彰", ""),
    ]
