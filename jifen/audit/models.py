from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per state change, written by the service that made it, in its transaction."""

    action = models.CharField(_("action"), max_length=60, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"
