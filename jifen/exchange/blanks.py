"""Blank workbooks to fill in. The first sheet holds the import's headers and nothing else:
drop-down lists for the choice columns, date checks for the date columns and a length check
for the ID number, each refusing a wrong entry with a message that says what is expected; text
format where digits must stay text. The second sheet explains each column with an example,
laid out one column per row, so that the example can never be read as a member."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jifen.exchange import printing
from jifen.exchange.cells import clean, printable
from jifen.exchange.sheets import Column

_ROWS = 2000  # how far down the drop-downs, date checks and text formats reach
_THIN = Side(style="thin", color="333333")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")


def blank_workbook(title: str, columns: list[Column], example: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = printable(title)[:31]
    sheet.append([clean(str(c.label)) for c in columns])
    column_widths = printing.widths(
        [str(c.label) for c in columns], [[example.get(c.key, "") for c in columns]], minimum=10
    )
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column_widths[index - 1]
        header = sheet.cell(row=1, column=index)
        header.font, header.fill, header.border = Font(bold=True), _HEADER_FILL, _BOX
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        _validate(sheet, column, f"{letter}2:{letter}{_ROWS}")
    sheet.freeze_panes = "A2"
    _print_setup(sheet, len(columns), sum(column_widths))
    _instructions(book.create_sheet(_("How to fill it in")[:31]), title, columns, example)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validate(sheet, column: Column, cells: str) -> None:
    if column.choices:
        offered = ",".join(str(label) for label in column.choices)
        rule = DataValidation(type="list", formula1=f'"{offered}"', allow_blank=not column.required)
        rule.error = _("Choose one of: %(offered)s.") % {
            "offered": "、".join(str(label) for label in column.choices)
        }
    elif column.is_date:
        rule = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2099,12,31)",
            allow_blank=True,
        )
        rule.error = _("Enter a date, such as 2020-07-01 or 2020/7/1.")
        _format(sheet, cells, printing.DATE)
    elif column.key == "id_number":
        rule = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
        rule.error = _("An ID number has 18 characters: 17 digits, then a digit or X.")
        _format(sheet, cells, printing.TEXT)
    else:
        # Long digit strings (phones, codes) must stay text, or Excel rounds them.
        _format(sheet, cells, printing.TEXT)
        return
    # Without showErrorMessage, Excel and LibreOffice accept the wrong entry anyway.
    rule.showErrorMessage = True
    rule.errorStyle = "stop"
    rule.errorTitle = str(column.label)
    rule.showInputMessage = True
    rule.promptTitle = str(column.label)
    rule.prompt = rule.error
    sheet.add_data_validation(rule)
    rule.add(cells)


def _format(sheet, cells: str, number_format: str) -> None:
    for row in sheet[cells]:
        row[0].number_format = number_format


def _print_setup(sheet, columns: int, width: float) -> None:
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"A1:{get_column_letter(columns)}{_ROWS}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.paperSize = 9
    sheet.page_setup.orientation = "landscape" if width > printing.PORTRAIT_UNITS else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _instructions(sheet, title: str, columns: list[Column], example: dict) -> None:
    """One row per column: its name, whether it is required, what to write, an example."""
    sheet.append([_("How to fill in: %(title)s") % {"title": title}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _(
                "Write one row per entry on the first sheet, below its header; leave the "
                "header as it is. This sheet is not imported."
            )
        ]
    )
    sheet.append([])
    heading = [_("Column"), _("Required"), _("What to write"), _("Example")]
    sheet.append(heading)
    for cell in sheet[4]:
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BOX
    for column in columns:
        sheet.append(
            [
                clean(str(column.label)),
                _("yes") if column.required else "",
                _hint(column),
                clean(str(example.get(column.key, ""))),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.number_format = printing.TEXT
    for letter, width in zip("ABCD", (16, 8, 52, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    _print_setup(sheet, 4, 98)
    sheet.print_area = f"A1:D{sheet.max_row}"


def _hint(column: Column) -> str:
    if column.hint:
        return str(column.hint)
    if column.choices:
        return _("Choose one of: %(offered)s.") % {
            "offered": "、".join(str(label) for label in column.choices)
        }
    if column.is_date:
        return _("A date, such as 2020-07-01, 2020/7/1 or 2020年7月1日.")
    return ""
