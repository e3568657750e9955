from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "jifen.insight"
    verbose_name = _("Notices, dashboards and notifications")
