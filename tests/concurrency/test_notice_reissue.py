"""Two objections to one quarter's notice accepted at the same moment: each correction posts
one new version, each version built on the one before, and no correction is lost."""

import datetime
import time
from decimal import Decimal

from django.db import transaction

from jifen.cycle import services
from jifen.cycle.models import Notice, Objection, RegisterRow, ScoreCorrection
from tests.concurrency.parallel import Background, run_parallel
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import MemberFactory, UserFactory

DURING = datetime.date(YEAR, 4, 9)


def accept(world, objection, actor):
    """Accept the objection with a correction of March that changes the quarter's score."""
    return services.objection_answer(
        actor=actor,
        objection=objection,
        accept=True,
        answer="经核实，补记积分",
        item=world.item("P02"),
        points=Decimal(2),
        month=3,
    )


def test_two_corrections_at_once_post_one_version_each_and_lose_neither(world):
    other = MemberFactory(branch=world.branch, user=UserFactory(), name="王五")
    notice = Cycle(world).publish()
    objections = [
        services.objection_submit(actor=user, notice=notice, text="三月未计分", today=DURING)
        for user in (world.member_user, other.user)
    ]

    outcomes = run_parallel(
        [
            lambda: accept(world, objections[0], world.secretary),
            lambda: accept(world, objections[1], world.committee_member),
        ]
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


def test_an_objection_made_while_a_correction_posts_a_new_version_goes_to_that_version(world):
    """A member objects to the notice while a correction is posting its next version: the
    objection waits for the quarter's row, then is refused and names the new version. It never
    lands on the version the correction replaced."""
    other = MemberFactory(branch=world.branch, user=UserFactory(), name="王五")
    notice = Cycle(world).publish()
    first = services.objection_submit(
        actor=other.user, notice=notice, text="三月未计分", today=DURING
    )

    def object_to_the_first_version():
        return services.objection_submit(
            actor=world.member_user, notice=notice, text="我也有异议", today=DURING
        )

    with transaction.atomic():
        accept(world, first, world.secretary)
        waiting = Background(object_to_the_first_version)
        time.sleep(1)  # the objection reaches the quarter's row, held until this commits

    outcome = waiting.join()
    assert getattr(outcome.error, "code", None) == "notice_replaced"
    assert "第 2 版" in str(outcome.error) or "version 2" in str(outcome.error)
    assert list(Objection.objects.values_list("member__name", "notice__version")) == [("王五", 1)]
    assert list(Notice.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
