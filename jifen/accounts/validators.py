"""Password rules of 等保 2.0 (身份鉴别: complexity and regular change) in Django's validator
framework (AUTH_PASSWORD_VALIDATORS), beside Django's own length, similarity and common-password
rules. Every way of setting a password runs them: the change page, the admin's forms, the orgs
services, `manage.py changepassword`."""

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jifen.accounts import services

CLASSES = {
    "lower": str.islower,
    "upper": str.isupper,
    "digit": str.isdigit,
    "other": lambda ch: not ch.isalnum(),
}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with a message of our own: Django's Chinese catalogue lacks its plural."""

    def get_error_message(self):
        return _("This password is too short: use at least %(count)d characters.") % {
            "count": self.min_length
        }

    def get_help_text(self):
        return _("At least %(count)d characters.") % {"count": self.min_length}


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other signs."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(any(test(ch) for ch in password) for test in CLASSES.values())
        if used < self.min_classes:
            raise ValidationError(self._text(), code="password_too_plain")

    def _text(self) -> str:
        return ngettext(
            "Use at least %(count)d kind of character: lower-case letters, capitals, digits, "
            "other signs.",
            "Use at least %(count)d of these kinds of character: lower-case letters, capitals, "
            "digits, other signs.",
            self.min_classes,
        ) % {"count": self.min_classes}

    def get_help_text(self):
        return self._text()


class UsernameValidator:
    """The user name, forwards or backwards and in any case, nowhere in the password (Django's
    similarity rule lets a long password that contains it pass)."""

    def validate(self, password, user=None):
        name = (user.get_username() if user is not None else "").lower()
        if len(name) >= 3 and (name in password.lower() or name[::-1] in password.lower()):
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("It may not contain your user name.")


class PasswordHistoryValidator:
    """None of the user's last `keep` passwords again. The hook records each new password's
    hash (Django calls `password_changed` after every password set and saved)."""

    def __init__(self, keep: int = 5):
        self.keep = keep

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = services.recent_password_hashes(user, self.keep)
        if user.password and user.password not in hashes:
            hashes.append(user.password)  # set before there was a history
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                ngettext(
                    "This password was used recently; choose one you have not used.",
                    "This is one of your last %(count)d passwords; choose one you have not used.",
                    self.keep,
                )
                % {"count": self.keep},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is not None:
            services.password_set(user=user, keep=self.keep)

    def get_help_text(self):
        return _("It may not be one of your last %(count)d passwords.") % {"count": self.keep}
