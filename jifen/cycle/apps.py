from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "jifen.cycle"
    verbose_name = _("The year's cycle")
