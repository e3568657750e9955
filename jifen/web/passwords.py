"""Changing one's password, and being sent to do so first when it is a one-time password or has
expired (jifen.accounts.services.change_required), as decided at sign-in.

The old password is checked through authenticate(), so that django-axes counts a wrong one as
a failed sign-in and locks the account from that address as on the sign-in page: the change
page is no way around the lockout."""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from jifen.accounts import services

REQUIRED = "jifen_password_change"  # in the session: why the password must be changed first


@receiver(user_logged_in)
def _decide(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    reason = services.change_required(user)
    if reason:
        request.session[REQUIRED] = reason
    else:
        request.session.pop(REQUIRED, None)


class SignInCheckedPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = SignInCheckedPasswordChangeForm
    success_url = reverse_lazy("home")
    template_name = "registration/password_change.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        reason = self.request.session.get(REQUIRED)
        return {
            **super().get_context_data(**kwargs),
            "reason": services.reason_text(reason) if reason else "",
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(REQUIRED, None)
        messages.success(self.request, _("Your password was changed."))
        return response


# Paths a user who must change their password may still reach, by URL name.
_ALLOWED = ("password_change", "logout", "session_status", "set_language")


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user whose password must be changed to the change page, whatever
    they ask for; the API answers 403 with code `password_change_required`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(REQUIRED)
            and not self._allowed(request)
        ):
            return self._refuse(request)
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        if request.path.startswith(("/static/", "/media/")):
            return True
        return any(request.path == reverse(name) for name in _ALLOWED)

    def _refuse(self, request):
        if request.path.startswith("/api/"):
            message = str(_("Change your password on the password page first."))
            body = {"code": "password_change_required", "message": message, "fields": {}}
            return JsonResponse(body, status=403)
        return redirect("password_change")
