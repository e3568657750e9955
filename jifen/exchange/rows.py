"""The headers and rows of each export, as plain values; the renderers turn them into files."""

from django.utils.translation import gettext as _

from jifen.exchange.importers import ROSTER_COLUMNS
from jifen.exchange.selectors import Period, RegisterResult
from jifen.schemes.enums import RankRule


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def roster_header() -> list[str]:
    # The import template's headers, so that an admin's export can be edited and re-imported.
    return [str(c.label) for c in ROSTER_COLUMNS] + [_("State")]


def roster_rows(members, unmasked: bool):
    for m in members.iterator(chunk_size=1000):
        yield [
            m.name,
            m.get_gender_display(),
            m.ethnicity,
            m.birth_date,
            m.id_number if unmasked else m.id_number_masked,
            m.education,
            m.join_date,
            m.get_party_status_display(),
            m.get_category_display(),
            m.branch.name,
            m.party_post,
            m.phone if unmasked else m.phone_masked,
            m.get_state_display(),
        ]


def ledger_header() -> list[str]:
    return [
        _("Member"),
        _("Month"),
        _("Code"),
        _("Item"),
        _("Category"),
        _("Points"),
        _("Source"),
        _("Reason"),
        _("Evidence"),
        _("Recorded by"),
        _("Recorded at"),
    ]


def ledger_rows(entries):
    for e in entries.iterator(chunk_size=1000):
        yield [
            e.member.name,
            e.month,
            e.item.code,
            e.item.name,
            e.get_category_display(),
            e.points,
            e.get_source_display(),
            e.reason,
            e.evidence,
            e.recorded_by.get_username() if e.recorded_by else "",
            e.recorded_at.astimezone().replace(tzinfo=None, microsecond=0),
        ]


def register_member_header() -> list[str]:
    return [_("Month"), _("Base score"), _("Performance"), _("Deductions"), _("Month score")]


def register_member_rows(result: RegisterResult, period: Period):
    year = result.year
    for month in period.months:
        score = year.months.get(month)
        if score is None:
            yield [
                _("Month %(month)d") % {"month": month},
                _("not in a scoring branch"),
                "",
                "",
                "",
            ]
            continue
        yield [
            _("Month %(month)d") % {"month": month},
            score.base,
            score.performance_counted,
            score.deductions,
            score.score,
        ]
    yield from _register_summary(result, period)


def _register_summary(result: RegisterResult, period: Period):
    year = result.year
    if year.exempt:
        yield [_("Exempt from scoring"), year.exempt_reason, "", "", ""]
        return
    label = _("Year score") if not period.quarter else _("Quarter score (average)")
    if not period.quarter:
        yield [_("Commendation bonus"), "", "", "", year.commendation]
    if year.vetoed:
        yield [_("Veto"), _("yes"), "", "", ""]
    yield [label, "", "", "", result.score]
    yield [_("Rank in the branch"), "", "", "", result.rank]


def register_table_header(period: Period) -> list[str]:
    months = [_("Month %(month)d") % {"month": m} for m in period.months]
    return [_("Name"), *months, _("Score"), _("Rank"), _("Note")]


def register_table_rows(results: list[RegisterResult], period: Period):
    for result in results:
        year = result.year
        months = [year.months[m].score if m in year.months else "" for m in period.months]
        note = year.exempt_reason or (_("Veto") if year.vetoed else "")
        yield [result.member.name, *months, result.score, result.rank, note]


def notice_header() -> list[str]:
    return [_("Rank"), _("Name"), _("Branch"), _("Score")]


def notice_rows(results: list[RegisterResult], branch):
    for result in results:
        if result.score is not None:
            yield [result.rank, result.member.name, branch.name, result.score]


def year_report_header() -> list[str]:
    return [
        _("Rank"),
        _("Name"),
        _("Year score"),
        _("Commendation bonus"),
        _("Suggested grade"),
        _("For the meeting to decide"),
        _("Award candidate"),
        _("Veto"),
        _("Exempt from scoring"),
    ]


def year_report_rows(results: list[RegisterResult]):
    for result in results:
        year = result.year
        grade = year.grade
        yield [
            result.rank,
            result.member.name,
            result.score,
            year.commendation if result.score is not None else "",
            grade.name if grade else "",
            _yes(year.grade_flagged),
            _yes(_award_candidate(year)),
            _yes(year.vetoed),
            year.exempt_reason,
        ]


def _award_candidate(year) -> bool:
    """reading.md: the top of the ranking is listed for awards: holders of a grade that needs a
    place in the top share, unless a veto or an unmet rank condition holds them back."""
    grade = year.grade
    return bool(
        grade and grade.rank_rule == RankRule.TOP and not year.grade_flagged and not year.vetoed
    )
