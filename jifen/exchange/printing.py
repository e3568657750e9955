"""How the app's spreadsheets look on screen and on paper, as the PDFs do: a title, columns
wide enough for what they hold, text kept as text (ID numbers), dates and scores in their
formats, borders, the header repeated on every page, A4 in the orientation the table needs and
fitted to the page's width, page numbers in the footer.

Works on write-only worksheets (exports stream their rows): column widths and the sheet's
properties are set before the first row is written, the rest when the last one is."""

import datetime
import unicodedata
from copy import copy
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from jifen.exchange.cells import clean

# Excel's width unit is about one Latin character of the default font; a Chinese character
# takes two. An A4 page with the margins below holds about this many units across.
PORTRAIT_UNITS = 92
LANDSCAPE_UNITS = 138
MIN_WIDTH, MAX_WIDTH = 6, 40
SAMPLE = 200  # rows whose content sets the column widths
_A4 = 9  # the paperSize code of A4

_THIN = Side(style="thin", color="333333")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(vertical="center", wrap_text=True)

# Number formats: "@" keeps a cell text (an ID number typed over stays whole).
TEXT, DATE, DATETIME, SCORE, WHOLE = "@", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.0", "0"


def display_width(value) -> int:
    """Width units the value takes: two for a Chinese (wide) character, one for others."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def number_format(value) -> str:
    if isinstance(value, datetime.datetime):
        return DATETIME
    if isinstance(value, datetime.date):
        return DATE
    if isinstance(value, Decimal | float):
        return SCORE
    if isinstance(value, int) and not isinstance(value, bool):
        return WHOLE
    return TEXT


def widths(header: list, sample: list[list], *, minimum: int = MIN_WIDTH) -> list[float]:
    """Each column's width from its header and the sample of its values, within bounds."""
    columns = max([len(header), *(len(row) for row in sample)], default=0)
    result = []
    for index in range(columns):
        values = [row[index] for row in sample if index < len(row)]
        if index < len(header):
            values.append(header[index])
        widest = max((display_width(v) for v in values), default=0)
        result.append(float(min(max(widest + 2, minimum), MAX_WIDTH)))
    return result


class Styles:
    """Cell styles of one workbook. Each is made once on a prototype cell and copied onto the
    cells that use it: setting fonts and borders cell by cell costs more than writing them."""

    def __init__(self, book):
        # A prototype cell registers its style with the workbook through its "sheet".
        self._holder = SimpleNamespace(parent=book)
        self._made = {}

    def cell(self, sheet, value, kind: str, fmt: str = TEXT) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value)
        key = (kind, fmt)
        if key not in self._made:
            self._made[key] = self._prototype(kind, fmt)
        cell._style = copy(self._made[key])
        return cell

    def _prototype(self, kind: str, fmt: str):
        proto = WriteOnlyCell(self._holder)
        if kind == "title":
            proto.font = Font(bold=True, size=15)
            proto.alignment = Alignment(horizontal="center", vertical="center")
        elif kind == "caption":
            proto.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif kind == "header":
            proto.font = Font(bold=True)
            proto.fill = PatternFill("solid", fgColor="EEEEEE")
            proto.border = _BOX
            proto.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif kind == "cell":
            proto.border = _BOX
            proto.alignment = _WRAP
        elif kind == "line":
            proto.alignment = Alignment(vertical="center", wrap_text=True)
        elif kind == "small":
            proto.font = Font(size=9, color="555555")
            proto.alignment = Alignment(vertical="center", wrap_text=True)
        proto.number_format = fmt
        return proto._style


