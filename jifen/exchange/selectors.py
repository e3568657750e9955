"""Reads behind the exports. Callers pass objects they have already scoped to the user."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jifen.ledger.models import Entry
from jifen.orgs.enums import MemberState
from jifen.orgs.models import Member, Organisation
from jifen.scoring import rules as scoring_rules
from jifen.scoring.selectors import MemberYear, branch_year_results


@dataclass(frozen=True)
class Period:
    """A quarter (1–4) of a year, or the whole year (quarter 0)."""

    year: int
    quarter: int

    @property
    def months(self) -> range:
        if self.quarter:
            return range(self.quarter * 3 - 2, self.quarter * 3 + 1)
        return range(1, 13)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}
        return _("Year %(year)d") % {"year": self.year}


@dataclass
class RegisterResult:
    """A member's line of the register for a period: the year computation, plus the period's
    score and rank (for the year, the year score and rank)."""

    year: MemberYear
    score: object
    rank: int | None

    @property
    def member(self) -> Member:
        return self.year.member


def roster_members(branch: Organisation) -> QuerySet[Member]:
    return (
        Member.objects.filter(branch=branch, state=MemberState.ACTIVE)
        .select_related("branch")
        .order_by("name", "pk")
    )


def ledger_entries(*, member, branch, year: int, month=None, category=None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(year=year)
    entries = entries.filter(member=member) if member else entries.filter(branch=branch)
    if month:
        entries = entries.filter(month=int(month))
    if category:
        entries = entries.filter(category=category)
    return entries.select_related("member", "item", "recorded_by").order_by(
        "member__name", "member_id", "month", "seq"
    )


def register_results(branch: Organisation, period: Period) -> list[RegisterResult]:
    """Every member's line for the period, ranked within the branch (ties share a rank)."""
    members = branch_year_results(branch, period.year).members
    if not period.quarter:
        return [RegisterResult(m, m.score, m.rank) for m in members]
    scores = {
        m.member.pk: m.period_score(period.months)
        for m in members
        if not m.exempt and m.period_score(period.months) is not None
    }
    ranks = scoring_rules.competition_ranks(scores)
    results = [RegisterResult(m, scores.get(m.member.pk), ranks.get(m.member.pk)) for m in members]
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, r.member.name))
