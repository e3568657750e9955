import datetime
from decimal import Decimal

from jifen.declarations import services as declarations
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.schemes.enums import ItemCategory

_SOURCE = {
    ItemCategory.COMMENDATION: Source.COMMENDATION,
    ItemCategory.VETO: Source.VETO,
}


def give(world, member, month, code, points, *, level=None, year=2026):
    """Append an entry as the services would after approval (the approval paths have their own
    tests in tests/declarations)."""
    item = world.item(code)
    return ledger.append_entry(
        actor=world.secretary,
        member=member,
        year=year,
        month=month,
        item=item,
        points=Decimal(str(points)),
        source=_SOURCE.get(item.category, Source.COMMITTEE),
        reason="测试",
        commendation_level=world.level(level) if level else None,
    )


def submitted(world, member, month, points, *, year=2026):
    """A declaration of P03 the member submits in time for `month`, waiting for review."""
    return declarations.declaration_submit(
        actor=member.user,
        member=member,
        year=year,
        month=month,
        item=world.item("P03"),
        points=Decimal(points),
        description="完成支部交办的任务",
        today=datetime.date(year, month, 20),
    )
