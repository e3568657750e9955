from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jifen.accounts"
    verbose_name = _("Accounts and passwords")

    def ready(self):
        from jifen.accounts import signals  # noqa: F401 (connects the receivers)
