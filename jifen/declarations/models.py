from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.schemes.models import POINTS

# What a member may write about one declaration; the page, the API and the service agree.
DESCRIPTION_MAX_LENGTH = 2000

# A declaration has a ledger entry exactly when it was approved: a withdrawn or rejected one
# never has, whatever order two simultaneous requests arrive in.
GRANTED = [DeclarationStatus.APPROVED, DeclarationStatus.ADJUSTED]


class Declaration(models.Model):
    """A member's monthly declaration (申报) of an item, reviewed by the branch committee;
    commendations also go to the parent organisation before they count."""

    member = models.ForeignKey("orgs.Member", models.PROTECT, related_name="declarations")
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="declarations")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    item = models.ForeignKey("schemes.Item", models.PROTECT, related_name="declarations")
    commendation_level = models.ForeignKey(
        "schemes.CommendationLevel",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commendation level"),
    )
    points = models.DecimalField(_("points declared"), **POINTS)
    description = models.TextField(_("description"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.SUBMITTED,
    )
    points_granted = models.DecimalField(_("points granted"), null=True, blank=True, **POINTS)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    branch_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    branch_decided_at = models.DateTimeField(null=True, blank=True)
    parent_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent_decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", models.PROTECT, null=True, blank=True, related_name="declaration"
    )

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-year", "-month", "-submitted_at"]
        indexes = [models.Index(fields=["branch", "year", "month", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=GRANTED, entry__isnull=False)
                | (~models.Q(status__in=GRANTED) & models.Q(entry__isnull=True)),
                name="declaration_entry_when_granted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}-{self.month:02d} {self.item.code}"


class VetoProposal(models.Model):
    """一票否决: proposed by the branch with evidence, confirmed by the parent organisation."""

    member = models.ForeignKey("orgs.Member", models.PROTECT, related_name="veto_proposals")
    branch = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="veto_proposals")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    item = models.ForeignKey("schemes.Item", models.PROTECT, related_name="veto_proposals")
    reason = models.TextField(_("facts and grounds"))
    evidence = models.CharField(_("evidence"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=VetoStatus.choices, default=VetoStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", models.PROTECT, null=True, blank=True, related_name="veto_proposal"
    )

    class Meta:
        verbose_name = _("veto proposal")
        verbose_name_plural = _("veto proposals")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=models.Q(status=VetoStatus.PROPOSED),
                name="one_waiting_veto_per_member_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_status_display()}"
