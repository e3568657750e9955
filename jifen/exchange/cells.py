"""What every spreadsheet cell the app writes goes through (`clean`): characters a workbook
cannot hold are dropped, and formula injection (CSV/Excel injection) is neutralised as
defusedcsv and pretix do: a text cell starting with one of FORMULA_STARTS is run as a formula by
spreadsheet programs."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers stay numbers."""
    return "'" + value if is_formula(value) else value


def printable(text: str) -> str:
    """The text without the control characters that XML, and so openpyxl, refuses (\\x01,
    \\x1b, …); tabs and line breaks stay."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def clean(value):
    """A cell as the .xlsx and .csv writers write it. Line breaks become \\n, which both
    formats show as a new line within the cell (a workbook's XML turns \\r into \\n anyway)."""
    if not isinstance(value, str):
        return value
    # Neutralised after the control characters go, or "\x01=cmd" would slip through as "=cmd".
    value = neutralise(printable(value))
    return value.replace("\r\n", "\n").replace("\r", "\n")
