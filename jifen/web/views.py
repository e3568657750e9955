from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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


def switch_language(request, code: str):
    """The language switch of public pages: a link, since a page cached for every reader can
    carry no CSRF token. Choosing a language changes nothing but the reader's own cookie."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("no such language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response
