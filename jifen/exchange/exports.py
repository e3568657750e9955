"""One export mechanism for everything, as pretix's ListExporter: a source yields sheets (a
title, a header and rows); `render` writes them as .xlsx, .csv or, for documents, PDF through
an HTML template and WeasyPrint. Sources check the user's rights when they are built, in the
request and again in the worker."""

import abc
import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from jifen.activities.selectors import record_book
from jifen.audit import selectors as audit_selectors
from jifen.audit.models import FULL_VALUES, Channel
from jifen.audit.services import record_access
from jifen.errors import DomainError, NotPermitted
from jifen.exchange import conf, pdf, printing, rows, selectors
from jifen.exchange.cells import clean, printable
from jifen.exchange.enums import Format, Layout
from jifen.orgs import rules
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Member, Organisation

_PROGRESS_EVERY = 200
# A PDF row costs WeasyPrint about as much as this many spreadsheet rows.
_PDF_WEIGHT = 20


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable[list]
    caption: str = ""
    footer: list[str] = field(default_factory=list)  # lines under the table


class Source(abc.ABC):
    """A row source; subclasses name their formats and, for PDF, their template."""

    name = ""
    verbose_name = ""
    formats: tuple[str, ...] = (Format.XLSX, Format.CSV)
    template = ""
    signatures = False

    def __init__(self, actor, params: dict):
        self.actor, self.params = actor, params
        self.year = int(params.get("year") or timezone.localdate().year)

    def title(self) -> str:
        return str(self.verbose_name)

    @abc.abstractmethod
    def size(self) -> int:
        """Rows to write, known before writing: it decides whether the worker runs the export."""

    @abc.abstractmethod
    def sheets(self) -> Iterator[Sheet]:
        """The sheets in order; rows may be generated lazily."""


def _branch(actor, params: dict) -> Organisation:
    branch = rules.visible_organisations(actor).filter(pk=params.get("branch")).first()
    if branch is None:
        raise NotPermitted()
    return branch


def _member(actor, params: dict) -> Member:
    member = (
        rules.visible_members(actor).select_related("branch").filter(pk=params.get("member"))
    ).first()
    if member is None:
        raise NotPermitted()
    return member


class RosterSource(Source):
    name = "roster"
    verbose_name = gettext_lazy("Roster")

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.branch = _branch(actor, params)
        # ID numbers and phones are personal data: only admins of the branch read them in full.
        self.unmasked = rules.can_administer(actor, self.branch)

    def title(self) -> str:
        return _("Roster of %(branch)s") % {"branch": self.branch.name}

    def size(self) -> int:
        return selectors.roster_members(self.branch).count()

    def sheets(self):
        members = selectors.roster_members(self.branch)
        if self.unmasked:
            # Who saw what: each member whose full ID number and phone this file holds.
            record_access(
                viewer=self.actor,
                members=members.only("id", "name", "branch"),
                fields=FULL_VALUES,
                channel=Channel.EXPORT,
                place=self.title(),
            )
        yield Sheet(
            str(self.verbose_name), rows.roster_header(), rows.roster_rows(members, self.unmasked)
        )


class LedgerSource(Source):
    """The points archive of a member or a branch, filtered by year, month and category."""

    name = "ledger"
    verbose_name = gettext_lazy("Points archive")

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.member = _member(actor, params) if params.get("member") else None
        self.branch = None if self.member else _branch(actor, params)
        self.entries = selectors.ledger_entries(
            member=self.member,
            branch=self.branch,
            year=self.year,
            month=params.get("month"),
            category=params.get("category"),
        )

    def title(self) -> str:
        owner = self.member or self.branch
        return _("Points archive of %(owner)s, %(year)d") % {"owner": owner, "year": self.year}

    def size(self) -> int:
        return self.entries.count()

    def sheets(self):
        yield Sheet(str(self.verbose_name), rows.ledger_header(), rows.ledger_rows(self.entries))


