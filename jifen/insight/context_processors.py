from functools import partial

from jifen.insight.selectors import dashboard_organisations
from jifen.notifications.selectors import notifications_for


def _unread(user) -> int:
    return notifications_for(user, unread_only=True).count() if user.is_authenticated else 0


def notifications(request):
    """The navbar's badge; a callable, so the count is queried only where a page shows it."""
    return {"unread_notifications": partial(_unread, request.user)}


def _has_dashboards(user) -> bool:
    return user.is_authenticated and dashboard_organisations(user).exists()


def dashboards(request):
    """Whether the navbar links to the dashboards: only for those who may open one."""
    return {"has_dashboards": partial(_has_dashboards, request.user)}
