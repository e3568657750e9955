"""What every spreadsheet cell the app writes goes through (`clean`): characters a workbook
cannot hold are dropped, and formula injection (CSV/Excel injection) is neutralised as
defusedcsv and pretix do: a text cell starting with one of FORMULA_STARTS is run as a formula by
spreadsheet programs."""

import re

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


# What every cell read from an upload goes through (`normalise`) before it is checked or
# matched: the same text typed with a Chinese input method, pasted from a web page or a chat
# must read as the same value.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufeff\uffa0"
)
_SPACES = "\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_FULL_WIDTH = (
    {0xFF10 + n: ord("0") + n for n in range(10)}
    | {0xFF21 + n: ord("A") + n for n in range(26)}
    | {0xFF41 + n: ord("a") + n for n in range(26)}
)
_NORMALISE = (
    dict.fromkeys(map(ord, _INVISIBLE)) | dict.fromkeys(map(ord, _SPACES), " ") | _FULL_WIDTH
)
_RUNS_OF_SPACE = re.compile(" {2,}")
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK}) (?={_CJK})")


def normalise(text: str) -> str:
    """The text without invisible characters (zero-width spaces, direction marks, soft hyphens,
    byte-order marks), with full-width digits and Latin letters made ASCII (as NFKC does) and
    every kind of space (全角, non-breaking) made one plain space, trimmed. Chinese punctuation
    stays as typed."""
    text = text.translate(_NORMALISE)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text:
        text = _RUNS_OF_SPACE.sub(" ", text)
    return text.strip()


def join_cjk(text: str) -> str:
    """A name without the spaces typed to align it: "张　三" is 张三; "Wang Wu" keeps its space."""
    return _SPACE_BETWEEN_CJK.sub("", text)
