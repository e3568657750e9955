from jifen.insight.selectors import can_see_dashboard, dashboard_organisations
from tests.orgs.reach import allowed_as_listed


def test_one_dashboard_is_allowed_as_the_list_of_dashboards_says(world):
    allowed = allowed_as_listed(world, can_see_dashboard, dashboard_organisations)

    # Neither everything nor nothing: a party group has no dashboard, and a secretary sees
    # their own branch's only.
    assert ("secretary", "第一党支部") in allowed
    assert ("secretary", "后勤党总支") not in allowed
    assert ("reviewer", "后勤党总支") in allowed
    assert not any(org == "第一党小组" for _user, org in allowed)
