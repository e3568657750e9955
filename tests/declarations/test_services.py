import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from jifen.audit.models import AuditEvent
from jifen.declarations import services
from jifen.declarations.enums import Decision, DeclarationStatus, VetoStatus
from jifen.errors import DomainError, InvalidState, LimitExceeded, NotPermitted
from jifen.ledger.models import Entry
from jifen.scoring.selectors import branch_year_results
from tests.conftest import YEAR, YEAR_END
from tests.scoring.helpers import give

D = Decimal


def declare(world, code, points, month=3, *, today=None, **extra):
    extra.setdefault("evidence", "证明.pdf")
    return services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=month,
        item=world.item(code),
        points=None if points is None else D(points),
        description="参加社区志愿服务",
        today=today or datetime.date(YEAR, month, 20),
        **extra,
    )


def score(world):
    return branch_year_results(world.branch, YEAR, as_of=YEAR_END).for_member(world.member.pk).score


def test_approved_declaration_becomes_an_entry(world):
    declaration = declare(world, "P02", 2)
    services.declaration_review(
        actor=world.committee_member, declaration=declaration, decision=Decision.APPROVE
    )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    assert declaration.entry.points == D(2)
    assert AuditEvent.objects.filter(action="declarations.declaration.reviewed").exists()


def test_adjust_and_reject_need_a_reason(world):
    declaration = declare(world, "P03", 5)
    for decision in (Decision.ADJUST, Decision.REJECT):
        with pytest.raises(DomainError) as error:
            services.declaration_review(
                actor=world.secretary, declaration=declaration, decision=decision, points=D(3)
            )
        assert error.value.code == "reason_required"
    services.declaration_review(
        actor=world.secretary,
        declaration=declaration,
        decision=Decision.ADJUST,
        points=D(3),
        reason="任务完成一半",
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.entry.points) == (DeclarationStatus.ADJUSTED, D(3))


def test_a_decision_cannot_be_taken_twice(world):
    declaration = declare(world, "P03", 5)
    services.declaration_review(
        actor=world.secretary, declaration=declaration, decision=Decision.APPROVE
    )
    with pytest.raises(InvalidState):
        services.declaration_review(
            actor=world.committee_member, declaration=declaration, decision=Decision.APPROVE
        )
    assert Entry.objects.count() == 1


def test_nobody_reviews_their_own_declaration(world):
    world.member.user = world.committee_member
    world.member.save()
    declaration = services.declaration_submit(
        actor=world.committee_member,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P03"),
        points=D(2),
        description="x",
        today=datetime.date(YEAR, 3, 2),
    )
    with pytest.raises(NotPermitted):
        services.declaration_review(
            actor=world.committee_member, declaration=declaration, decision=Decision.APPROVE
        )


def test_other_branches_and_members_are_refused(world):
    declaration = declare(world, "P03", 2)
    for actor in (world.outsider, world.member_user, world.reviewer):
        with pytest.raises(NotPermitted):
            services.declaration_review(
                actor=actor, declaration=declaration, decision=Decision.APPROVE
            )
    with pytest.raises(NotPermitted):
        services.declaration_submit(
            actor=world.outsider,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=D(2),
            description="x",
            today=datetime.date(YEAR, 3, 2),
        )
    with pytest.raises(NotPermitted):
        services.committee_record(
            actor=world.outsider,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("D01"),
            points=D(2),
            reason="缺席",
        )


def test_frequency_is_enforced_with_a_clear_message(world):
    declare(world, "P06", 3)
    with pytest.raises(LimitExceeded) as error, translation.override("en"):
        declare(world, "P06", 3)
    assert error.value.code == "frequency_exceeded"
    assert "Once a month" in str(error.value.message)
    declare(world, "P06", 3, month=4)  # next month is fine
    declare(world, "P04", 3, month=4)
    with pytest.raises(LimitExceeded):
        declare(world, "P04", 3, month=5)  # once a quarter: April and May share Q2


def test_annual_cap_is_enforced_with_what_is_left(world):
    for month in range(1, 13):  # P01 is capped at 24 points a year
        if month <= 8:
            give(world, world.member, month, "P01", 3)
    with pytest.raises(LimitExceeded) as error, translation.override("en"):
        declare(world, "P01", 1, month=9)
    assert error.value.code == "annual_cap_exceeded"
    assert "at most 0 more" in str(error.value.message)


