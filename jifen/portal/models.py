from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationFile(models.Model):
    """An evidence file of a declaration, kept in MEDIA_ROOT (storage shared by all servers);
    its path is also written into the declaration's `evidence` text, which the ledger copies."""

    declaration = models.ForeignKey(
        "declarations.Declaration", models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["declaration_id", "pk"]

    def __str__(self) -> str:
        return self.name


class SubmitToken(models.Model):
    """A form's one-time token: a second submission of the same form (a double click, a
    reload) finds its token used and is refused instead of declaring twice."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self) -> str:
        return str(self.token)


class PendingFile(models.Model):
    """An evidence file chosen on a declaration form that came back with an error: kept for
    that form (its token) and its user, offered again so that nothing is chosen twice, and
    attached when the form goes through. Those not attached are deleted then; those of forms
    never sent again by the worker's housekeeping (jifen.portal.services.pending_files_purge)."""

    token = models.UUIDField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    file = models.FileField(_("file"), max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file not yet declared")
        verbose_name_plural = _("evidence files not yet declared")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
