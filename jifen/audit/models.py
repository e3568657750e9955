import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class EvidenceQuerySet(models.QuerySet):
    """The audit log and the access records are evidence: nothing edits them, and only
    jifen.audit.services.purge removes what has outlived the retention period."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit records cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit records are removed only by manage.py purge_audit_log")

    def purge(self) -> int:
        """Delete these rows (for services.purge, which picks rows past the retention)."""
        return models.QuerySet.delete(self)[0]


class Evidence(models.Model):
    """What the audit log and the access records share: when, who, and from which address.

    The user and organisation are plain references without a database constraint: a record
    outlives a deleted account (its user name is kept beside it), and no ON DELETE may rewrite
    a row that the database itself refuses to change (jifen/audit/triggers.py)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit records are removed only by manage.py purge_audit_log")


def _reference(to, verbose_name):
    return models.ForeignKey(
        to,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class AuditEvent(Evidence):
    """One row per state change, written by the service that made it, in its transaction."""

    action = models.CharField(_("action"), max_length=60, db_index=True)
    actor = _reference(settings.AUTH_USER_MODEL, _("by"))
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    organisation = _reference("orgs.Organisation", _("organisation"))
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        # An organisation's newest event in one index probe: the signed-in pages are kept
        # rendered until their organisations record a change (jifen/web/personal.py).
        indexes = [models.Index(fields=["organisation", "id"], name="audit_event_org_newest")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    @property
    def data_text(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True) if self.data else ""


class Channel(models.TextChoices):
    PAGE = "page", _("page")
    EXPORT = "export", _("export")
    API = "api", _("API")


# The full values whose display is recorded, by field name.
RECORDED_FIELDS = {"id_number": _("ID number"), "phone": _("phone")}
FULL_VALUES = tuple(RECORDED_FIELDS)


class AccessRecord(Evidence):
    """One display or export of a member's full ID number or phone: who saw whose, when, where
    (个人信息保护法: who had access to sensitive personal information)."""

    viewer = _reference(settings.AUTH_USER_MODEL, _("seen by"))
    viewer_name = models.CharField(_("user name"), max_length=150, blank=True)
    member = _reference("orgs.Member", _("whose"))
    member_name = models.CharField(_("member"), max_length=50)
    organisation = _reference("orgs.Organisation", _("branch"))
    fields = models.CharField(_("fields"), max_length=60)  # e.g. "id_number,phone"
    channel = models.CharField(_("where"), max_length=10, choices=Channel.choices)
    place = models.CharField(_("page or file"), max_length=200)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.viewer_name} → {self.member_name} ({self.channel})"

    @property
    def field_labels(self) -> str:
        return ", ".join(str(RECORDED_FIELDS.get(name, name)) for name in self.fields.split(","))
