from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DECLARATION = "declaration", _("Member's declaration")
    COMMITTEE = "committee", _("Branch committee")
    MEETING = "meeting", _("General meeting")
    ACTIVITY = "activity", _("Attendance of an activity")
    COMMENDATION = "commendation", _("Approved commendation")
    OBJECTION = "objection", _("Accepted objection")
    APPEAL = "appeal", _("Appeal decision")
    VETO = "veto", _("Confirmed veto")


class Stage(models.TextChoices):
    """How far a branch's month has closed, in order (jifen/ledger/periods.py)."""

    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed by the general meeting")
    LOCKED = "locked", _("Locked after the notice")
    FILED = "filed", _("Filed by the parent organisation")


class AnchorKind(models.TextChoices):
    QUARTER_CONFIRMED = "quarter_confirmed", _("Quarter confirmed by the general meeting")
    YEAR_FILED = "year_filed", _("Year filed by the parent organisation")
