from django.db import models
from django.utils.translation import gettext_lazy as _


class QuarterState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed by the general meeting")
    ON_NOTICE = "on_notice", _("On public notice")
    LOCKED = "locked", _("Locked")


class ObjectionKind(models.TextChoices):
    OBJECTION = "objection", _("Objection (during the notice)")
    APPEAL = "appeal", _("Appeal (to the parent organisation)")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class YearState(models.TextChoices):
    COMPUTED = "computed", _("Computed by the branch")
    SUBMITTED = "submitted", _("Submitted for review")
    FILED = "filed", _("Reviewed and filed")
    RETURNED = "returned", _("Returned to the branch")


# Measures of 组织处置 for an unqualified member, per the party's rules on member management.
class HandlingMeasure(models.TextChoices):
    CORRECT_IN_TIME = "correct_in_time", _("Correction within a time limit")
    PERSUADE_TO_LEAVE = "persuade_to_leave", _("Persuaded to leave the party")
    REMOVAL = "removal", _("Removed from the party")
    EXTEND_PROBATION = "extend_probation", _("Probation extended")
    CANCEL_PROBATION = "cancel_probation", _("Probationary membership cancelled")
