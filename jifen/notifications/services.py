"""Notifications in the application and by email. Any app that tells people something calls
`notify`; each message is made once per user and key, and emailed after the transaction
commits to users with an address."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import NotPermitted
from jifen.notifications.models import Notification
from jifen.notifications.todos import Todo


def _email(user, todos: list[Todo]) -> None:
    lines = "\n".join(f"- {todo.text}" for todo in todos)
    send_mail(
        _("Your tasks in jifen"),
        lines,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=False,
    )


def _create(user, todo: Todo) -> bool:
    notification, created = Notification.objects.get_or_create(
        user=user, key=todo.key, defaults={"text": todo.text[:300], "url": todo.url}
    )
    if created:
        log_action("notifications.created", actor=None, obj=notification, key=todo.key)
    return created


@transaction.atomic
def notify(user, todos: list[Todo]) -> int:
    """Make a notification of each message the user has not had yet (by its key) and email
    the new ones once the transaction commits. Returns how many were new."""
    fresh = [todo for todo in todos if _create(user, todo)]
    if fresh and user.email:
        # robust: one unreachable mailbox must not keep the others from their mail.
        transaction.on_commit(lambda: _email(user, fresh), robust=True)
    return len(fresh)


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise NotPermitted()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        log_action("notifications.read", actor=actor, obj=notification)
    return notification
