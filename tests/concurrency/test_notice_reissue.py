"""Two objections to one quarter's notice accepted at the same moment: each correction posts
one new version, each version built on the one before, and no correction is lost."""

import datetime
from decimal import Decimal

from jifen.cycle import services
from jifen.cycle.models import Notice, RegisterRow, ScoreCorrection
from tests.concurrency.parallel import run_parallel
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import MemberFactory, UserFactory

DURING = datetime.date(YEAR, 4, 9)


def test_two_corrections_at_once_post_one_version_each_and_lose_neither(world):
    other = MemberFactory(branch=world.branch, user=UserFactory(), name="王五")
    notice = Cycle(world).publish()
    objections = [
        services.objection_submit(actor=user, notice=notice, text="三月未计分", today=DURING)
        for user in (world.member_user, other.user)
    ]

    def accept(objection, actor):
        return lambda: services.objection_answer(
            actor=actor,
            objection=objection,
            accept=True,
            answer="经核实，补记积分",
            item=world.item("P02"),
            points=Decimal(2),
            month=3,
        )

    outcomes = run_parallel(
        [accept(objections[0], world.secretary), accept(objections[1], world.committee_member)]
    )

    assert [o.error for o in outcomes] == [None, None]
    versions = list(Notice.objects.order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert [v.replaces_id for v in versions] == [None, versions[0].pk, versions[1].pk]
    current = versions[2]
    assert {r.member_name: r.score for r in current.rows.all()} == {
        "张三": Decimal("60.7"),
        "王五": Decimal("60.7"),
    }
    corrections = ScoreCorrection.objects.order_by("notice__version")
    assert [(c.notice.version, c.old_score) for c in corrections] == [
        (2, Decimal(60)),
        (3, Decimal(60)),
    ]
    assert {c.member_id for c in corrections} == {world.member.pk, other.pk}
    assert set(RegisterRow.objects.values_list("score", flat=True)) == {Decimal("60.7")}
