from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from jifen.cycle.selectors import todo_for
from jifen.notifications.services import reminders_settle
from jifen.web.home import home_for


def home(request):
    """Visitors are invited to sign in; a signed-in user finds what to do now and a card for
    each role they hold (jifen/web/home.py)."""
    if not request.user.is_authenticated:
        return render(request, "web/home.html")
    today = timezone.localdate()
    todos = todo_for(request.user, today)
    # The to-dos are fresh here: the reminders of tasks done since are settled before the
    # page counts what is unread.
    reminders_settle(user=request.user, open_tasks={todo.task for todo in todos})
    context = {"home": home_for(request.user, today, todos), "today": today}
    return render(request, "web/home.html", context)


class FaviconView(RedirectView):
    """The site's icon, served from the static files (local, like everything)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("web/favicon.ico")


class LogoutView(auth_views.LogoutView):
    next_page = "home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logout flushed the session, so it travels in the messages cookie.
        messages.success(request, _("You have signed out."))
        return response
