import datetime
import random

from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source, Stage
from jifen.ledger.models import Entry
from jifen.orgs import services as orgs
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory
from tests.scoring.helpers import give, submitted


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


def _declared(world, member, month, points):
    return declarations.declaration_review(
        actor=world.secretary,
        declaration=submitted(world, member, month, points),
        decision=Decision.APPROVE,
    )


def generated_year(world):
    """A year of two branches: declarations, deductions, corrections, a transfer in June, a
    veto and a commendation. Every member has an account; only the first branch declares."""
    rng = random.Random(12)
    members = [
        MemberFactory(branch=world.branch, user=UserFactory(username=f"m{n}")) for n in range(8)
    ]
    members += [
        MemberFactory(branch=world.other_branch, user=UserFactory(username=f"o{n}"))
        for n in range(4)
    ]
    for month in range(1, 13):
        for member in members:
            if member.branch_id == world.branch.pk and rng.random() < 0.5:
                _declared(world, member, month, rng.choice([2, 3, 4, 5]))
            if rng.random() < 0.3:
                give(world, member, month, "D05", rng.choice([1, 2]))
        if month == 6:
            # A transfer in the middle of the year: ranked in the new branch from then on.
            orgs.member_transfer(
                actor=world.admin,
                member=members[0],
                to_branch=world.other_branch,
                on=datetime.date(YEAR, 6, 16),
            )
    for entry in Entry.objects.filter(month__in=[3, 9], category="performance")[:5]:
        ledger.reverse_entry(
            actor=world.secretary, entry=entry, reason="更正", source=Source.APPEAL
        )
    give(world, members[1], 7, "V01", 0)  # a confirmed veto: the year is 0
    give(world, members[2], 5, "C01", 6, level="school")
    return members


def exempt_member(world):
    """A member of the first branch exempt by the roster's reason, with points in three months."""
    member = MemberFactory(
        branch=world.branch, exempt_reason="长期病休", user=UserFactory(username="exempt")
    )
    for month in (1, 5, 9):
        give(world, member, month, "P03", 4)
    return member
