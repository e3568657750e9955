from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "jifen.cycle"
    verbose_name = _("The year's cycle")

    def ready(self):
        from jifen.activities.signals import activity_closed
        from jifen.cycle.services import general_meeting_closed

        activity_closed.connect(general_meeting_closed, dispatch_uid="cycle.general_meeting")
