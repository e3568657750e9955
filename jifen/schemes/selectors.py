from django.db.models import QuerySet

from jifen.orgs.models import Organisation
from jifen.schemes.models import Scheme


def schemes_for_year(org_ids: list[int], year: int) -> QuerySet[Scheme]:
    return Scheme.objects.filter(organisation_id__in=org_ids, year=year)


def current_scheme(org: Organisation, year: int) -> Scheme | None:
    """The newest version held by the organisation or its nearest ancestor with one."""
    return pick_scheme(list(schemes_for_year(org.ancestor_ids, year)), org)


def pick_scheme(schemes: list[Scheme], org: Organisation) -> Scheme | None:
    """Like current_scheme, among already fetched schemes (for set-based computations)."""
    by_depth = {org_id: depth for depth, org_id in enumerate(org.ancestor_ids)}
    held = [s for s in schemes if s.organisation_id in by_depth]
    return min(held, key=lambda s: (by_depth[s.organisation_id], -s.version), default=None)