class Page:
    """One printed table on a write-only worksheet: title and caption rows, a header repeated
    on every page, bordered rows, lines under the table (signatures, anchor codes)."""

    def __init__(self, sheet, styles: Styles, column_widths: list[float], *, form: bool = False):
        """`form`: a document to sign (登记表, year report), its rows as tall as the PDF's."""
        self.sheet, self.styles = sheet, styles
        if form:
            # One default for the sheet rather than a height on each row.
            sheet.sheet_format.defaultRowHeight, sheet.sheet_format.customHeight = 20, True
        total = sum(column_widths) or 1
        self.landscape = total > PORTRAIT_UNITS
        page = LANDSCAPE_UNITS if self.landscape else PORTRAIT_UNITS
        # Like the PDF's table, which spans the page: narrow tables are widened to fill it.
        scale = page / total if total < page else 1
        self.widths = [round(w * scale, 1) for w in column_widths]
        self.columns = max(len(self.widths), 1)
        self.row = 0
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    @property
    def last_column(self) -> str:
        return get_column_letter(self.columns)

    def _append(self, cells: list, height: float | None = None) -> None:
        self.row += 1
        if height:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)

    def _span(self, value, kind: str, height: float | None = None) -> None:
        """A line of text across the whole table (merged), wrapped when it is long."""
        if height is None:
            lines = max(1, -(-display_width(value) // int(max(sum(self.widths) - 2, 1))))
            height = 15 * lines + 3 if lines > 1 else None
        self._append([self.styles.cell(self.sheet, clean(value), kind)], height)
        if self.columns > 1:
            self.sheet.merged_cells.add(f"A{self.row}:{self.last_column}{self.row}")

    def title(self, text: str, caption: str = "") -> None:
        """Title and caption rows and a blank one; the header follows. The panes are frozen
        below it now: a write-only sheet writes its view before its first row."""
        self.sheet.freeze_panes = f"A{self.row + (4 if caption else 3) + 1}"
        self._span(text, "title", height=28)
        if caption:
            self._span(caption, "caption")
        # A blank row parts the title from the table.
        self._append([])

    def header(self, labels: list) -> None:
        cells = [self.styles.cell(self.sheet, clean(str(label)), "header") for label in labels]
        self._append(cells)
        self.sheet.print_title_rows = f"{self.row}:{self.row}"

    def rows(self, rows) -> None:
        cell = self.styles.cell
        for row in rows:
            self._append(
                [
                    cell(self.sheet, clean(value), "cell", number_format(value))
                    for value in _padded(row, self.columns)
                ]
            )

    def lines(self, lines: list[str], *, kind: str = "line") -> None:
        for line in lines:
            self._span(line, kind)

    def pair(self, left: str, right: str) -> None:
        """Two lines side by side, each across half the table, as a form's signature lines."""
        if self.columns < 2:
            self.lines([left, right])
            return
        middle = self.columns // 2
        cells = [self.styles.cell(self.sheet, clean(left), "line")]
        cells += [None] * (middle - 1) + [self.styles.cell(self.sheet, clean(right), "line")]
        self._append(cells, height=30)
        for first, last in ((1, middle), (middle + 1, self.columns)):
            if last > first:
                self.sheet.merged_cells.add(
                    f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"
                )

    def gap(self) -> None:
        self._append([])

    def finish(self, note: str = "") -> None:
        """Print area, A4 in the table's orientation fitted to one page's width, margins,
        centred; page numbers and `note` (when it was printed) in the page's footer."""
        sheet = self.sheet
        sheet.print_area = f"A1:{self.last_column}{max(self.row, 1)}"
        setup = sheet.page_setup
        setup.paperSize = _A4
        setup.orientation = "landscape" if self.landscape else "portrait"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.page_margins = PageMargins(
            left=0.6, right=0.6, top=0.7, bottom=0.7, header=0.3, footer=0.3
        )
        sheet.print_options.horizontalCentered = True
        footer = sheet.oddFooter
        footer.center.text, footer.center.size = _("Page &P of &N"), 9
        if note:
            # "&" starts a code in a header or footer; "&&" prints one.
            footer.left.text, footer.left.size = note.replace("&", "&&"), 9


def _padded(row: list, columns: int) -> list:
    """Every cell of the table bordered: short rows are filled with empty cells."""
    return list(row) + [None] * (columns - len(row)) if len(row) < columns else list(row)
