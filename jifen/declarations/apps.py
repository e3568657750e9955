from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "jifen.declarations"
    verbose_name = _("Declarations and records")
