from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def home(request):
    """Welcome page: a sign-in call to action for visitors, a greeting once signed in."""
    return render(request, "web/home.html")


class LogoutView(auth_views.LogoutView):
    next_page = "home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logout flushed the session, so it travels in the messages cookie.
        messages.success(request, _("You have signed out."))
        return response
