"""Reads of the roster that other apps reuse."""

from collections.abc import Iterable

from django.conf import settings

from jifen.orgs.models import Member
from jifen.orgs.validators import normalise_id_number


def members_by_id_number(numbers: Iterable[str]) -> dict[str, Member]:
    """The members holding these ID numbers, by their normalised number, with their branch: the
    one place where a member is looked up by ID number (the roster import matches on it, the
    directory sign-in links by it), so that how numbers are stored and searched is decided here
    and in the model only."""
    wanted = {normalise_id_number(number) for number in numbers if number}
    if not wanted:
        return {}
    members = Member.objects.filter(id_number__in=wanted).select_related("branch")
    return {member.id_number: member for member in members}


def member_by_id_number(id_number: str) -> Member | None:
    """The roster member with this ID number, if any."""
    found = members_by_id_number([id_number])
    return next(iter(found.values()), None)


def member_by_staff_number(staff_number: str) -> Member | None:
    staff_number = staff_number.strip()
    return Member.objects.filter(staff_number=staff_number).first() if staff_number else None


def member_for_directory(value: str) -> Member | None:
    """The roster member a directory entry names by its link attribute (JIFEN_LDAP_LINK_ATTRIBUTE),
    which holds the staff number or the ID number as JIFEN_LDAP_LINK says."""
    if settings.JIFEN_LDAP_LINK == "id_number":
        return member_by_id_number(value)
    return member_by_staff_number(value)
