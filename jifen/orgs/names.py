from django.core.exceptions import ObjectDoesNotExist


def person_name(user) -> str:
    """How a person is named on pages and documents (记录人, who filed): their name in the
    roster, else the name on their account, else its username. Select `…__member` with the
    user to read it without a query per row."""
    if user is None:
        return ""
    try:
        return user.member.name
    except ObjectDoesNotExist:
        return user.get_full_name() or user.get_username()
