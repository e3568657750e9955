from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.cycle.dates import quarter_months
from jifen.cycle.enums import (
    HandlingMeasure,
    ObjectionKind,
    ObjectionStatus,
    QuarterState,
    YearState,
)
from jifen.schemes.models import POINTS

QUARTER_NUMBERS = models.Q(number__gte=1, number__lte=4)


class Quarter(models.Model):
    """A branch's quarter: open → confirmed (general meeting) → on_notice (公示) → locked."""

    branch = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="quarters", verbose_name=_("branch")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter"))
    state = models.CharField(
        _("state"), max_length=20, choices=QuarterState.choices, default=QuarterState.OPEN
    )
    meeting = models.ForeignKey(
        "activities.Activity",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmed_quarters",
        verbose_name=_("confirmed at the meeting"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    anchor = models.ForeignKey(
        "ledger.Anchor",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anchor of the register"),
    )

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["branch_id", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "number"], name="unique_quarter"),
            models.CheckConstraint(condition=QUARTER_NUMBERS, name="quarter_number"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year} Q{self.number}"

    @property
    def months(self) -> list[int]:
        return quarter_months(self.number)


class RegisterRow(models.Model):
    """One line of the 《党员积分登记表》, copied when the general meeting confirms the quarter.

    `month_scores` holds the quarter's three monthly scores in order, as strings (None for a
    month the member did not belong to the branch or was exempt)."""

    quarter = models.ForeignKey(Quarter, models.CASCADE, related_name="register_rows")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="register_rows", verbose_name=_("member")
    )
    month_scores = models.JSONField(_("monthly scores"), default=list)
    score = models.DecimalField(_("quarter score"), null=True, blank=True, **POINTS)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("register row")
        verbose_name_plural = _("register rows")
        ordering = ["quarter_id", models.F("rank").asc(nulls_last=True), "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "member"], name="unique_register_row")
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.member}"


