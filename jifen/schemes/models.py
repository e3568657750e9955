from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.schemes.enums import (
    Divisor,
    Frequency,
    ItemCategory,
    OrganiserLevel,
    RankBoundary,
    RankMode,
    RankRule,
    RequiredFrequency,
)

POINTS = {"max_digits": 6, "decimal_places": 1}
# A share of the ranking is an exact fraction (a third is 1/3, not 0.333); a denominator up to
# 1000 still takes any share written with three decimals.
MAX_SHARE_DENOMINATOR = 1000


class Scheme(models.Model):
    """The 积分细则 of one organisation for one year, in numbered versions.

    Branches use the newest version held by themselves or their nearest ancestor. A version
    under which a month has been locked is frozen; changes then go into a new version.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="schemes", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    base_points = models.DecimalField(_("base score"), default=Decimal(60), **POINTS)
    performance_cap = models.DecimalField(
        _("monthly cap of performance points"), default=Decimal(35), **POINTS
    )
    commendation_cap = models.DecimalField(
        _("cap of the commendation bonus"), default=Decimal(15), **POINTS
    )
    divisor = models.CharField(
        _("divisor of the year score"),
        max_length=20,
        choices=Divisor.choices,
        default=Divisor.MONTHS_BELONGED,
    )
    exempt_categories = models.JSONField(_("exempt member categories"), default=list, blank=True)
    declaration_deadline_day = models.PositiveSmallIntegerField(
        _("declarations close on this day of the next month"), default=5
    )
    review_deadline_day = models.PositiveSmallIntegerField(
        _("reviews are due on this day of the next month"), default=15
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("notice period (working days)"), default=5
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("appeal period after the notice (days)"), default=15
    )
    answer_working_days = models.PositiveSmallIntegerField(
        _("time to answer an objection (working days)"), default=10
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["organisation_id", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="unique_scheme_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year} v{self.version})"

    @property
    def is_locked(self) -> bool:
        return self.month_locks.exists()


class Item(models.Model):
    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices)
    points_min = models.DecimalField(_("points (from)"), **POINTS)
    points_max = models.DecimalField(_("points (to)"), **POINTS)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.UNLIMITED
    )
    annual_cap = models.DecimalField(_("annual cap"), null=True, blank=True, **POINTS)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    member_categories = models.JSONField(
        _("member categories it applies to"),
        default=list,
        blank=True,
        help_text=_("Empty means every category."),
    )
    declarable = models.BooleanField(
        _("members may declare it"),
        default=True,
        help_text=_("Deductions and vetoes are recorded by the branch, not declared."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["scheme_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def fixed_points(self) -> bool:
        return self.points_min == self.points_max

    def applies_to(self, category: str) -> bool:
        return not self.member_categories or category in self.member_categories


class CommendationLevel(models.Model):
    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="commendation_levels")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    points = models.DecimalField(_("points"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("commendation level")
        verbose_name_plural = _("commendation levels")
        ordering = ["scheme_id", "order"]

    def __str__(self) -> str:
        return self.name


class GradeLevel(models.Model):
    """One step of the grade scale, checked in `order`; the first that fits is suggested."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="grade_levels")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=20)
    min_score = models.DecimalField(_("minimum year score"), null=True, blank=True, **POINTS)
    rank_rule = models.CharField(
        _("rank condition"), max_length=10, choices=RankRule.choices, blank=True, default=""
    )
    rank_share_numerator = models.PositiveSmallIntegerField(
        _("share of the ranking (numerator)"), null=True, blank=True
    )
    rank_share_denominator = models.PositiveSmallIntegerField(
        _("share of the ranking (denominator)"), null=True, blank=True
    )
    rank_boundary = models.CharField(
        _("boundary of the share"),
        max_length=10,
        choices=RankBoundary.choices,
        default=RankBoundary.BY_RANK,
    )
    rank_mode = models.CharField(
        _("if the rank condition fails"),
        max_length=10,
        choices=RankMode.choices,
        default=RankMode.REQUIRED,
    )
    is_unqualified = models.BooleanField(
        _("unqualified grade"), default=False, help_text=_("The grade given after a veto.")
    )

    class Meta:
        verbose_name = _("grade level")
        verbose_name_plural = _("grade levels")
        ordering = ["scheme_id", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        rank_rule=RankRule.NONE,
                        rank_share_numerator__isnull=True,
                        rank_share_denominator__isnull=True,
                    )
                    | (
                        ~models.Q(rank_rule=RankRule.NONE)
                        & models.Q(
                            rank_share_numerator__isnull=False,
                            rank_share_denominator__isnull=False,
                            rank_share_numerator__gt=0,
                            rank_share_denominator__gte=models.F("rank_share_numerator"),
                            rank_share_denominator__lte=MAX_SHARE_DENOMINATOR,
                        )
                    )
                ),
                name="grade_rank_share_with_its_rule",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rank_share(self) -> Fraction | None:
        if self.rank_share_numerator is None:
            return None
        return Fraction(self.rank_share_numerator, self.rank_share_denominator)

    @rank_share.setter
    def rank_share(self, share: Fraction | None) -> None:
        if share is None:
            self.rank_share_numerator = self.rank_share_denominator = None
        else:
            self.rank_share_numerator, self.rank_share_denominator = share.as_integer_ratio()


class ActivityKind(models.Model):
    """A kind of activity of organisational life (组织生活): how often it must be held (三会一课)
    and which items its attendance gives (jifen/activities). An item bound here has fixed
    points; attending, an unexcused absence and leading each have their own, and granted leave
    has none."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="activity_kinds")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(
        _("held by"), max_length=10, choices=OrganiserLevel.choices, default=OrganiserLevel.ANY
    )
    required_frequency = models.CharField(
        _("must be held"),
        max_length=10,
        choices=RequiredFrequency.choices,
        blank=True,
        default=RequiredFrequency.NONE,
    )
    required_count = models.PositiveSmallIntegerField(
        _("at least this many times in each period"), default=1
    )
    confirms_quarters = models.BooleanField(
        _("confirms the quarter"),
        default=False,
        help_text=_(
            "Its meetings confirm the quarter's points and hear the answers to objections "
            "(the branch's general meeting)."
        ),
    )
    attendance_item = models.ForeignKey(
        Item,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item for attending"),
    )
    absence_item = models.ForeignKey(
        Item,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item for an unexcused absence"),
    )
    lead_item = models.ForeignKey(
        Item,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item for leading it"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("kind of activity")
        verbose_name_plural = _("kinds of activity")
        ordering = ["scheme_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_activity_kind_code"),
            models.CheckConstraint(
                condition=models.Q(required_count__gte=1), name="activity_kind_required_count"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def item_bindings(self) -> list[tuple[str, Item | None]]:
        return [
            ("attendance_item", self.attendance_item),
            ("absence_item", self.absence_item),
            ("lead_item", self.lead_item),
        ]
