from functools import partial

from jifen.orgs.models import Member
from jifen.orgs.rules import visible_organisations


def _may_exchange(user) -> bool:
    """Whether the import and export pages have anything for the user: their own points
    archive as a member, or a branch's documents through a role."""
    if not user.is_authenticated:
        return False
    return Member.objects.filter(user=user).exists() or visible_organisations(user).exists()


def exchange(request):
    """Whether the navbar links to the import and export pages; queried only where shown."""
    return {"may_exchange": partial(_may_exchange, request.user)}
