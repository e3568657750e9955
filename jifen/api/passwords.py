"""Revoking API tokens when a password changes.

There is no single place where passwords are set: the admin's password form, Django's password
change and reset forms, `manage.py changepassword`, the orgs services. All of them end in
User.set_password() and save(), and save() then calls each password validator's
`password_changed` hook (Django's documented hook, made for e.g. password history). It is not
called when signing in re-hashes an unchanged password with a newer hasher.
"""

from django.utils.translation import gettext as _

from jifen.api import services


class RevokeApiTokens:
    """Listed in AUTH_PASSWORD_VALIDATORS for its hook; it accepts every password."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None:
            services.tokens_revoke_for_password_change(user=user)

    def get_help_text(self):
        return _("Changing the password revokes the account's API tokens.")
