"""Writing notifications. Services that decide something about a person call `notify` inside
their own transaction, so that a decision and its notification are made (or rolled back)
together; the daily reminders call it for each open task.

Email goes out after the transaction commits (`email_later`), to users with an address.

Texts are written in the site's language (settings.LANGUAGE_CODE), whoever's request made
them: the person notified reads them later, in another session."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import NotPermitted
from jifen.notifications.models import Notification

TEXT_MAX = Notification._meta.get_field("text").max_length


def site_language():
    """Use as `with site_language():` around the texts of a notification."""
    return translation.override(settings.LANGUAGE_CODE)


def _short(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def notify(user, *, key: str, text: str, url: str = "", task: str = "") -> bool:
    """One notification for `user` about `key`, made once: True when it is new. Nothing for
    a missing or inactive account."""
    if user is None or not user.is_active:
        return False
    notification, created = Notification.objects.get_or_create(
        user=user, key=key, defaults={"text": _short(text), "url": url, "task": task}
    )
    if created:
        log_action("notifications.created", actor=None, obj=notification, key=key)
    return created


def _email(user, texts: list[str]) -> None:
    send_mail(
        _("Your tasks in jifen"),
        "\n".join(f"- {text}" for text in texts),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=False,
    )


def email_later(user, texts: list[str]) -> None:
    """Email these texts to the user in one message once the transaction commits: nothing is
    sent for a decision that is rolled back."""
    if texts and user is not None and user.email:
        # robust: one unreachable mailbox must not keep the others from their mail.
        transaction.on_commit(lambda: _email(user, texts), robust=True)


def notify_all(users: Iterable, *, key: str, text: str, url: str = "") -> int:
    """The same notification for many users, in one insert (a notice lists a whole branch)."""
    rows = [
        Notification(user=user, key=key, text=_short(text), url=url)
        for user in users
        if user is not None and user.is_active
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise NotPermitted()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        log_action("notifications.read", actor=actor, obj=notification)
    return notification


@transaction.atomic
def reminders_settle(*, user, open_tasks: set[str]) -> int:
    """Mark read the user's unread reminders whose task is done (no longer among
    `open_tasks`): the to-do has cleared, so has its reminder. Returns how many."""
    done = (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .exclude(task="")
        .exclude(task__in=open_tasks)
    )
    return done.update(read_at=timezone.now())
