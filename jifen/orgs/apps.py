from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jifen.orgs"
    verbose_name = _("Organisations and roster")

    def ready(self):
        from jifen.orgs import checks  # noqa: F401 (registers the checks)
