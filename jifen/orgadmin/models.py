from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenedAccountSheet(models.Model):
    """A sealed list of one-time passwords that has been opened (jifen/orgadmin/account_sheet.py).
    Its nonce is unique in the database: a list opens once, on every app server, and no cache
    that drops entries when it fills can let it open twice."""

    nonce = models.CharField(_("list"), max_length=32, unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opened list of one-time passwords")
        verbose_name_plural = _("opened lists of one-time passwords")

    def __str__(self) -> str:
        return self.nonce
