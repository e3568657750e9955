from jifen.orgs.selectors import members_by_id_number


def test_members_are_found_by_any_spelling_of_their_id_number(world):
    number = world.member.id_number
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".lower()
    full_width = "".join(chr(ord(d) + 0xFEE0) if d.isdigit() else d for d in number)
    found = members_by_id_number([spaced, full_width, "110101199001010000", ""])
    assert found == {number: world.member}
    assert found[number].branch == world.branch  # with its branch, read in the same query


def test_no_numbers_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert members_by_id_number([None, ""]) == {}
