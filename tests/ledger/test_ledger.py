from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from jifen.errors import DomainError, InvalidState
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source, Stage
from jifen.ledger.models import AppendOnlyError, ChainHead, Entry
from jifen.schemes import services as scheme_services
from jifen.scoring.selectors import branch_year_results
from tests.conftest import YEAR, YEAR_END
from tests.ledger.helpers import close_months
from tests.scoring.helpers import give

pytestmark = pytest.mark.usefixtures("ledger_digest")


def test_entries_cannot_be_changed_or_deleted(world):
    entry = give(world, world.member, 1, "P07", 10)
    entry.points = Decimal(30)
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(points=30)
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.get(pk=entry.pk).points == Decimal(10)


def test_deductions_are_negative_and_a_reason_is_required(world):
    assert give(world, world.member, 1, "D03", 3).points == Decimal(-3)
    with pytest.raises(DomainError):
        ledger.append_entry(
            actor=world.secretary,
            member=world.member,
            year=YEAR,
            month=1,
            item=world.item("P07"),
            points=Decimal(5),
            source=Source.COMMITTEE,
            reason="  ",
        )


def test_a_correction_points_at_what_it_corrects_and_only_once(world):
    entry = give(world, world.member, 1, "P07", 10)
    reversal = ledger.reverse_entry(
        actor=world.secretary, entry=entry, reason="重复", source=Source.COMMITTEE
    )
    assert (reversal.reverses, reversal.points) == (entry, Decimal(-10))
    with pytest.raises(InvalidState):
        ledger.reverse_entry(
            actor=world.secretary, entry=entry, reason="again", source=Source.COMMITTEE
        )
    with pytest.raises(InvalidState):
        ledger.reverse_entry(
            actor=world.secretary, entry=reversal, reason="x", source=Source.COMMITTEE
        )


def test_entries_chain_per_member(world):
    first = give(world, world.member, 1, "P07", 10)
    second = give(world, world.member, 2, "P07", 10)
    assert (first.seq, second.seq) == (1, 2)
    assert first.digest != second.digest
    head = ChainHead.objects.get(member=world.member)
    assert (head.seq, head.digest) == (2, second.digest)
    call_command("verify_ledger", stdout=StringIO())


def test_a_locked_month_takes_only_the_parent_organisations_decisions(world):
    close_months(world, [1])
    with pytest.raises(InvalidState) as error:
        give(world, world.member, 1, "P07", 10)
    assert error.value.code == "month_locked"
    entry = ledger.append_entry(
        actor=world.reviewer,
        member=world.member,
        year=YEAR,
        month=1,
        item=world.item("P07"),
        points=Decimal(5),
        source=Source.APPEAL,
        reason="申诉成立",
    )
    assert entry.points == Decimal(5)


def test_a_filed_month_takes_nothing(world):
    close_months(world, [1], Stage.FILED)
    for source in Source.values:
        with pytest.raises(InvalidState) as error:
            ledger.append_entry(
                actor=world.reviewer,
                member=world.member,
                year=YEAR,
                month=1,
                item=world.item("P07"),
                points=Decimal(5),
                source=source,
                reason="备案后",
            )
        assert error.value.code == "year_filed"
    assert not Entry.objects.exists()


def test_months_close_one_stage_at_a_time(world):
    with pytest.raises(InvalidState) as error:
        close_months(world, [1], Stage.CONFIRMED)
        ledger.periods_close(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            held=periods.take(world.branch, YEAR, [1, 2]),
            stage=Stage.LOCKED,
            scheme=world.scheme,
        )
    assert error.value.code == "wrong_stage"
    assert "2" in str(error.value.message)


def test_a_locked_scheme_needs_a_new_version(world):
    close_months(world, [1])
    with pytest.raises(InvalidState) as error:
        scheme_services.scheme_update(
            actor=world.admin, scheme=world.scheme, base_points=Decimal(50)
        )
    assert error.value.code == "scheme_locked"
    version2 = scheme_services.scheme_new_version(actor=world.admin, scheme=world.scheme)
    scheme_services.scheme_update(actor=world.admin, scheme=version2, base_points=Decimal(50))
    result = branch_year_results(world.branch, YEAR, as_of=YEAR_END).for_member(world.member.pk)
    # January keeps the 60 it was locked under; the other months use version 2.
    assert result.months[1].score == Decimal(60)
    assert result.months[2].score == Decimal(50)
    assert version2.items.count() == world.scheme.items.count()
