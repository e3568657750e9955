"""Blank workbooks to fill in: the headers of an import, one example row, drop-down lists for
the choice columns and date checks for the date columns."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jifen.exchange.cells import clean, printable
from jifen.exchange.sheets import Column

_ROWS = 2000  # how far down the drop-downs, date checks and text formats reach


def blank_workbook(title: str, columns: list[Column], example: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = printable(title)[:31]
    sheet.append([clean(str(c.label)) for c in columns])
    # The example comes from the database (a branch's or an item's name): cleaned like an export.
    sheet.append([clean(example.get(c.key, "")) for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(str(column.label)) * 2 + 2)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        _validate(sheet, column, f"{letter}2:{letter}{_ROWS}")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validate(sheet, column: Column, cells: str) -> None:
    if column.choices:
        offered = ",".join(str(label) for label in column.choices)
        rule = DataValidation(type="list", formula1=f'"{offered}"', allow_blank=not column.required)
    elif column.is_date:
        rule = DataValidation(
            type="date", operator="greaterThan", formula1="DATE(1900,1,1)", allow_blank=True
        )
        for row in sheet[cells]:
            row[0].number_format = "yyyy-mm-dd"
    else:
        # Long digit strings (ID numbers, phones) must stay text, or Excel rounds them.
        for row in sheet[cells]:
            row[0].number_format = "@"
        return
    rule.error = str(column.label)
    sheet.add_data_validation(rule)
    rule.add(cells)
