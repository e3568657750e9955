from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.orgs.enums import (
    Gender,
    MemberCategory,
    MemberState,
    OrgKind,
    PartyStatus,
    RoleKind,
)
from jifen.orgs.fields import BlindIndexField, EncryptedCharField, EncryptedDateField
from jifen.orgs.validators import mask, normalise_id_number, validate_id_number


class Organisation(models.Model):
    """A node of 党委 → 党总支 → 党支部 → 党小组.

    `path` is a materialised path of ancestor ids ("1/4/9/") so that a whole subtree is one
    indexed prefix query; only services.organisation_create/organisation_move write it.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Own id and every ancestor's, nearest first."""
        return [int(part) for part in reversed(self.path.strip("/").split("/"))]

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH


class Member(models.Model):
    """A party member in the roster (党员名册), with the basic fields of the national record.

    The birth date, ID number and phone are kept encrypted in the database (jifen/orgs/fields.py)
    and hold their plain values in Python. The ID number is unique through its blind index,
    and looked up only through it (jifen.orgs.selectors.members_by_id_number)."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedCharField(_("ID number"), max_length=18, validators=[validate_id_number])
    id_number_index = BlindIndexField(
        unique=True, source="id_number", normalise=normalise_id_number
    )
    # The university's staff or student number (工号/学号): what a directory sign-in is linked
    # by when JIFEN_LDAP_LINK is "staff_number" (jifen.orgs.selectors.member_for_directory).
    staff_number = models.CharField(_("staff or student number"), max_length=32, blank=True)
    education = models.CharField(_("education"), max_length=30, blank=True)
    join_date = models.DateField(_("date joined the party"))
    party_status = models.CharField(
        _("party status"), max_length=20, choices=PartyStatus.choices, default=PartyStatus.FULL
    )
    category = models.CharField(
        _("member category"),
        max_length=20,
        choices=MemberCategory.choices,
        default=MemberCategory.IN_SERVICE,
    )
    branch = models.ForeignKey(
        Organisation, models.PROTECT, related_name="members", verbose_name=_("branch")
    )
    group = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("party group"),
    )
    party_post = models.CharField(_("party post"), max_length=50, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=MemberState.choices, default=MemberState.ACTIVE
    )
    exempt_reason = models.CharField(
        _("reason for exemption from scoring"),
        max_length=200,
        blank=True,
        help_text=_("For example long illness; an exempt member gets no score and no rank."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["branch_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_number"],
                condition=~models.Q(staff_number=""),
                name="orgs_member_unique_staff_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # The blind index follows the ID number into every write that changes it.
        if update_fields is not None and "id_number" in update_fields:
            update_fields = {*update_fields, "id_number_index"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, 4, 4)

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, 3, 4)


class Placement(models.Model):
    """Which branch a member belonged to and when; a transfer closes one and opens the next,
    so that the member's history (and the months counted in the year score) is kept."""

    member = models.ForeignKey(Member, models.PROTECT, related_name="placements")
    branch = models.ForeignKey(Organisation, models.PROTECT, related_name="placements")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["member_id", "start"]

    def __str__(self) -> str:
        return f"{self.member} · {self.branch} · {self.start}–{self.end or ''}"


class Role(models.Model):
    """A role a user holds in one organisation; it reaches that organisation's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "kind"], name="unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.organisation}"
