from functools import cached_property

from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Member, Role


class Reach:
    """Which of the navbar's pages have something for the user, read once per request and
    only when a page shows the navbar: the administration comes with an admin role
    (orgadmin.selectors.administered_organisations), dashboards with a role in a branch or
    above it (insight.selectors.dashboard_organisations), the import and export pages
    (exchange.views.index) and the notice archive with a role or a member record."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _roles(self) -> set[tuple[str, str]]:
        """(role kind, kind of its organisation) of each role the user holds."""
        if not self.user.is_authenticated:
            return set()
        roles = Role.objects.filter(user=self.user)
        return set(roles.values_list("kind", "organisation__kind"))

    @cached_property
    def _role_kinds(self) -> set[str]:
        return {org_kind for _kind, org_kind in self._roles}

    @cached_property
    def administers(self) -> bool:
        return self.user.is_superuser or any(k == RoleKind.ADMIN for k, _org in self._roles)

    @cached_property
    def dashboards(self) -> bool:
        return self.user.is_superuser or bool(self._role_kinds - {OrgKind.GROUP})

    @cached_property
    def belongs(self) -> bool:
        """A role or a member record: the import and export pages and the notice archive
        have something for the user."""
        if self.dashboards or self._role_kinds:
            return True
        return self.user.is_authenticated and Member.objects.filter(user=self.user).exists()


def reach(request):
    return {"reach": Reach(request.user)}
