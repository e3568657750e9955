"""Reads of the roster that other apps reuse."""

from collections.abc import Iterable

from jifen.orgs.models import Member
from jifen.orgs.validators import normalise_id_number


def members_by_id_number(numbers: Iterable[str]) -> dict[str, Member]:
    """The members holding these ID numbers, by their normalised number, with their branch: the
    one place where a member is looked up by ID number (the roster import matches on it), so
    that how numbers are stored and searched is decided here and in the model only."""
    wanted = {normalise_id_number(number) for number in numbers if number}
    if not wanted:
        return {}
    members = Member.objects.filter(id_number__in=wanted).select_related("branch")
    return {member.id_number: member for member in members}
