"""Reads of the roster that more than one app needs."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from jifen.orgs import encryption
from jifen.orgs.models import Member
from jifen.orgs.validators import normalise_id_number

# Blind indexes per query: well within SQLite's and PostgreSQL's limits on parameters.
_CHUNK = 5000


def members_by_id_number(id_numbers: Iterable[str]) -> dict[str, Member]:
    """The members with these ID numbers, keyed by the normalised number (normalise_id_number:
    full-width digits, spaces and a lower-case x do not matter); numbers nobody has are left
    out. Through the ID number's blind index, the only way to find members by ID number since
    the number itself is stored encrypted: the roster import matches its rows here, and the
    services keep numbers unique here."""
    wanted = {normalise_id_number(number) for number in id_numbers if number} - {""}
    indexes = [index for number in sorted(wanted) for index in encryption.blind_indexes(number)]
    found = {}
    for start in range(0, len(indexes), _CHUNK):
        chunk = indexes[start : start + _CHUNK]
        for member in Member.objects.filter(id_number_index__in=chunk).select_related("branch"):
            found[normalise_id_number(member.id_number)] = member
    return found


def member_by_id_number(id_number: str) -> Member | None:
    return members_by_id_number([id_number]).get(normalise_id_number(id_number))


def id_number_matches(text: str) -> Q:
    """A filter on members whose ID number is `text`: a search for a whole number finds its
    member (a part of a number finds nothing, as the number is not stored in clear)."""
    return Q(id_number_index__in=encryption.blind_indexes(normalise_id_number(text)))


def member_by_staff_number(staff_number: str) -> Member | None:
    staff_number = staff_number.strip()
    return Member.objects.filter(staff_number=staff_number).first() if staff_number else None


def member_for_directory(value: str) -> Member | None:
    """The roster member a directory entry names by its link attribute (JIFEN_LDAP_LINK_ATTRIBUTE),
    which holds the staff number or the ID number as JIFEN_LDAP_LINK says."""
    if settings.JIFEN_LDAP_LINK == "id_number":
        return member_by_id_number(value)
    return member_by_staff_number(value)
