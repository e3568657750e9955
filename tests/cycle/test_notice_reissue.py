"""An accepted objection or appeal that changes a posted quarter's score posts the quarter's
notice again as a new version; the version it replaces stays as it was."""

import datetime

import pytest

from jifen.audit.models import AuditEvent
from jifen.cycle import selectors, services
from jifen.cycle.models import Notice, RegisterRow, ScoreCorrection
from jifen.errors import NotPermitted
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

DURING = datetime.date(YEAR, 4, 9)


def _object(notice, user, today=DURING):
    return services.objection_submit(
        actor=user, notice=notice, text="三月的志愿服务未计分", today=today
    )


def _accept(world, objection, actor=None):
    return services.objection_answer(
        actor=actor or world.secretary,
        objection=objection,
        accept=True,
        answer="经核实，补记积分",
        item=world.item("P02"),
        points=d(2),
        month=3,
    )


def _row(notice, name):
    return notice.rows.get(member_name=name)


def test_an_accepted_correction_posts_a_new_version_and_keeps_the_old(world, cycle):
    notice = cycle.publish()
    rows_before = list(notice.rows.values_list("member_name", "score", "rank"))
    changed_before = notice.changed_at

    _accept(world, _object(notice, world.member_user))

    notice.refresh_from_db()
    newer = Notice.objects.get(replaces=notice)
    assert newer.version == 2 and notice.newer == newer
    assert selectors.current_notice(notice.quarter) == newer
    # The old version is untouched: same rows, same scores, not saved again.
    assert list(notice.rows.values_list("member_name", "score", "rank")) == rows_before
    assert notice.changed_at == changed_before
    assert _row(notice, "张三").score == d(60)
    assert _row(newer, "张三").score == d("60.7")
    assert (newer.opens_on, newer.closes_on) == (notice.opens_on, notice.closes_on)


def test_the_register_row_takes_the_new_score_and_the_correction_keeps_the_old(world, cycle):
    notice = cycle.publish()
    objection = _accept(world, _object(notice, world.member_user))

    row = RegisterRow.objects.get(member=world.member)
    correction = ScoreCorrection.objects.get()
    assert row.score == d("60.7") and row.month_scores[2] == "62.0"
    assert (correction.old_score, correction.new_score) == (d(60), d("60.7"))
    assert correction.objection == objection and correction.notice.version == 2
    today = correction.corrected_on.isoformat()
    assert correction.note == f"经异议更正：原 60.0 分，现 60.7 分（{today}）"
    assert selectors.register_notes(notice.quarter) == {world.member.pk: [correction]}


def test_the_reissue_is_audited(world, cycle):
    notice = cycle.publish()
    _accept(world, _object(notice, world.member_user))

    event = AuditEvent.objects.get(action="cycle.notice.reissued")
    assert event.data["version"] == 2
    assert event.data["corrected"] == [
        {"member": world.member.pk, "before": "60.0", "after": "60.7"}
    ]


def test_a_rejected_objection_posts_no_new_version(world, cycle):
    notice = cycle.publish()
    services.objection_answer(
        actor=world.secretary,
        objection=_object(notice, world.member_user),
        accept=False,
        answer="依据不足",
    )
    assert Notice.objects.count() == 1
    assert not ScoreCorrection.objects.exists()


def test_each_correction_replaces_the_version_before(world, cycle):
    other_user = UserFactory()
    MemberFactory(branch=world.branch, user=other_user, name="王五")
    notice = cycle.publish()
    first, second = _object(notice, world.member_user), _object(notice, other_user)

    _accept(world, first)
    _accept(world, second)

    v1, v2, v3 = Notice.objects.order_by("version")
    assert (v1.newer, v2.newer, v3.newer) == (v2, v3, None)
    assert (_row(v3, "张三").score, _row(v3, "王五").score) == (d("60.7"), d("60.7"))
    assert _row(v2, "王五").score == d(60)
    assert ScoreCorrection.objects.count() == 2


def test_the_quarter_waits_for_objections_to_every_version(world, cycle):
    other_user = UserFactory()
    MemberFactory(branch=world.branch, user=other_user, name="王五")
    notice = cycle.publish()
    _object(notice, other_user)
    _accept(world, _object(notice, world.member_user))

    with pytest.raises(services.InvalidState) as error:
        services.quarter_lock(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=1,
            today=notice.closes_on + datetime.timedelta(days=1),
        )
    assert error.value.code == "objection_open"


def test_an_outsider_cannot_answer_and_nothing_is_posted(world, cycle):
    notice = cycle.publish()
    objection = _object(notice, world.member_user)
    with pytest.raises(NotPermitted):
        _accept(world, objection, actor=world.outsider)
    assert Notice.objects.count() == 1
    assert RegisterRow.objects.get(member=world.member).score == d(60)


def test_the_member_objects_to_the_current_version(world, cycle):
    notice = cycle.publish()
    _accept(world, _object(notice, world.member_user))
    assert list(selectors.notices_open_to(world.member, DURING)) == [Notice.objects.get(version=2)]


def test_an_appeal_accepted_after_the_lock_posts_a_new_version_too(world, cycle):
    notice = cycle.lock().notices.get()
    appeal = _object(notice, world.member_user, today=notice.closes_on + datetime.timedelta(1))

    _accept(world, appeal, actor=world.reviewer)

    newer = Notice.objects.get(replaces=notice)
    assert _row(newer, "张三").score == d("60.7")
    assert ScoreCorrection.objects.get().note.startswith("经申诉更正：原 60.0 分，现 60.7 分")
