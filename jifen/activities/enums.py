from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who is expected at an activity."""

    ALL = "all", _("Every member of the organisation")
    COMMITTEE = "committee", _("The branch committee")
    GROUP = "group", _("One party group")
    CHOSEN = "chosen", _("A chosen list")


class ActivityState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed: attendance final")
    CANCELLED = "cancelled", _("Cancelled")


class CheckInMethod(models.TextChoices):
    PHONE = "phone", _("Checked in by phone")
    SECRETARY = "secretary", _("Ticked by the secretary (no phone)")
    RECORD = "record", _("Recorded as attending (meeting record)")


class LeaveStatus(models.TextChoices):
    ASKED = "asked", _("Waiting for a decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


LIVE_LEAVE = (LeaveStatus.ASKED, LeaveStatus.GRANTED)


class Outcome(models.TextChoices):
    """A member's attendance as final when the activity is closed."""

    ATTENDED = "attended", _("Attended")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent without leave")


class Purpose(models.TextChoices):
    """What a proposed entry is for."""

    ATTENDANCE = "attendance", _("Attending")
    ABSENCE = "absence", _("Unexcused absence")
    LEAD = "lead", _("Leading the activity")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the committee")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOT_SCORED = "not_scored", _("Not scored: the item's limit is reached")
    CORRECTED = "corrected", _("Replaced by a correction")
