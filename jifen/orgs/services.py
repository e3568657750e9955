"""State changes of organisations, the roster and roles. Each runs in one transaction,
checks permission and state, and writes an audit event."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.orgs import rules
from jifen.orgs.enums import MemberState, OrgKind
from jifen.orgs.models import Member, Organisation, Placement, Role

# Which kinds may sit under which: the tree 党委 → 党总支 → 党支部 → 党小组 (a 党委 may hold
# branches directly, as many do).
_ALLOWED_PARENTS = {
    OrgKind.COMMITTEE: {None, OrgKind.COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.COMMITTEE},
    OrgKind.BRANCH: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.GROUP: {OrgKind.BRANCH},
}

# Fields an admin may edit on a member; branch changes go through member_transfer.
MEMBER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "join_date",
    "party_status",
    "category",
    "party_post",
    "phone",
    "state",
    "exempt_reason",
)


def _check_admin(actor, org: Organisation | None) -> None:
    allowed = actor.is_superuser if org is None else rules.can_administer(actor, org)
    if not allowed:
        raise NotPermitted()


@transaction.atomic
def organisation_create(
    *, actor, name: str, kind: str, parent: Organisation | None
) -> Organisation:
    _check_admin(actor, parent)
    if (parent.kind if parent else None) not in _ALLOWED_PARENTS[kind]:
        raise DomainError(_("This kind of organisation cannot be placed there."))
    org = Organisation.objects.create(name=name, kind=kind, parent=parent, path="")
    org.path = f"{parent.path if parent else ''}{org.pk}/"
    org.save(update_fields=["path"])
    log_action("orgs.organisation.created", actor=actor, obj=org, organisation=org, name=name)
    return org


@transaction.atomic
def organisation_rename(*, actor, org: Organisation, name: str) -> Organisation:
    _check_admin(actor, org)
    old = org.name
    org.name = name
    org.save(update_fields=["name"])
    log_action(
        "orgs.organisation.renamed", actor=actor, obj=org, organisation=org, old=old, new=name
    )
    return org


def _clean_member(member: Member) -> None:
    try:
        member.full_clean(exclude=["user", "branch", "group"])
    except ValidationError as error:
        messages = [
            f"{member._meta.get_field(field).verbose_name}: {' '.join(errs)}"
            if field != "__all__"
            else " ".join(errs)
            for field, errs in error.message_dict.items()
        ]
        raise DomainError("; ".join(messages), code="invalid_member") from error


def _check_branch(branch: Organisation) -> None:
    if not branch.is_branch:
        raise DomainError(_("Members belong to a branch (党支部)."))


@transaction.atomic
def member_create(
    *, actor, branch: Organisation, start: datetime.date | None = None, **fields
) -> Member:
    """Add a member to a branch's roster; their placement starts on `start` (default: join date)."""
    _check_branch(branch)
    _check_admin(actor, branch)
    fields["id_number"] = fields.get("id_number", "").upper()
    member = Member(branch=branch, **fields)
    _clean_member(member)
    member.save()
    Placement.objects.create(member=member, branch=branch, start=start or member.join_date)
    log_action(
        "orgs.member.created", actor=actor, obj=member, organisation=branch, name=member.name
    )
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    _check_admin(actor, member.branch)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    changed = {k: v for k, v in fields.items() if getattr(member, k) != v}
    for key, value in changed.items():
        setattr(member, key, value)
    _clean_member(member)
    member.save(update_fields=list(changed) or None)
    # ID numbers and phones are personal data: the audit log names the field, not the value.
    log_action(
        "orgs.member.updated",
        actor=actor,
        obj=member,
        organisation=member.branch,
        fields=sorted(changed),
    )
    return member


@transaction.atomic
def member_transfer(*, actor, member: Member, to_branch: Organisation, on: datetime.date) -> Member:
    """Move a member to another branch on a date; the old placement is closed, never rewritten,
    so scores earned before the transfer stay with the member."""
    _check_branch(to_branch)
    _check_admin(actor, member.branch)
    _check_admin(actor, to_branch)
    if to_branch.pk == member.branch_id:
        raise InvalidState(_("The member already belongs to this branch."))
    current = member.placements.select_for_update().filter(end__isnull=True).get()
    if on <= current.start:
        raise InvalidState(_("A transfer must be dated after the current placement began."))
    current.end = on - datetime.timedelta(days=1)
    current.save(update_fields=["end"])
    Placement.objects.create(member=member, branch=to_branch, start=on)
    old_branch = member.branch
    member.branch, member.group = to_branch, None
    member.save(update_fields=["branch", "group"])
    log_action(
        "orgs.member.transferred",
        actor=actor,
        obj=member,
        organisation=to_branch,
        from_branch=old_branch,
        to_branch=to_branch,
        on=on.isoformat(),
    )
    return member


@transaction.atomic
def member_leave(
    *, actor, member: Member, on: datetime.date, state: str = MemberState.LEFT
) -> Member:
    _check_admin(actor, member.branch)
    member.placements.filter(end__isnull=True).update(end=on)
    member.state = state
    member.save(update_fields=["state"])
    log_action(
        "orgs.member.left",
        actor=actor,
        obj=member,
        organisation=member.branch,
        state=state,
        on=on.isoformat(),
    )
    return member


@transaction.atomic
def member_link_user(*, actor, member: Member, user) -> Member:
    _check_admin(actor, member.branch)
    member.user = user
    member.save(update_fields=["user"])
    log_action(
        "orgs.member.user_linked", actor=actor, obj=member, organisation=member.branch, user=user
    )
    return member


@transaction.atomic
def role_grant(*, actor, user, organisation: Organisation, kind: str) -> Role:
    _check_admin(actor, organisation)
    role, created = Role.objects.get_or_create(user=user, organisation=organisation, kind=kind)
    if created:
        log_action(
            "orgs.role.granted",
            actor=actor,
            obj=role,
            organisation=organisation,
            user=user,
            kind=kind,
        )
    return role


@transaction.atomic
def role_revoke(*, actor, role: Role) -> None:
    _check_admin(actor, role.organisation)
    log_action(
        "orgs.role.revoked",
        actor=actor,
        obj=role,
        organisation=role.organisation,
        user=role.user,
        kind=role.kind,
    )
    role.delete()