class Notice(models.Model):
    """A public notice (公示) of a quarter's results, or of the year's when `quarter` is empty.

    The notice runs from `opens_on` through `closes_on`; appeals are taken until
    `appeals_close_on`. Both dates are fixed from the scheme when it is published."""

    branch = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="notices", verbose_name=_("branch")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.ForeignKey(
        Quarter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("quarter"),
    )
    opens_on = models.DateField(_("posted on"))
    closes_on = models.DateField(_("last day of the notice"))
    appeals_close_on = models.DateField(_("last day for appeals"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    # When the notice or its rows last changed: the public pages' cache and ETag are keyed on
    # it, so whatever changes a notice saves it (a re-issue included).
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    # A notice is never edited once posted: when an accepted objection or appeal changes a
    # score, the quarter's notice (when the year is computed again, the year's) is posted again
    # as a new version that replaces this one.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces the version"),
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-opens_on", "branch_id"]
        constraints = [
            # One year notice per branch, posted again only as a new version (a recomputed
            # year after a correction, services._year_notice_reissue).
            models.UniqueConstraint(
                fields=["branch", "year", "version"],
                condition=models.Q(quarter__isnull=True),
                name="one_year_notice_version_per_branch",
            )
        ]

    def __str__(self) -> str:
        period = f"Q{self.quarter.number}" if self.quarter_id else ""
        return f"{self.branch} {self.year} {period}".strip()

    @property
    def months(self) -> list[int]:
        return self.quarter.months if self.quarter_id else list(range(1, 13))

    @property
    def newer(self) -> "Notice | None":
        """The version that replaced this one, if any."""
        try:
            return self.replaced_by
        except Notice.DoesNotExist:
            return None


class NoticeRow(models.Model):
    """What the public sees of one member: name, branch, score and rank, nothing else."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="rows")
    member_name = models.CharField(_("name"), max_length=50)
    branch_name = models.CharField(_("branch"), max_length=100)
    score = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice row")
        verbose_name_plural = _("notice rows")
        ordering = ["notice_id", models.F("rank").asc(nulls_last=True), "member_name"]

    def __str__(self) -> str:
        return f"{self.member_name} {self.score}"


class ScoreCorrection(models.Model):
    """A member's quarter score changed by an accepted objection or appeal after the notice:
    the register row shows the new score, this keeps the old one and the notice version that
    posted the new one (the register's 备注)."""

    quarter = models.ForeignKey(Quarter, models.PROTECT, related_name="corrections")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="score_corrections", verbose_name=_("member")
    )
    objection = models.ForeignKey(
        "Objection", models.PROTECT, related_name="score_corrections", verbose_name=_("objection")
    )
    old_score = models.DecimalField(_("score before"), null=True, blank=True, **POINTS)
    new_score = models.DecimalField(_("score after"), null=True, blank=True, **POINTS)
    corrected_on = models.DateField(_("corrected on"))
    notice = models.ForeignKey(
        Notice, models.PROTECT, related_name="corrections", verbose_name=_("notice version")
    )

    class Meta:
        verbose_name = _("score correction")
        verbose_name_plural = _("score corrections")
        ordering = ["quarter_id", "member_id", "pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.old_score} → {self.new_score}"

    @property
    def note(self) -> str:
        """The register's 备注 for this correction."""
        values = {
            "old": "—" if self.old_score is None else self.old_score,
            "new": "—" if self.new_score is None else self.new_score,
            "day": self.corrected_on.isoformat(),
        }
        if self.objection.kind == ObjectionKind.APPEAL:
            return _("Corrected after an appeal: was %(old)s, now %(new)s (%(day)s)") % values
        return _("Corrected after an objection: was %(old)s, now %(new)s (%(day)s)") % values


class Objection(models.Model):
    """An objection (异议, to the branch during the notice) or an appeal (申诉, to the parent
    organisation after it). An accepted one names the ledger entry that corrected the score."""

    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="objections", verbose_name=_("member")
    )
    notice = models.ForeignKey(
        Notice, models.PROTECT, related_name="objections", verbose_name=_("notice")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectionKind.choices)
    text = models.TextField(_("objection"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    answer_due = models.DateField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    correction_entry = models.OneToOneField(
        "ledger.Entry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="objection",
        verbose_name=_("correcting entry"),
    )
    reported_at = models.ForeignKey(
        "activities.Activity",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_objections",
        verbose_name=_("reported at the meeting"),
    )

    class Meta:
        verbose_name = _("objection or appeal")
        verbose_name_plural = _("objections and appeals")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "notice"],
                condition=models.Q(status=ObjectionStatus.OPEN),
                name="one_open_objection_per_member_notice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.get_status_display()}"


class YearResult(models.Model):
    """A branch's year: computed → submitted → filed (审核备案, final) or returned."""

    branch = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="year_results", verbose_name=_("branch")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=20, choices=YearState.choices, default=YearState.COMPUTED
    )
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reviewer's remarks"), blank=True)
    # What the archive held for the result's members and year when it was computed: the
    # count of entries and the newest one's id. Submission and filing compare them with the
    # archive now, so that a year is never filed with scores an appeal has since changed.
    entries_seen = models.PositiveIntegerField(default=0)
    last_entry_seen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("year result")
        verbose_name_plural = _("year results")
        ordering = ["-year", "branch_id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="unique_year_result")
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}"


class YearFiling(models.Model):
    """One filing (审核备案) of a branch's year by the parent organisation, with the anchor of the
    archive it filed. A filing found wrong is withdrawn with a written reason, never deleted:
    every filing stays on record."""

    year_result = models.ForeignKey(YearResult, models.PROTECT, related_name="filings")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    anchor = models.ForeignKey(
        "ledger.Anchor", models.PROTECT, related_name="+", verbose_name=_("anchor of the filing")
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing the filing"), blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["year_result_id", "filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year_result"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_filing_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="filing_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_result} {self.filed_at:%Y-%m-%d}"


class MemberGrade(models.Model):
    """A member's year in the branch's result: the computed score, rank and suggested grade
    (民主评议's basis) and the grade the meeting decided."""

    year_result = models.ForeignKey(YearResult, models.CASCADE, related_name="grades")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="grades", verbose_name=_("member")
    )
    score = models.DecimalField(_("year score"), null=True, blank=True, **POINTS)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    suggested_grade_code = models.CharField(max_length=20, blank=True)
    suggested_grade_name = models.CharField(_("suggested grade"), max_length=20, blank=True)
    flagged = models.BooleanField(_("for the meeting to decide"), default=False)
    final_grade_code = models.CharField(max_length=20, blank=True)
    final_grade_name = models.CharField(_("final grade"), max_length=20, blank=True)
    reason = models.TextField(_("reason for the final grade"), blank=True)
    award_candidate = models.BooleanField(_("candidate for awards"), default=False)
    bottom_ranked = models.BooleanField(_("at the bottom of the ranking"), default=False)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member grade")
        verbose_name_plural = _("member grades")
        ordering = ["year_result_id", models.F("rank").asc(nulls_last=True), "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["year_result", "member"], name="unique_member_grade")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.final_grade_name or self.suggested_grade_name}"


class Admonition(models.Model):
    """诫勉谈话 with a bottom-ranked member: the talk, the deadline to improve, the follow-up."""

    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="admonitions", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    talked_on = models.DateField(_("talk held on"))
    deadline = models.DateField(_("improve by"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("admonition talk")
        verbose_name_plural = _("admonition talks")
        ordering = ["-year", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="unique_admonition")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"


class UnqualifiedHandling(models.Model):
    """组织处置: how the branch handled a member whose final grade is unqualified."""

    member_grade = models.OneToOneField(
        MemberGrade, models.PROTECT, related_name="handling", verbose_name=_("member grade")
    )
    measure = models.CharField(_("measure"), max_length=30, choices=HandlingMeasure.choices)
    decided_on = models.DateField(_("decided on"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("handling of an unqualified member")
        verbose_name_plural = _("handling of unqualified members")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.member_grade.member} {self.get_measure_display()}"
