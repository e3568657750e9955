from functools import partial

from jifen.notifications.selectors import notifications_for


def _unread(user) -> int:
    return notifications_for(user, unread_only=True).count() if user.is_authenticated else 0


def notifications(request):
    """The navbar's badge; a callable, so the count is queried only where a page shows it."""
    return {"unread_notifications": partial(_unread, request.user)}
