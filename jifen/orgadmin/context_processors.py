from functools import partial

from jifen.orgadmin.selectors import administered_organisations


def _administers(user) -> bool:
    return user.is_authenticated and administered_organisations(user).exists()


def administration(request):
    """Whether the navbar links to the admin pages; queried only where a page shows it."""
    return {"administers": partial(_administers, request.user)}
