"""Members for the benchmarks, inserted in bulk: the roster services check each row, which at
ten thousand members would time the setup rather than what is measured."""

import datetime


def id_number_base(prefix: int, n: int, born: str) -> str:
    """The first 17 digits of an ID number, distinct for each (prefix, n) with n below a million:
    the region code and sequence number vary, the date of birth (YYYYMMDD) is `born`."""
    return f"{100000 + prefix * 1000 + n // 1000:06d}{born}{n % 1000:03d}"


def bulk_members(branch, count: int, prefix: int, first: int = 0) -> list:
    """`count` members placed in `branch` since 2000, numbered from `first`, with valid ID
    numbers unique per prefix and number."""
    from jifen.orgs.models import Member, Placement
    from jifen.orgs.validators import id_number_check_code

    rows = []
    for n in range(first, first + count):
        first17 = id_number_base(prefix, n, "19800101")
        rows.append(
            Member(
                name=f"党员{prefix}-{n:04d}",
                gender="male",
                branch=branch,
                id_number=first17 + id_number_check_code(first17),
                join_date=datetime.date(2000, 7, 1),
            )
        )
    members = Member.objects.bulk_create(rows, batch_size=2000)
    Placement.objects.bulk_create(
        [Placement(member=m, branch=branch, start=m.join_date) for m in members], batch_size=2000
    )
    return members
