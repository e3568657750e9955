from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    FORWARDED = "forwarded", _("Approved by the branch, awaiting the parent organisation")
    APPROVED = "approved", _("Approved")
    ADJUSTED = "adjusted", _("Approved with adjusted points")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PENDING = (DeclarationStatus.SUBMITTED, DeclarationStatus.FORWARDED)


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    ADJUST = "adjust", _("Adjust")
    REJECT = "reject", _("Reject")


class VetoStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the branch")
    CONFIRMED = "confirmed", _("Confirmed by the parent organisation")
    REJECTED = "rejected", _("Not confirmed")
