"""An ID number is unique through its blind index even when the same number is added many
times at once: one member is created, every other request is refused with the roster's
message, never a server error."""

import datetime

from jifen.errors import DomainError
from jifen.orgs import services
from jifen.orgs.selectors import members_by_id_number
from tests.concurrency.parallel import run_parallel, same_work
from tests.factories import valid_id_number


def test_ten_simultaneous_additions_of_one_id_number_create_one_member(world):
    number = valid_id_number(6060)

    def add(i):
        return services.member_create(
            actor=world.admin,
            branch=world.branch,
            name=f"重复{i}",
            gender="male",
            id_number=number if i % 2 else number.lower(),
            join_date=datetime.date(2015, 7, 1),
        )

    outcomes = run_parallel(same_work(10, add))

    created = [o.value for o in outcomes if o.error is None]
    assert len(created) == 1
    assert all(isinstance(o.error, DomainError) for o in outcomes if o.error)
    assert all("已在党员名册中" in o.error.message for o in outcomes if o.error)
    assert list(members_by_id_number([number]).values()) == created
