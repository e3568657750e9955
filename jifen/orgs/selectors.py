"""Reads of the roster that other apps share."""

from django.conf import settings

from jifen.orgs.models import Member


def member_by_id_number(id_number: str) -> Member | None:
    """The roster member with this ID number (kept upper-case, as the services store it).

    The one place that looks a member up by ID number, so that keeping ID numbers encrypted
    behind a keyed index changes only this function."""
    return Member.objects.filter(id_number=id_number.strip().upper()).first()


def member_by_staff_number(staff_number: str) -> Member | None:
    staff_number = staff_number.strip()
    return Member.objects.filter(staff_number=staff_number).first() if staff_number else None


def member_for_directory(value: str) -> Member | None:
    """The roster member a directory entry names by its link attribute (JIFEN_LDAP_LINK_ATTRIBUTE),
    which holds the staff number or the ID number as JIFEN_LDAP_LINK says."""
    if settings.JIFEN_LDAP_LINK == "id_number":
        return member_by_id_number(value)
    return member_by_staff_number(value)