class RegisterSource(Source):
    """《党员积分登记表》 for a quarter (1–4) or the whole year (quarter 0)."""

    name = "register"
    verbose_name = gettext_lazy("Points register")
    formats = (Format.XLSX, Format.PDF)
    template = "exchange/pdf/base.html"
    signatures = True

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.member = _member(actor, params) if params.get("member") else None
        self.branch = self.member.branch if self.member else _branch(actor, params)
        self.register = selectors.register(
            self.branch, selectors.Period(self.year, int(params.get("quarter") or 0))
        )
        if self.member:
            self.register.lines = [
                ln for ln in self.register.lines if ln.member.pk == self.member.pk
            ]
        self.layout = params.get("layout") or Layout.PER_MEMBER
        self.meeting_date = self.register.meeting_date

    def title(self) -> str:
        return _("Points register, %(branch)s, %(period)s") % {
            "branch": self.branch.name,
            "period": self.register.period.label,
        }

    def size(self) -> int:
        return len(self.register.lines) * len(self.register.period.months)

    def sheets(self):
        period = self.register.period
        footer = self._anchor_lines()
        if self.layout == Layout.BRANCH_TABLE and not self.member:
            yield Sheet(
                self.branch.name,
                rows.register_table_header(period),
                rows.register_table_rows(self.register.lines, period),
                footer=footer,
            )
            return
        for line in self.register.lines:
            yield Sheet(
                line.member.name,
                rows.register_member_header(),
                rows.register_member_rows(line, period),
                caption=f"{line.member.name} · {self.branch.name} · {period.label}",
                footer=footer,
            )

    def _anchor_lines(self) -> list[str]:
        """The archive's anchor codes, so that a printed register can be checked later."""
        return [
            _("Archive anchor code (%(what)s): %(code)s") % {"what": what, "code": anchor.code}
            for what, anchor in self.register.anchors
        ]


class NoticeSource(Source):
    """The posted notice (公示) for the bulletin board: name, branch, score, rank only."""

    name = "notice"
    verbose_name = gettext_lazy("Public notice")
    formats = (Format.PDF,)
    template = "exchange/pdf/notice.html"

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.branch = _branch(actor, params)
        self.period = selectors.Period(self.year, int(params.get("quarter") or 0))
        self.notice = selectors.published_notice(self.branch, self.period)

    def title(self) -> str:
        return _("Points of %(branch)s, %(period)s: public notice") % {
            "branch": self.branch.name,
            "period": self.period.label,
        }

    def size(self) -> int:
        return self.notice.rows.count()

    def sheets(self):
        yield Sheet(self.branch.name, rows.notice_header(), rows.notice_rows(self.notice))


class YearReportSource(Source):
    """The year report to the parent organisation: scores, ranks, suggested and final grades,
    award candidates, admonitions and vetoes, as the branch computed them."""

    name = "year_report"
    verbose_name = gettext_lazy("Year report")
    formats = (Format.XLSX, Format.PDF)
    template = "exchange/pdf/year_report.html"
    signatures = True
    meeting_date = None

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.branch = _branch(actor, params)
        self.result, self.grades, self.admonitions = selectors.year_report(self.branch, self.year)

    def title(self) -> str:
        return _("Year report %(year)d of %(branch)s") % {
            "year": self.year,
            "branch": self.branch.name,
        }

    def size(self) -> int:
        return len(self.grades)

    def sheets(self):
        yield Sheet(
            self.branch.name,
            rows.year_report_header(),
            rows.year_report_rows(self.grades, self.admonitions),
            caption=self.result.get_state_display(),
        )


