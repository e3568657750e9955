from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCategory(models.TextChoices):
    BASE = "base", _("Base (basic duties)")
    PERFORMANCE = "performance", _("Performance")
    COMMENDATION = "commendation", _("Commendation")
    DEDUCTION = "deduction", _("Deduction")
    VETO = "veto", _("Veto")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Once a month")
    QUARTERLY = "quarterly", _("Once a quarter")
    YEARLY = "yearly", _("Once a year")
    UNLIMITED = "unlimited", _("No limit")


class Divisor(models.TextChoices):
    MONTHS_BELONGED = "months_belonged", _("Months the member belonged to a scoring branch")
    TWELVE = "twelve", _("Always 12")


class RankRule(models.TextChoices):
    NONE = "", _("No rank condition")
    TOP = "top", _("Within the top share of the ranking")
    BOTTOM = "bottom", _("Within the bottom share of the ranking")


class RankBoundary(models.TextChoices):
    """How a share of the ranking meets the branch's size n (reading.md, Grades)."""

    BY_RANK = "by_rank", _("By rank: in when the shared rank is within n × share, rounded up")
    AT_MOST = (
        "at_most",
        _("At most n × share members, rounded down; a tie across the limit is for the meeting"),
    )


class RankMode(models.TextChoices):
    REQUIRED = "required", _("Required: otherwise the next grade applies")
    FLAG = "flag", _("Flag only: the meeting decides")


class RequiredFrequency(models.TextChoices):
    """How often a kind of activity must be held (三会一课), at least."""

    NONE = "", _("No requirement")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")


class OrganiserLevel(models.TextChoices):
    """Who holds a kind of activity: the requirement is checked for each of them."""

    BRANCH = "branch", _("The branch")
    GROUP = "group", _("Each party group")
    ANY = "any", _("Any organisation")
