from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.ledger.enums import Source
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import POINTS


class AppendOnlyError(Exception):
    pass


class EntryQuerySet(models.QuerySet):
    """The archive is append-only: bulk update and delete are refused as well."""

    def update(self, **kwargs):
        raise AppendOnlyError("ledger entries cannot be updated; append a reversing entry")

    def delete(self):
        raise AppendOnlyError("ledger entries cannot be deleted; append a reversing entry")


class Entry(models.Model):
    """One line of the points archive (积分档案). Written only by ledger.services.

    `points` is signed: deductions are negative. A correction is a new entry whose `reverses`
    names the entry it cancels. `digest` chains each entry to the member's previous one, so
    that a row changed behind the application's back is found by `verify_ledger`.
    """

    member = models.ForeignKey("orgs.Member", models.PROTECT, related_name="entries")
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    item = models.ForeignKey("schemes.Item", models.PROTECT, related_name="entries")
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices)
    points = models.DecimalField(_("points"), **POINTS)
    commendation_level = models.ForeignKey(
        "schemes.CommendationLevel", models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    reason = models.TextField(_("reason"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("corrects entry"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    seq = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["member_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["member", "seq"], name="unique_entry_seq"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="entry_month"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "member", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}-{self.month:02d} {self.points:+}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ledger entries cannot be changed; append a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries cannot be deleted; append a reversing entry")


class MonthLock(models.Model):
    """A branch's month, locked after its quarter's notice period; it records the scheme the
    month was scored under, which freezes that scheme version."""

    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="month_locks")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    scheme = models.ForeignKey("schemes.Scheme", models.PROTECT, related_name="month_locks")
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("locked month")
        verbose_name_plural = _("locked months")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "month"], name="unique_month_lock")
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}-{self.month:02d}"
