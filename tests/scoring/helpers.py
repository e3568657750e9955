from decimal import Decimal

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
