"""Spreadsheet formula injection (CSV/Excel injection), handled as defusedcsv and pretix do: a
text cell starting with one of these characters is run as a formula by spreadsheet programs."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers stay numbers."""
    return "'" + value if is_formula(value) else value
