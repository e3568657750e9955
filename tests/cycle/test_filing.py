"""A filed year is final: nothing changes its scores until the parent organisation withdraws
the filing with a written reason, after which the year is computed, submitted and filed again
and both filings stay on record. Filing itself waits for whatever could still change the year."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from jifen.audit.models import AuditEvent
from jifen.cycle import selectors, services
from jifen.cycle.enums import YearState
from jifen.cycle.models import Notice, YearFiling
from jifen.declarations import services as declarations
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import AnchorKind, Source, Stage
from jifen.ledger.models import Entry
from tests.conftest import YEAR
from tests.cycle.conftest import FILING_DAY, MEETINGS, compute, finalise_all, propose_veto
from tests.factories import d

Q4_NOTICE = MEETINGS[4]


def _submitted(world):
    result = compute(world)
    finalise_all(world, result)
    return services.year_submit(actor=world.secretary, year_result=result)


def _file(world, result, today=FILING_DAY):
    return services.year_review(actor=world.reviewer, year_result=result, approve=True, today=today)


@pytest.fixture
def filed(year_world):
    return _file(year_world, _submitted(year_world))


def test_filing_closes_every_month_and_anchors_the_archive(year_world, filed):
    assert set(periods.stages(year_world.branch, YEAR).values()) == {Stage.FILED}
    filing = YearFiling.objects.get()
    assert (filing.filed_by, filing.withdrawn_at) == (year_world.reviewer, None)
    assert filing.anchor.kind == AnchorKind.YEAR_FILED
    assert len(filing.anchor.heads) == filed.grades.count()
    call_command("verify_ledger", stdout=StringIO())


def test_after_filing_nothing_changes_the_years_scores(year_world, filed):
    world = year_world
    member = world.member
    with pytest.raises(InvalidState) as error:
        propose_veto(world, member)
    assert error.value.code == "year_filed"
    with pytest.raises(InvalidState) as error:
        ledger.append_entry(
            actor=world.reviewer,
            member=member,
            year=YEAR,
            month=12,
            item=world.item("P03"),
            points=d(2),
            source=Source.APPEAL,
            reason="申诉成立",
        )
    assert error.value.code == "year_filed"
    # A year notice posted after the filing takes no objection.
    notice = services.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=None, today=FILING_DAY
    )
    with pytest.raises(InvalidState) as error:
        services.objection_submit(
            actor=world.member_user, notice=notice, text="年度分数有误", today=FILING_DAY
        )
    assert error.value.code == "year_filed"
    assert not Entry.objects.filter(source=Source.APPEAL).exists()


def test_the_year_is_filed_only_after_every_appeal_period(year_world):
    result = _submitted(year_world)
    q4 = Notice.objects.get(quarter__number=4)
    with pytest.raises(InvalidState) as error:
        _file(year_world, result, today=q4.appeals_close_on)
    assert error.value.code == "appeals_open"
    assert str(q4.appeals_close_on) in str(error.value.message)
    _file(year_world, result, today=q4.appeals_close_on + datetime.timedelta(days=1))


def test_the_year_waits_for_open_appeals_and_waiting_decisions(year_world):
    world = year_world
    q4 = Notice.objects.get(quarter__number=4)
    appeal = services.objection_submit(
        actor=world.member_user, notice=q4, text="十二月漏记", today=q4.appeals_close_on
    )
    result = _submitted(world)
    with pytest.raises(InvalidState) as error:
        _file(world, result)
    assert error.value.code == "objection_open"
    services.objection_answer(actor=world.reviewer, objection=appeal, accept=False, answer="无误")
    propose_veto(world, world.member)
    with pytest.raises(InvalidState) as error:
        _file(world, result)
    assert error.value.code == "decisions_waiting"


def test_an_appeal_decided_after_the_computation_makes_it_outdated(year_world):
    world = year_world
    q4 = Notice.objects.get(quarter__number=4)
    result = compute(world)
    finalise_all(world, result)
    appeal = services.objection_submit(
        actor=world.member_user, notice=q4, text="十二月漏记", today=q4.appeals_close_on
    )
    services.objection_answer(
        actor=world.reviewer,
        objection=appeal,
        accept=True,
        answer="补记",
        item=world.item("P03"),
        points=d(2),
        month=12,
    )
    with pytest.raises(InvalidState) as error:
        services.year_submit(actor=world.secretary, year_result=result)
    assert error.value.code == "year_outdated"
    result = compute(world)
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    assert _file(world, result).state == YearState.FILED


def test_withdrawing_a_filing_needs_the_parent_and_a_reason(year_world, filed):
    for actor in (year_world.secretary, year_world.outsider):
        with pytest.raises(NotPermitted):
            services.year_filing_withdraw(actor=actor, year_result=filed, reason="有误")
    with pytest.raises(DomainError) as error:
        services.year_filing_withdraw(actor=year_world.reviewer, year_result=filed, reason=" ")
    assert error.value.code == "reason_required"
    assert YearFiling.objects.get().withdrawn_at is None


def test_a_withdrawn_filing_sends_the_year_round_again_and_stays_on_record(year_world, filed):
    world = year_world
    returned = services.year_filing_withdraw(
        actor=world.reviewer, year_result=filed, reason="王五的处分漏报"
    )
    assert (returned.state, returned.review_reason) == (YearState.RETURNED, "王五的处分漏报")
    assert set(periods.stages(world.branch, YEAR).values()) == {Stage.LOCKED}
    assert AuditEvent.objects.filter(action="cycle.year.filing_withdrawn").count() == 1
    with pytest.raises(InvalidState):
        services.year_filing_withdraw(actor=world.reviewer, year_result=returned, reason="再撤")

    # The parent's decisions take again: the missed veto is proposed and confirmed.
    docked = next(g.member for g in filed.grades.all() if g.member.name == "王五")
    veto = propose_veto(world, docked)
    declarations.veto_decide(actor=world.reviewer, proposal=veto, confirm=True, reason="属实")
    with pytest.raises(InvalidState) as error:
        services.year_submit(actor=world.secretary, year_result=returned)
    assert error.value.code == "year_outdated"

    refiled = _file(world, _submitted(world))

    assert refiled.state == YearState.FILED
    scores = {g.member.name: g.score for g in refiled.grades.all()}
    assert scores["王五"] == 0
    first, second = selectors.year_filings(refiled)
    assert (first.withdrawal_reason, second.withdrawn_at) == ("王五的处分漏报", None)
    assert first.anchor != second.anchor
    call_command("verify_ledger", stdout=StringIO())
