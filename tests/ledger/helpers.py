from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Stage
from tests.conftest import YEAR


def close_months(world, months, stage=Stage.LOCKED, *, year=YEAR, branch=None):
    """Move a branch's months on to `stage` through the archive's own closing steps, as the
    quarter's confirmation and lock and the year's filing do (those have their own tests)."""
    branch = branch or world.branch
    for step in periods.ORDER[1 : periods.ORDER.index(stage) + 1]:
        held = periods.take(branch, year, months)
        behind = {
            m: p
            for m, p in held.items()
            if periods.ORDER.index(p.stage) < periods.ORDER.index(step)
        }
        if behind:
            ledger.periods_close(
                actor=world.secretary,
                branch=branch,
                year=year,
                held=behind,
                stage=step,
                scheme=world.scheme if step == Stage.LOCKED else None,
            )
