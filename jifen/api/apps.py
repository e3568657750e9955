from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "jifen.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self):
        from jifen.api import checks  # noqa: F401 (registers the checks)
