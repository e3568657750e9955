"""The headers and rows of each export, as plain values; the renderers turn them into files."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.exchange.importers import ROSTER_COLUMNS
from jifen.exchange.selectors import Period, RegisterLine
from jifen.orgs.names import person_name


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def roster_header() -> list[str]:
    # The import template's columns (of active members), so that an admin's export can be
    # edited and imported again.
    return [str(c.label) for c in ROSTER_COLUMNS]


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
            person_name(e.recorded_by),
            e.recorded_at.astimezone().replace(tzinfo=None, microsecond=0),
        ]


def _month(month: int) -> str:
    return _("Month %(month)d") % {"month": month}


def _quarter(number: int) -> str:
    return _("Quarter %(q)d") % {"q": number}


def register_member_header() -> list[str]:
    return [_("Period"), _("Score"), _("Rank")]


def register_member_rows(line: RegisterLine, period: Period):
    for number in period.quarters:
        if number not in line.quarters:
            continue
        for month in range(number * 3 - 2, number * 3 + 1):
            yield [_month(month), line.months.get(month), None]
        yield [_quarter(number), *line.quarters[number]]
    if not period.quarter:
        yield [_("Year score"), line.score, line.rank]
    if line.exempt_reason:
        yield [_("Exempt from scoring"), line.exempt_reason, None]
    for note in line.notes:
        yield [_("Note"), note, None]


def register_table_header(period: Period) -> list[str]:
    months = [_month(m) for m in period.months]
    quarters = [_quarter(q) for q in period.quarters] if not period.quarter else []
    return [_("Name"), *months, *quarters, _("Score"), _("Rank"), _("Note")]


def register_table_rows(lines: list[RegisterLine], period: Period):
    for line in lines:
        months = [line.months.get(m) for m in period.months]
        quarters = (
            [line.quarters.get(q, (None, None))[0] for q in period.quarters]
            if not period.quarter
            else []
        )
        note = "；".join(filter(None, [line.exempt_reason, *line.notes]))
        yield [line.member.name, *months, *quarters, line.score, line.rank, note]


def notice_header() -> list[str]:
    return [_("Rank"), _("Name"), _("Branch"), _("Score")]


def notice_rows(notice):
    for row in notice.rows.all():
        yield [row.rank, row.member_name, row.branch_name, row.score]


def year_report_header() -> list[str]:
    return [
        _("Rank"),
        _("Name"),
        _("Year score"),
        _("Suggested grade"),
        _("For the meeting to decide"),
        _("Final grade"),
        _("Reason for the final grade"),
        _("Award candidate"),
        _("At the bottom of the ranking"),
        _("Admonition talk"),
        _("Veto"),
        _("Exempt from scoring"),
    ]


def year_report_rows(grades, admonitions: dict):
    for grade in grades:
        admonition = admonitions.get(grade.member_id)
        yield [
            grade.rank,
            grade.member.name,
            grade.score,
            grade.suggested_grade_name,
            _yes(grade.flagged),
            grade.final_grade_name,
            grade.reason,
            _yes(grade.award_candidate),
            _yes(grade.bottom_ranked),
            _admonition(admonition),
            _yes(grade.vetoed),
            grade.exempt_reason,
        ]


def _admonition(admonition) -> str:
    if admonition is None:
        return ""
    return _("held %(on)s, improve by %(by)s") % {
        "on": admonition.talked_on.isoformat(),
        "by": admonition.deadline.isoformat(),
    }


# The record book of organisational life (台账), from jifen.activities.selectors.record_book.


def _met(check) -> str:
    if check.met is None:
        return _("not yet")
    return _("met") if check.met else _("not met")


def frequency_header() -> list[str]:
    return [_("Kind"), _("Held by"), _("Required"), _("Period"), _("Held"), _("Met")]


def frequency_rows(requirements):
    for requirement in requirements:
        for check in requirement.checks:
            yield [
                requirement.kind.name,
                requirement.holder.name,
                requirement.kind.get_required_frequency_display(),
                check.label,
                check.held,
                _met(check),
            ]


def book_activity_header() -> list[str]:
    return [
        _("Date"),
        _("Kind"),
        _("Held by"),
        _("Title"),
        _("Place"),
        _("Expected"),
        _("Attended"),
        _("On leave"),
        _("Absent"),
        _("Attendance rate (%)"),
        _("Members on leave"),
        _("Members absent without leave"),
        _("Minutes"),
    ]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def book_activity_rows(book):
    for entry in book.entries:
        activity, tally = entry.activity, entry.tally
        yield [
            _local(activity.starts_at),
            activity.kind.name,
            activity.organisation.name,
            activity.title,
            activity.place,
            tally.expected,
            tally.attended,
            tally.leave,
            tally.absent,
            tally.rate,
            "、".join(entry.leave),
            "、".join(entry.absent),
            activity.minutes,
        ]


def member_attendance_header() -> list[str]:
    return [
        _("Name"),
        _("Expected"),
        _("Attended"),
        _("On leave"),
        _("Absent"),
        _("Attendance rate (%)"),
    ]


def member_attendance_rows(book):
    for line in [*book.members, None]:
        name, tally = (line.member.name, line.tally) if line else (_("Branch"), book.tally)
        yield [name, tally.expected, tally.attended, tally.leave, tally.absent, tally.rate]


def _naive(moment):
    """A moment as the spreadsheet shows it: local time, to the second."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def audit_header() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("Action"),
        _("Organisation"),
        _("Object"),
        _("Details"),
        _("Address"),
    ]


def audit_rows(events):
    for e in events.iterator(chunk_size=1000):
        yield [
            _naive(e.at),
            e.actor_name,
            e.action,
            e.organisation.name if e.organisation else "",
            f"{e.object_type}#{e.object_id}" if e.object_type else "",
            e.data_text,
            e.client_address or "",
        ]


def access_header() -> list[str]:
    return [
        _("When"),
        _("Seen by"),
        _("Whose"),
        _("Branch"),
        _("What"),
        _("Where"),
        _("Page or file"),
        _("Address"),
    ]


def access_rows(records):
    for r in records.iterator(chunk_size=1000):
        yield [
            _naive(r.at),
            r.viewer_name,
            r.member_name,
            r.organisation.name if r.organisation else "",
            r.field_labels,
            r.get_channel_display(),
            r.place,
            r.client_address or "",
        ]
