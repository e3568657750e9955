from jifen.portal.selectors import is_work_branch, work_branches
from tests.orgs.reach import allowed_as_listed


def test_one_branch_is_worked_in_as_the_list_of_branches_says(world):
    allowed = allowed_as_listed(world, is_work_branch, work_branches)

    assert ("committee", "第一党支部") in allowed
    assert ("general_committee", "第二党支部") in allowed  # a committee role above reaches down
    assert ("reviewer", "第一党支部") not in allowed
    assert ("committee", "第一党小组") not in allowed
