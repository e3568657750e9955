from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")
    MOBILE = "mobile", _("Mobile")


class PartyStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberState(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left the organisation")
    DECEASED = "deceased", _("Deceased")


class RoleKind(models.TextChoices):
    COMMITTEE = "committee", _("Committee member")
    SECRETARY = "secretary", _("Secretary")
    REVIEWER = "reviewer", _("Reviewer (parent organisation)")
    ADMIN = "admin", _("Organisation admin")