def test_pending_declarations_count_towards_the_cap(world):
    for month in range(1, 7):  # P02: 2 points, capped at 40 a year, no frequency limit
        give(world, world.member, month, "P02", 2)
        give(world, world.member, month, "P02", 2)
        give(world, world.member, month, "P02", 2)
    declare(world, "P02", 2, month=7)  # 36 given + 2 pending
    declare(world, "P02", 2, month=8)  # + 2 pending reach the cap of 40
    with pytest.raises(LimitExceeded):
        declare(world, "P02", 2, month=8)


def test_a_closed_month_is_refused(world):
    declare(world, "P03", 2, month=3, today=datetime.date(YEAR, 4, 5))  # the 5th is still open
    with pytest.raises(InvalidState) as error:
        declare(world, "P03", 2, month=3, today=datetime.date(YEAR, 4, 6))
    assert error.value.code == "month_closed"
    with pytest.raises(InvalidState):
        declare(world, "P03", 2, month=5, today=datetime.date(YEAR, 4, 20))  # not yet open


def test_points_outside_the_items_range_and_missing_evidence(world):
    with pytest.raises(DomainError) as error:
        declare(world, "P03", 9)
    assert error.value.code == "points_out_of_range"
    with pytest.raises(DomainError) as error:
        declare(world, "P01", 2, evidence="")
    assert error.value.code == "evidence_required"
    with pytest.raises(DomainError):
        declare(world, "D01", 2)  # deductions are recorded by the branch, not declared


def test_commendation_goes_member_branch_parent(world):
    declaration = declare(world, "C01", None, commendation_level=world.level("provincial"))
    assert declaration.points == D(12)
    services.declaration_review(
        actor=world.secretary, declaration=declaration, decision=Decision.APPROVE
    )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.FORWARDED
    assert score(world) == D(60)  # not yet: the parent organisation reviews first
    with pytest.raises(NotPermitted):
        services.declaration_parent_review(
            actor=world.secretary, declaration=declaration, approve=True
        )
    services.declaration_parent_review(actor=world.reviewer, declaration=declaration, approve=True)
    assert score(world) == D(72)


def test_returned_commendation_needs_a_reason(world):
    declaration = declare(world, "C01", None, commendation_level=world.level("school"))
    services.declaration_review(
        actor=world.secretary, declaration=declaration, decision=Decision.APPROVE
    )
    with pytest.raises(DomainError):
        services.declaration_parent_review(
            actor=world.reviewer, declaration=declaration, approve=False
        )
    services.declaration_parent_review(
        actor=world.reviewer, declaration=declaration, approve=False, reason="级别认定有误"
    )
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.REJECTED


def test_committee_records_a_deduction(world):
    entry = services.committee_record(
        actor=world.committee_member,
        member=world.member,
        year=YEAR,
        month=2,
        item=world.item("D01"),
        points=D(2),
        reason="无故缺席支部大会",
    )
    assert entry.points == D(-2)


def test_veto_is_proposed_by_the_branch_and_confirmed_by_the_parent(world):
    give(world, world.member, 1, "P07", 20)
    proposal = services.veto_propose(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=4,
        item=world.item("V01"),
        reason="受到党内警告处分",
        evidence="处分决定.pdf",
    )
    assert score(world) > 0
    with pytest.raises(NotPermitted):
        services.veto_decide(actor=world.secretary, proposal=proposal, confirm=True, reason="x")
    services.veto_decide(actor=world.reviewer, proposal=proposal, confirm=True, reason="经核实")
    proposal.refresh_from_db()
    assert proposal.status == VetoStatus.CONFIRMED
    assert score(world) == D(0)
    with pytest.raises(InvalidState):
        services.veto_decide(actor=world.reviewer, proposal=proposal, confirm=False, reason="x")


def test_withdraw_only_own_and_only_before_review(world):
    declaration = declare(world, "P03", 2)
    with pytest.raises(NotPermitted):
        services.declaration_withdraw(actor=world.secretary, declaration=declaration)
    services.declaration_withdraw(actor=world.member_user, declaration=declaration)
    with pytest.raises(InvalidState):
        services.declaration_withdraw(actor=world.member_user, declaration=declaration)


def test_a_description_over_the_limit_is_refused(world):
    with pytest.raises(DomainError) as error:
        services.declaration_submit(
            actor=world.member_user,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=D(2),
            description="学" * 2001,
            today=datetime.date(YEAR, 3, 20),
        )
    assert error.value.code == "description_too_long"
    assert "2000" in str(error.value.message)