class RecordBookSource(Source):
    """The 三会一课 record book (台账) of a branch and year, as printed: whether each required
    frequency was met, every activity held with its attendance, leave and minutes, and each
    member's attendance."""

    name = "record_book"
    verbose_name = gettext_lazy("Record book of organisational life")
    formats = (Format.XLSX, Format.PDF)
    template = "exchange/pdf/record_book.html"
    signatures = True
    meeting_date = None

    def __init__(self, actor, params):
        super().__init__(actor, params)
        self.branch = _branch(actor, params)
        self.book = record_book(self.branch, self.year, timezone.localdate())

    def title(self) -> str:
        return _("Record book of organisational life, %(branch)s, %(year)d") % {
            "branch": self.branch.name,
            "year": self.year,
        }

    def size(self) -> int:
        return len(self.book.entries) + len(self.book.members) + len(self.book.requirements)

    def sheets(self):
        book = self.book
        yield Sheet(
            _("Required frequencies"),
            rows.frequency_header(),
            rows.frequency_rows(book.requirements),
        )
        yield Sheet(
            _("Activities held"), rows.book_activity_header(), rows.book_activity_rows(book)
        )
        yield Sheet(
            _("Attendance of members"),
            rows.member_attendance_header(),
            rows.member_attendance_rows(book),
        )


class _EvidenceSource(Source):
    """The audit log or the access records of the organisations the user administers (a
    superuser: all), filtered as on the admin's page."""

    filter_class = None

    def __init__(self, actor, params):
        super().__init__(actor, params)
        organisations = rules.visible_organisations(actor, [RoleKind.ADMIN])
        if not actor.is_superuser and not organisations.exists():
            raise NotPermitted()
        try:
            wanted = self.filter_class.from_params(params)
        except ValueError as error:
            raise DomainError(_("The filter is not valid; correct it on the page.")) from error
        self.records = self.select(organisations, wanted, everything=actor.is_superuser)

    def size(self) -> int:
        return self.records.count()


class AuditLogSource(_EvidenceSource):
    name = "audit"
    verbose_name = gettext_lazy("Audit log")
    filter_class = audit_selectors.EventFilter
    select = staticmethod(audit_selectors.events)

    def sheets(self):
        yield Sheet(str(self.verbose_name), rows.audit_header(), rows.audit_rows(self.records))


class AccessRecordSource(_EvidenceSource):
    name = "access_records"
    verbose_name = gettext_lazy("Access records")
    filter_class = audit_selectors.AccessFilter
    select = staticmethod(audit_selectors.accesses)

    def sheets(self):
        yield Sheet(str(self.verbose_name), rows.access_header(), rows.access_rows(self.records))


SOURCES = {
    source.name: source
    for source in (
        RosterSource,
        LedgerSource,
        RegisterSource,
        NoticeSource,
        YearReportSource,
        RecordBookSource,
        AuditLogSource,
        AccessRecordSource,
    )
}


def build(name: str, actor, params: dict) -> Source:
    if name not in SOURCES:
        raise DomainError(_("There is no such export."))
    source = SOURCES[name](actor, params)
    if params.get("format") not in source.formats:
        raise DomainError(_("This export is not offered in that format."))
    return source


def runs_in_background(source: Source, fmt: str) -> bool:
    weight = _PDF_WEIGHT if fmt == Format.PDF else 1
    return source.size() * weight > conf.background_rows()


Progress = Callable[[int], None]


def render(source: Source, fmt: str, progress: Progress | None = None) -> tuple[bytes, str, str]:
    """The file's bytes, content type and name."""
    renderer, content_type = _RENDERERS[fmt]
    counted = _Counter(progress)
    content = renderer(source, counted)
    stamp = timezone.localdate().isoformat()
    return content, content_type, f"{source.title()} {stamp}.{fmt}"


def ascii_filename(name: str, params: dict, fmt: str) -> str:
    """The download's plain file name, for programs that cannot read the UTF-8 one: what it is,
    whose, which period and the day, e.g. register-branch-12-2026-q1-2026-05-02.xlsx."""
    parts = [name.replace("_", "-")]
    for scope in ("branch", "member"):
        if params.get(scope):
            parts.append(f"{scope}-{params[scope]}")
    if name != "roster":
        parts.append(str(params.get("year") or timezone.localdate().year))
    if params.get("quarter"):
        parts.append(f"q{params['quarter']}")
    if params.get("month"):
        parts.append(f"m{params['month']}")
    parts.append(timezone.localdate().isoformat())
    return f"{'-'.join(parts)}.{fmt}"


