from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from jifen.web.signin import refusal


class SignInForm(AuthenticationForm):
    """The sign-in form, which says why a correct directory password was refused (not on the
    roster) instead of "wrong password"."""

    def get_invalid_login_error(self):
        if message := refusal(self.request):
            return ValidationError(message, code="not_on_roster")
        return super().get_invalid_login_error()
