from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jifen.ledger"
    verbose_name = _("Points archive")

    def ready(self):
        from jifen.ledger import checks  # noqa: F401 (registers the checks)