class _Counter:
    def __init__(self, progress: Progress | None):
        self.progress, self.done = progress, 0

    def rows(self, sheet_rows: Iterable[list]) -> Iterator[list]:
        for row in sheet_rows:
            yield row
            self.done += 1
            if self.progress and self.done % _PROGRESS_EVERY == 0:
                self.progress(self.done)


def _xlsx(source: Source, counter: _Counter) -> bytes:
    """Each sheet printable as its PDF is (jifen.exchange.printing). write_only streams rows to
    disk-backed XML: memory stays flat for long tables. Each sheet is a temporary file, so
    TMPDIR on a tmpfs keeps one-sheet-per-member exports fast."""
    book = Workbook(write_only=True)
    styles = printing.Styles(book)
    used = set()
    signatures = _signature_lines(source)
    printed = _("Printed %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    # Nothing under a table that may be imported again (the roster) but what the PDF has.
    for sheet in source.sheets():
        rows_left = iter(sheet.rows)
        # The first rows set the column widths, which precede the rows in the file.
        sample = list(itertools.islice(rows_left, printing.SAMPLE))
        page = printing.Page(
            book.create_sheet(_sheet_title(printable(sheet.title), used)),
            styles,
            printing.widths(sheet.header, sample),
            form=source.signatures,
        )
        page.title(source.title(), sheet.caption)
        page.header(sheet.header)
        page.rows(counter.rows(itertools.chain(sample, rows_left)))
        if signatures or sheet.footer:
            page.gap()
        if signatures:
            page.pair(*signatures)
        page.lines(sheet.footer, kind="small")
        page.finish(printed)
    if not used:
        book.create_sheet(str(source.verbose_name)[:31])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _signature_lines(source: Source) -> tuple[str, str] | None:
    """The lines a form is signed on, as its PDF has them."""
    if not source.signatures:
        return None
    blank = "_" * 16
    meeting = source.meeting_date
    return (
        _("%(label)s: %(value)s") % {"label": _("Branch secretary (signature)"), "value": blank},
        _("%(label)s: %(value)s")
        % {
            "label": _("Date of the branch meeting"),
            "value": date_format(meeting) if meeting else blank,
        },
    )


def _sheet_title(title: str, used: set) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook,
    where "Li" and "li" are the same name (openpyxl would rename the second one behind our
    back, and its print area would name a sheet that is not there)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:28] or "-"
    unique, number = clean, 2
    while unique.lower() in used:
        unique, number = f"{clean}_{number}", number + 1
    used.add(unique.lower())
    return unique


def _csv(source: Source, counter: _Counter) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for sheet in source.sheets():
        writer.writerow([clean(h) for h in sheet.header])
        for row in counter.rows(sheet.rows):
            writer.writerow([clean(value) for value in row])
    # The byte-order mark makes Excel read the file as UTF-8 rather than the local code page.
    return buffer.getvalue().encode("utf-8-sig")


def _pdf(source: Source, counter: _Counter) -> bytes:
    # Each cell is paired with whether it is a number, which the template right-aligns.
    sheets = [
        Sheet(s.title, s.header, [_cells(row) for row in counter.rows(s.rows)], s.caption, s.footer)
        for s in source.sheets()
    ]
    html = render_to_string(
        source.template,
        {"source": source, "title": source.title(), "sheets": sheets, "now": timezone.now()},
    )
    return pdf.write(html)


def _cells(row: list) -> list[tuple]:
    return [(value, isinstance(value, (int, Decimal)) and value is not True) for value in row]


_RENDERERS = {
    Format.XLSX: (
        _xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    Format.CSV: (_csv, "text/csv; charset=utf-8"),
    Format.PDF: (_pdf, "application/pdf"),
}
