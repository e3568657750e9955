"""State changes of organisations, the roster and roles. Each runs in one transaction,
checks permission and state, and writes an audit event."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.accounts import services as accounts
from jifen.audit.services import BULK_BATCH, log_action, log_actions_bulk
from jifen.bulk import insert_rows
from jifen.errors import DomainError, InvalidState, NotPermitted, RowsRefused
from jifen.orgs import encryption, rules
from jifen.orgs.enums import MemberState, OrgKind
from jifen.orgs.models import Member, Organisation, Placement, Role
from jifen.orgs.selectors import member_by_id_number, members_by_id_number
from jifen.orgs.signals import members_changed
from jifen.orgs.validators import member_date_errors, normalise_id_number, normalise_phone

# Which kinds may sit under which: the tree 党委 → 党总支 → 党支部 → 党小组 (a 党委 may hold
# branches directly, as many do).
_ALLOWED_PARENTS = {
    OrgKind.COMMITTEE: {None, OrgKind.COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.COMMITTEE},
    OrgKind.BRANCH: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
    OrgKind.GROUP: {OrgKind.BRANCH},
}

# Fields an admin may edit on a member; branch changes go through member_transfer.
# Fields of a member that decide whether they are scored (jifen.orgs.signals.members_changed).
SCORED_FIELDS = {"category", "exempt_reason"}
MEMBER_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "staff_number",
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


def _new_member(branch: Organisation, **fields) -> Member:
    """An unsaved member as the services create it: ID numbers are kept normalised (and its
    phone when it is cleaned)."""
    fields["id_number"] = normalise_id_number(fields.get("id_number", ""))
    return Member(branch=branch, **fields)


def _clean_member(member: Member, *, validate_unique: bool = True) -> None:
    """Validate the member's fields and the plausibility of their dates (jifen.orgs.validators);
    without `validate_unique` the caller checks the ID number's uniqueness itself
    (member_bulk_create does it for a whole batch in one query)."""
    errors = {}
    # One spelling of each number: "３30106…" and "330106…" are the same person.
    member.id_number = normalise_id_number(member.id_number)
    try:
        member.phone = normalise_phone(member.phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    try:
        # The ID number is unique through its blind index, computed when the row is written;
        # its uniqueness is checked through the index below, not by Django's unique check.
        member.full_clean(
            exclude=["user", "branch", "group", "id_number_index"],
            validate_unique=False,
            # Checking the staff number's partial unique index takes a query per member.
            validate_constraints=validate_unique,
        )
    except ValidationError as error:
        errors = error.message_dict | errors
    if validate_unique and "id_number" not in errors and _taken(member):
        errors["id_number"] = [_("This ID number is already in the roster.")]
    for field, message in member_date_errors(
        id_number=member.id_number,
        birth_date=member.birth_date,
        join_date=member.join_date,
        today=timezone.localdate(),
    ).items():
        errors.setdefault(field, [message])
    if errors:
        messages = [
            f"{member._meta.get_field(field).verbose_name}: {' '.join(errs)}"
            if field != "__all__"
            else " ".join(errs)
            for field, errs in errors.items()
        ]
        raise DomainError("; ".join(messages), code="invalid_member")


def _taken(member: Member) -> bool:
    holder = member_by_id_number(member.id_number)
    return holder is not None and holder.pk != member.pk


def _save_member(member: Member, **kwargs) -> None:
    """Save, turning a number that another transaction made taken after the check into the
    same refusal (the blind index's unique constraint holds)."""
    try:
        with transaction.atomic():
            member.save(**kwargs)
    except IntegrityError as error:
        if not _taken(member):
            raise
        raise DomainError(
            _("This ID number is already in the roster."), code="invalid_member"
        ) from error


def _check_branch(branch: Organisation) -> None:
    if not branch.is_branch:
        raise DomainError(_("Members belong to a branch (党支部)."))


def _placement(member: Member, start: datetime.date | None) -> Placement:
    # By id: the related objects are not needed, and assigning them costs in a large import.
    return Placement(
        member_id=member.pk, branch_id=member.branch_id, start=start or member.join_date
    )


def _created_data(member: Member) -> dict:
    # ID numbers and phones are personal data: the audit log keeps the name only.
    return {"name": member.name}


@transaction.atomic
def member_create(
    *, actor, branch: Organisation, start: datetime.date | None = None, **fields
) -> Member:
    """Add a member to a branch's roster; their placement starts on `start` (default: join date)."""
    _check_branch(branch)
    _check_admin(actor, branch)
    member = _new_member(branch, **fields)
    _clean_member(member)
    _save_member(member)
    _placement(member, start).save(force_insert=True)
    members_changed.send(sender=Member, member_ids=[member.pk])
    log_action(
        "orgs.member.created", actor=actor, obj=member, organisation=branch, **_created_data(member)
    )
    return member


@transaction.atomic
def member_bulk_create(*, actor, rows: list[dict]) -> list[Member]:
    """Add many members at once, each as member_create would (the roster import): every row is
    {"branch": …, optional "start": …, **member fields}. The same checks, placements and audit
    events, in a number of queries that grows with the branches, not with the rows.

    Raises NotPermitted or DomainError for a branch, or RowsRefused naming the index of every
    refused row; then nothing is written."""
    members = _checked_members(actor, rows)
    try:
        # In a savepoint, so that a refused insert leaves the caller's transaction usable.
        with transaction.atomic():
            Member.objects.bulk_create(members, batch_size=BULK_BATCH)
    except IntegrityError as error:
        # Another transaction added one of these ID numbers after the check above; now that
        # it has committed the check finds it and names the row.
        taken = _repeated_id_numbers(members)
        if not taken:
            raise
        raise RowsRefused(dict(sorted(taken.items()))) from error
    # Without the ORM's preparation of every value, which costs more than the inserts here.
    insert_rows(
        Placement,
        ["member_id", "branch_id", "start"],
        (
            (m.pk, m.branch_id, row.get("start") or m.join_date)
            for m, row in zip(members, rows, strict=True)
        ),
    )
    members_changed.send(sender=Member, member_ids=[m.pk for m in members])
    log_actions_bulk(
        "orgs.member.created",
        actor=actor,
        events=[(member, member.branch, _created_data(member)) for member in members],
    )
    return members


def member_bulk_check(*, actor, rows: list[dict]) -> None:
    """What member_bulk_create would refuse, raised as it would raise it, writing nothing: the
    import's preview, which need not write ten thousand rows to roll them back."""
    _checked_members(actor, rows)


def _checked_members(actor, rows: list[dict]) -> list[Member]:
    for branch in {row["branch"].pk: row["branch"] for row in rows}.values():
        _check_branch(branch)
        _check_admin(actor, branch)
    members = [_new_member(**{k: v for k, v in row.items() if k != "start"}) for row in rows]
    errors = _invalid_members(members)
    for index, message in _repeated_id_numbers(members).items():
        errors.setdefault(index, message)
    if errors:
        raise RowsRefused(dict(sorted(errors.items())))
    return members


def _invalid_members(members: list[Member]) -> dict[int, str]:
    errors = {}
    for index, member in enumerate(members):
        try:
            _clean_member(member, validate_unique=False)
        except DomainError as error:
            errors[index] = error.message
    return errors


def _repeated_id_numbers(members: list[Member]) -> dict[int, str]:
    """ID numbers already in the roster (one query for the whole batch) or given twice in it;
    the message masks the number, as everywhere it is shown."""
    taken = set(members_by_id_number(member.id_number for member in members))
    errors, seen = {}, set()
    for index, member in enumerate(members):
        if member.id_number in taken:
            message = _("The ID number %(number)s is already in the roster.")
        elif member.id_number in seen:
            message = _("The ID number %(number)s appears more than once in this batch.")
        else:
            seen.add(member.id_number)
            continue
        errors[index] = message % {"number": member.id_number_masked}
    return errors


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    _check_admin(actor, member.branch)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if "id_number" in fields:
        fields["id_number"] = normalise_id_number(fields["id_number"])
    changed = {k: v for k, v in fields.items() if getattr(member, k) != v}
    for key, value in changed.items():
        setattr(member, key, value)
    _clean_member(member)
    _save_member(member, update_fields=list(changed) or None)
    if set(changed) & SCORED_FIELDS:
        members_changed.send(sender=Member, member_ids=[member.pk])
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
def member_set_group(*, actor, member: Member, group: Organisation | None) -> Member:
    """Place a member in a party group (党小组) of their branch, or in none."""
    _check_admin(actor, member.branch)
    if group is not None and (group.kind != OrgKind.GROUP or group.parent_id != member.branch_id):
        raise DomainError(_("Choose a party group of the member's branch."), code="wrong_group")
    member.group = group
    member.save(update_fields=["group"])
    log_action(
        "orgs.member.grouped",
        actor=actor,
        obj=member,
        organisation=member.branch,
        group=group,
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
    # The member's row first, as every writer of their points takes it (README, lock order).
    Member.objects.select_for_update().get(pk=member.pk)
    current = member.placements.select_for_update().filter(end__isnull=True).get()
    if on <= current.start:
        raise InvalidState(_("A transfer must be dated after the current placement began."))
    current.end = on - datetime.timedelta(days=1)
    current.save(update_fields=["end"])
    Placement.objects.create(member=member, branch=to_branch, start=on)
    old_branch = member.branch
    member.branch, member.group = to_branch, None
    member.save(update_fields=["branch", "group"])
    members_changed.send(sender=Member, member_ids=[member.pk])
    moved = {"from_branch": old_branch, "to_branch": to_branch, "on": on.isoformat()}
    log_action("orgs.member.transferred", actor=actor, obj=member, organisation=to_branch, **moved)
    # The branch left behind records it too: its roster, ranks and pages changed as well.
    log_action(
        "orgs.member.transferred_out", actor=actor, obj=member, organisation=old_branch, **moved
    )
    return member


@transaction.atomic
def member_leave(
    *, actor, member: Member, on: datetime.date, state: str = MemberState.LEFT
) -> Member:
    _check_admin(actor, member.branch)
    Member.objects.select_for_update().get(pk=member.pk)
    member.placements.filter(end__isnull=True).update(end=on)
    member.state = state
    member.save(update_fields=["state"])
    members_changed.send(sender=Member, member_ids=[member.pk])
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
    user.set_unusable_password()
    user.save()
    # The admin's password is for the first sign-in only: the member then chooses their own.
    accounts.one_time_password_set(actor=actor, user=user, password=password)
    log_action("orgs.account.created", actor=actor, obj=user, organisation=member.branch)
    return member_link_user(actor=actor, member=member, user=user)


@dataclass(frozen=True)
class IssuedAccount:
    """An account opened for a member, with the one-time password to hand over. The password
    lives only in this object: it is shown once and never stored in clear."""

    member: Member
    username: str
    password: str


# Letters and digits that cannot be read one for another on paper (no 0/O, 1/l/I).
_LOWER, _UPPER, _DIGITS = "abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"


def _one_time_password() -> str:
    """A random password that meets the length and character-class rules, for printing."""
    length = max(12, settings.JIFEN_PASSWORD_MIN_LENGTH + 2)
    picks = [secrets.choice(_LOWER), secrets.choice(_UPPER), secrets.choice(_DIGITS)]
    alphabet = _LOWER + _UPPER + _DIGITS
    picks += [secrets.choice(alphabet) for _ in range(length - len(picks))]
    secrets.SystemRandom().shuffle(picks)
    return "".join(picks)


def _account_username(member: Member) -> str | None:
    """The member's staff number when it is free as a user name, else "m" and the member's
    number in the roster; None when both are taken."""
    users = get_user_model().objects
    for name in (member.staff_number.strip(), f"m{member.pk}"):
        if name and not users.filter(username__iexact=name).exists():
            return name
    return None


@transaction.atomic
def member_accounts_create(*, actor, members) -> tuple[list[IssuedAccount], list[Member]]:
    """Open an account with a one-time password for each of `members` who is in the roster
    and has none (an import's members, a branch's): the passwords are returned once, for the
    admin to hand over; each is changed at the member's first sign-in. The members are locked
    first, in one order, so that two admins at once open one account per member. Returns the
    accounts opened and the members left without one because both user names were taken."""
    ids = sorted({member.pk for member in members})
    locked = list(
        Member.objects.select_for_update(of=("self",))
        .select_related("branch")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for member in locked:
        _check_admin(actor, member.branch)
    issued, no_name = [], []
    for member in locked:
        if member.user_id is not None or member.state != MemberState.ACTIVE:
            continue
        username = _account_username(member)
        if username is None:
            no_name.append(member)
            continue
        password = _one_time_password()
        member_account_create(actor=actor, member=member, username=username, password=password)
        issued.append(IssuedAccount(member, username, password))
    # Who got which user name, never the passwords; filed under the branch when there is one.
    branches = {member.branch for member in locked}
    log_action(
        "orgs.accounts.bulk_created",
        actor=actor,
        obj=None,
        organisation=branches.pop() if len(branches) == 1 else None,
        accounts={str(account.member.pk): account.username for account in issued},
        skipped=len(locked) - len(issued),
        no_user_name=[member.pk for member in no_name],
    )
    return issued, no_name


@transaction.atomic
def directory_account(*, member: Member, username: str):
    """The account a directory sign-in uses for a roster member: the member's own, whatever its
    name, so that the roles held with it stay; else a new one named as the directory entry, with
    no local password. The member is locked first, so that two first sign-ins at once make one
    account. A local account of that name that is not the member's is never taken over."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user_id is not None:
        return member.user
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _(
                "An account named %s already exists and is not linked to your entry in the"
                " roster; ask the organisation administrator to link it."
            )
            % username,
            code="account_taken",
        )
    user = users(username=username)
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    log_action("orgs.account.from_directory", actor=user, obj=member, organisation=member.branch)
    return user


# Members encrypted again per transaction: each batch is locked, rewritten and committed.
REENCRYPT_BATCH = 500
_PERSONAL = ("id_number", "phone", "birth_date")


def personal_data_reencrypt() -> tuple[int, int]:
    """Encrypt every member's personal data again under the current key, with the blind index
    under it (after rotate_personal_data_key). Batch by batch, each in a transaction that locks
    its members first, so that a concurrent change of a member is neither lost nor undone.
    Returns the members rewritten and the values still found under another key afterwards."""
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REENCRYPT_BATCH):
        _reencrypt(ids[start : start + REENCRYPT_BATCH])
    return len(ids), _values_under_other_keys()


@transaction.atomic
def _reencrypt(ids: list[int]) -> None:
    members = list(Member.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for member in members:
        member.id_number_index = encryption.blind_index(normalise_id_number(member.id_number))
    Member.objects.bulk_update(members, [*_PERSONAL, "id_number_index"])
    log_action(
        "orgs.personal_data.reencrypted",
        actor=None,
        obj=None,
        members=len(members),
        key=encryption.current().id,
    )


def _values_under_other_keys() -> int:
    current = encryption.current().id
    stored = Member.objects.annotate(**{f"raw_{f}": Cast(f, TextField()) for f in _PERSONAL})
    return sum(
        1
        for row in stored.values_list(*(f"raw_{f}" for f in _PERSONAL))
        for value in row
        if value and encryption.key_of(value) != current
    )
