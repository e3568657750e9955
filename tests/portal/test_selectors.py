from jifen.portal.selectors import is_work_branch, work_branches
from tests.orgs.reach import everyone_everywhere


def test_one_branch_is_worked_in_as_the_list_of_branches_says(world):
    users, orgs = everyone_everywhere(world)
    allowed = set()
    for user in users:
        listed = set(work_branches(user).values_list("pk", flat=True))
        for org in orgs:
            assert is_work_branch(user, org) == (org.pk in listed), (user, org)
            if org.pk in listed:
                allowed.add((user.username, org.name))
    assert ("committee", "第一党支部") in allowed
    assert ("general_committee", "第二党支部") in allowed  # a committee role above reaches down
    assert ("reviewer", "第一党支部") not in allowed
    assert ("committee", "第一党小组") not in allowed
