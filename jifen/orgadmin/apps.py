from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgadminConfig(AppConfig):
    name = "jifen.orgadmin"
    verbose_name = _("Organisation administration")
