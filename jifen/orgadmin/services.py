"""The one write the organisation core does not offer: opening a user account for a member."""

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
