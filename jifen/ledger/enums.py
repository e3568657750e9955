from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DECLARATION = "declaration", _("Member's declaration")
    COMMITTEE = "committee", _("Branch committee")
    MEETING = "meeting", _("General meeting")
    COMMENDATION = "commendation", _("Approved commendation")
    OBJECTION = "objection", _("Accepted objection")
    APPEAL = "appeal", _("Appeal decision")
    VETO = "veto", _("Confirmed veto")
