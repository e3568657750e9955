from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "jifen.insight"
    verbose_name = _("Notices, dashboards and notifications")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from jifen.cycle.models import Notice, NoticeRow, YearFiling
        from jifen.web.public import public_pages_changed

        # What the public pages show: a change starts a new generation of their cache.
        for model in (Notice, NoticeRow, YearFiling):
            for signal in (post_save, post_delete):
                signal.connect(public_pages_changed, sender=model, dispatch_uid=f"public-{model}")
