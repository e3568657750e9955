import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.activities.enums import (
    LIVE_LEAVE,
    ActivityState,
    Audience,
    CheckInMethod,
    LeaveStatus,
    Outcome,
    ProposalStatus,
    Purpose,
)
from jifen.schemes.models import POINTS

# A live proposal is one still waiting or turned into an entry: one a member has per purpose.
LIVE_PROPOSAL = [ProposalStatus.PROPOSED, ProposalStatus.APPROVED]


def new_checkin_key() -> str:
    return secrets.token_hex(16)


class Activity(models.Model):
    """An activity of organisational life (组织生活): a meeting of the 三会一课, a 主题党日… held by
    a branch, a party group, or a parent organisation for the branches below it.

    It is planned with the members expected at it, who check in by phone (or are ticked by the
    secretary) and may ask for leave before it begins. Closing it makes the attendance final
    and proposes the points its kind gives to the committee review of each member's branch.
    `year` and `month` are those of its start (local time): the month its points belong to."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="activities",
        verbose_name=_("held by"),
    )
    kind = models.ForeignKey(
        "schemes.ActivityKind", models.PROTECT, related_name="activities", verbose_name=_("kind")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    audience = models.CharField(_("expected"), max_length=20, choices=Audience.choices)
    group = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("party group expected"),
    )
    leader = models.ForeignKey(
        "orgs.Member",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_led",
        verbose_name=_("led by"),
    )
    confirms_year = models.PositiveSmallIntegerField(_("year it confirms"), null=True, blank=True)
    confirms_quarter = models.PositiveSmallIntegerField(
        _("quarter it confirms"), null=True, blank=True
    )
    minutes = models.TextField(_("minutes"), blank=True)
    absent_note = models.TextField(_("absent members and reasons"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ActivityState.choices, default=ActivityState.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Signs the check-in codes of this activity only (jifen/activities/codes.py).
    checkin_key = models.CharField(max_length=32, default=new_checkin_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="activity_month"
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ActivityState.CLOSED) | models.Q(closed_at__isnull=False),
                name="activity_closed_when",
            ),
            models.CheckConstraint(
                condition=models.Q(confirms_quarter__isnull=True)
                | models.Q(confirms_quarter__gte=1, confirms_quarter__lte=4),
                name="activity_confirms_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.name}：{self.title}"


class Expected(models.Model):
    """A member expected at an activity, with the branch they belonged to when it was planned
    (whose committee reviews their points) and, once it is closed, how they attended."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="expected")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="activities_expected", verbose_name=_("member")
    )
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+")
    outcome = models.CharField(
        _("attendance"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("expected member")
        verbose_name_plural = _("expected members")
        ordering = ["activity_id", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="unique_expected_member")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member}"


class CheckIn(models.Model):
    """A member's check-in at an activity, once: by phone, or ticked by the secretary for a
    member without one (recorded as such)."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="checkins")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="checkins", verbose_name=_("member")
    )
    at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("how"), max_length=20, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["activity_id", "at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="one_checkin_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member} {self.at:%H:%M}"


class LeaveRequest(models.Model):
    """请假: an expected member asks before the activity begins; the secretary grants (an
    excused absence) or refuses it."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="leave_requests")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="leave_requests", verbose_name=_("member")
    )
    reason = models.TextField(_("reason"))
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.ASKED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["activity_id", "asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=models.Q(status__in=LIVE_LEAVE),
                name="one_live_leave_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member} {self.get_status_display()}"


class Proposal(models.Model):
    """Points an activity's attendance gives a member, proposed when it is closed to the
    committee review of the member's branch and month; approved, it becomes the ledger entry
    it names (source "activity", the activity named in its reason)."""

    activity = models.ForeignKey(Activity, models.PROTECT, related_name="proposals")
    member = models.ForeignKey(
        "orgs.Member", models.PROTECT, related_name="activity_proposals", verbose_name=_("member")
    )
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    item = models.ForeignKey("schemes.Item", models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), **POINTS)
    purpose = models.CharField(_("for"), max_length=20, choices=Purpose.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", models.PROTECT, null=True, blank=True, related_name="activity_proposal"
    )

    class Meta:
        verbose_name = _("proposed points of an activity")
        verbose_name_plural = _("proposed points of activities")
        ordering = ["activity_id", "member__name", "purpose"]
        indexes = [models.Index(fields=["branch", "year", "month", "status"])]
        constraints = [
            # One set of proposals per activity, however often it is closed at once.
            models.UniqueConstraint(
                fields=["activity", "member", "purpose"],
                condition=models.Q(status__in=LIVE_PROPOSAL),
                name="one_live_proposal_per_purpose",
            ),
            # The entry exists exactly when the committee approved.
            models.CheckConstraint(
                condition=models.Q(status=ProposalStatus.APPROVED, entry__isnull=False)
                | (~models.Q(status=ProposalStatus.APPROVED) & models.Q(entry__isnull=True))
                | models.Q(status=ProposalStatus.CORRECTED),
                name="proposal_entry_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_purpose_display()} {self.points}"
