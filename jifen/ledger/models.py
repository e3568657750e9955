from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.ledger.enums import AnchorKind, Source, Stage
from jifen.orgs.enums import MemberCategory
from jifen.schemes.arithmetic import MonthScore, month_score
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
    names the entry it cancels. `digest` is a keyed digest (HMAC, jifen/ledger/chain.py) of the
    entry and the member's previous one, under the key named by `key_id`: a row changed, added
    or removed behind the application's back is found by `verify_ledger`. A database trigger
    refuses UPDATE and DELETE of this table beneath the ORM too.
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
    key_id = models.CharField(max_length=8)

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
            # The sign follows the category; only a correction carries the opposite sign.
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=False)
                | models.Q(category=ItemCategory.DEDUCTION, points__lte=0)
                | models.Q(
                    category__in=[ItemCategory.PERFORMANCE, ItemCategory.COMMENDATION],
                    points__gte=0,
                )
                | models.Q(category__in=[ItemCategory.BASE, ItemCategory.VETO], points=0),
                name="entry_points_sign",
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


class ChainHead(models.Model):
    """The last entry of a member's chain, with a keyed mark of it: removing entries from the
    end of a chain, or the whole chain, leaves a head that no longer matches."""

    member = models.OneToOneField(
        "orgs.Member", models.PROTECT, primary_key=True, related_name="chain_head"
    )
    seq = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self) -> str:
        return f"{self.member_id} #{self.seq}"


class PeriodQuerySet(models.QuerySet):
    def locked(self):
        """Months locked or filed: scored for good under the scheme each one records."""
        return self.filter(stage__in=[Stage.LOCKED, Stage.FILED])


class Period(models.Model):
    """A branch's month and how far it has closed (jifen/ledger/periods.py): open, confirmed by
    the general meeting, locked after its quarter's notice, filed with the year. Locking
    records the scheme the month was scored under, which freezes that scheme version.

    Writers hold the row in share mode while they write, and whoever moves the stage holds it
    exclusively, so that no write slips in between a check and a closing."""

    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.OPEN)
    scheme = models.ForeignKey(
        "schemes.Scheme", models.PROTECT, null=True, blank=True, related_name="month_locks"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["branch_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "month"], name="unique_period"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="period_month"
            ),
            # A locked or filed month always names the scheme it was scored under.
            models.CheckConstraint(
                condition=models.Q(stage__in=[Stage.OPEN, Stage.CONFIRMED])
                | models.Q(scheme__isnull=False),
                name="period_locked_scheme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}-{self.month:02d} {self.stage}"


class Anchor(models.Model):
    """A keyed digest over the chain heads of a branch's members, taken when the general meeting
    confirms a quarter and when the parent organisation files a year. It is printed on the
    《党员积分登记表》 and the public notice, and `verify_ledger` checks that the archive still
    holds every head it names: a chain cut short after the anchor is caught, and anyone holding
    a printed copy can check its code (`verify_ledger --anchor CODE`). Append-only, like the
    entries."""

    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="anchors")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AnchorKind.choices)
    heads = models.JSONField(default=list)  # [[member id, seq, digest], …] sorted by member
    entries = models.PositiveIntegerField(_("entries"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    digest = models.CharField(_("anchor code"), max_length=64, unique=True)
    key_id = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("anchor")
        verbose_name_plural = _("anchors")
        ordering = ["branch_id", "year", "created_at"]

    def __str__(self) -> str:
        period = f" Q{self.quarter}" if self.quarter else ""
        return f"{self.branch} {self.year}{period} {self.code}"

    @property
    def code(self) -> str:
        """The digest as printed: eight groups of eight, easy to read out and compare."""
        return " ".join(self.digest[i : i + 8] for i in range(0, len(self.digest), 8))


class Ranking(models.Model):
    """A branch's year in the read model of standings. Its row is the lock that whoever changes
    the branch's standings takes first (jifen/ledger/standings.py), so that two writers never
    re-rank the same rows at once."""

    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="unique_ranking"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}"


class RankingMonth(models.Model):
    """A branch's month in the read model: how many members have a score for it and their
    sum, kept with the ranks, so that a dashboard's monthly average reads one row per month."""

    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    scored = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("ranking month")
        verbose_name_plural = _("ranking months")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "month"], name="unique_ranking_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}-{self.month:02d}"


class Standing(models.Model):
    """A member's standing in their branch as it is at the end of month `month` of a year: that
    month's score, the quarter's so far and the year's so far, each with its rank among the
    branch's scored members (ties share a rank) and how many they are.

    A read model, kept by jifen/ledger/standings.py in the same transaction as every entry and
    every change of placement or scheme, so that pages read one row instead of computing the
    branch. The archive stays the truth: `rebuild_standings` makes the rows again from it and
    `verify_standings` names any row that differs. `branch` is the branch the member is ranked
    in: the one they belong to at the end of the year (as scoring.selectors ranks them)."""

    member = models.ForeignKey("orgs.Member", models.PROTECT, related_name="standings")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+")
    # The month itself, as the explanation shows it; base and cap are the scheme's for the
    # month, empty when the member did not belong to a scoring branch in it.
    base = models.DecimalField(null=True, **POINTS)
    cap = models.DecimalField(null=True, **POINTS)
    performance = models.DecimalField(default=0, **POINTS)
    deductions = models.DecimalField(default=0, **POINTS)
    month_score = models.DecimalField(null=True, **POINTS)
    quarter_score = models.DecimalField(null=True, **POINTS)
    year_score = models.DecimalField(null=True, **POINTS)
    month_rank = models.PositiveIntegerField(null=True)
    quarter_rank = models.PositiveIntegerField(null=True)
    year_rank = models.PositiveIntegerField(null=True)
    month_ranked = models.PositiveIntegerField(default=0)
    quarter_ranked = models.PositiveIntegerField(default=0)
    year_ranked = models.PositiveIntegerField(default=0)
    year_tied = models.PositiveIntegerField(default=0)  # members sharing the year rank
    # The year's own parts, the same in each of its rows.
    divisor = models.PositiveSmallIntegerField(default=0)
    commendation = models.DecimalField(default=0, **POINTS)
    vetoed = models.BooleanField(default=False)
    # Exempt members get no score and no rank: by the roster's reason, or by their category
    # when the scheme exempts it (kept as the code, so that each reader sees its language).
    exempt_reason = models.CharField(max_length=200, blank=True)
    exempt_category = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        ordering = ["branch_id", "year", "month", "year_rank"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "month"], name="unique_standing"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="standing_month"
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "year", "month", "year_score"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}-{self.month:02d} {self.year_score}"

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason or self.exempt_category)

    @property
    def exempt_text(self) -> str:
        """Why the member is not scored, in the reader's language."""
        if self.exempt_reason:
            return self.exempt_reason
        return str(MemberCategory(self.exempt_category).label) if self.exempt_category else ""

    @property
    def month_parts(self) -> MonthScore | None:
        """The month's score with what makes it up, or None when the member did not belong."""
        if self.base is None:
            return None
        return month_score(self.base, self.cap, self.performance, self.deductions)
