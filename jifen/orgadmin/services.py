"""Writes the core does not offer yet: opening a user account for a member, and changing a
scheme's commendation levels and grade scale (under the same rules as its items)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.orgs import rules
from jifen.orgs import services as org_services
from jifen.orgs.models import Member
from jifen.schemes.models import CommendationLevel, GradeLevel, Scheme


@transaction.atomic
def member_account_create(*, actor, member: Member, username: str, password: str):
    """Create a login for a member who has none and link it; the member signs in with it."""
    if not rules.can_administer(actor, member.branch):
        raise NotPermitted()
    if member.user_id is not None:
        raise InvalidState(_("This member already has a user account."))
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise DomainError(_("The user name %s is taken.") % username)
    user = users(username=username)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="weak_password") from error
    user.set_password(password)
    user.save()
    log_action("orgadmin.account.created", actor=actor, obj=user, organisation=member.branch)
    return org_services.member_link_user(actor=actor, member=member, user=user)


def _check_scheme_editable(actor, scheme: Scheme) -> None:
    if not rules.can_administer(actor, scheme.organisation):
        raise NotPermitted()
    # Locked months keep the rules they were scored under: changes go into a new version.
    if scheme.is_locked:
        raise InvalidState(
            _("Months scored under this scheme are locked; make a new version to change it."),
            code="scheme_locked",
        )


@transaction.atomic
def commendation_level_update(
    *, actor, level: CommendationLevel, name: str, points: Decimal
) -> CommendationLevel:
    _check_scheme_editable(actor, level.scheme)
    if points < 0:
        raise DomainError(_("Points cannot be negative."))
    level.name, level.points = name, points
    level.save(update_fields=["name", "points"])
    log_action(
        "orgadmin.commendation_level.updated",
        actor=actor,
        obj=level,
        organisation=level.scheme.organisation,
        name=name,
        points=str(points),
    )
    return level


@transaction.atomic
def grade_level_update(
    *,
    actor,
    level: GradeLevel,
    name: str,
    min_score: Decimal | None,
    rank_rule: str,
    rank_share: Decimal | None,
    rank_mode: str,
) -> GradeLevel:
    """Change one step of the grade scale; its order and whether it is the unqualified grade
    (given after a veto) stay as the preset made them."""
    _check_scheme_editable(actor, level.scheme)
    if min_score is not None and min_score < 0:
        raise DomainError(_("The minimum year score cannot be negative."))
    if rank_rule and not (rank_share is not None and 0 < rank_share <= 1):
        raise DomainError(_("A rank condition needs a share of the ranking between 0 and 1."))
    fields = {
        "name": name,
        "min_score": min_score,
        "rank_rule": rank_rule,
        "rank_share": rank_share if rank_rule else None,
        "rank_mode": rank_mode,
    }
    for key, value in fields.items():
        setattr(level, key, value)
    level.save(update_fields=list(fields))
    log_action(
        "orgadmin.grade_level.updated",
        actor=actor,
        obj=level,
        organisation=level.scheme.organisation,
        **{key: str(value) for key, value in fields.items()},
    )
    return level
