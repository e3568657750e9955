"""Reading an uploaded spreadsheet into checked rows, as offices really make them: .xlsx, .xls
and .ods through one reader (python-calamine), .csv in the encoding it was written in
(charset-normalizer), the header found wherever it is (below a title, on the second sheet),
every cell normalised before it is checked. Headers are matched in every language we offer,
so a template downloaded in English can be uploaded by a Chinese-speaking colleague."""

import codecs
import csv
import datetime
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import charset_normalizer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from jifen.errors import DomainError
from jifen.exchange import conf
from jifen.exchange.cells import is_formula, join_cjk, normalise
from jifen.orgs.validators import normalise_id_number, normalise_phone

# An .xlsx or .ods is a zip of XML; this many times the upload limit unpacked is refused as a
# zip bomb.
_MAX_UNPACKED_RATIO = 20
# The header is looked for in this many rows at the top of each sheet.
_HEADER_SCAN = 30
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRefused(DomainError):
    """The file as a whole cannot be read: nothing in it is imported."""

    code = "file_refused"


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation, shown in the user's language
    parse: Callable[[object], object]
    required: bool = False
    choices: tuple[str, ...] = ()  # labels offered as a drop-down in the template
    is_date: bool = False
    # Other headers people give the column ("身份证号码", "手机号"); matched as the label is.
    aliases: tuple[str, ...] = ()
    hint: object = ""  # how to fill it in, for the template's instructions

    @property
    def free_text(self) -> bool:
        """Text kept as typed, where a cell that a spreadsheet would run must be refused; every
        other column is parsed into a number, a date or one of its choices."""
        return self.parse in (text, name)


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column_label, message) -> None:
        self.errors.append((str(column_label), str(message)))


@dataclass
class Table:
    """The sheet that holds the header: which column is which, what was left aside (notices),
    and its rows below the header as (row number as the spreadsheet shows it, cells)."""

    mapping: dict[int, Column]
    raw_rows: Iterator[tuple[int, list]]
    notices: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[Row]:
        """Each row parsed cell by cell; rows empty in every column we read are skipped (a
        序号 numbered down the sheet in advance is no member)."""
        for number, raw in self.raw_rows:
            cells = {index: _cell(raw, index) for index in self.mapping}
            if any(value is not None for value in cells.values()):
                yield _parse_row(number, cells, self.mapping)


def _cell(raw: list, index: int):
    """The cell as the parsers take it: text normalised, None when empty."""
    value = raw[index] if index < len(raw) else None
    if isinstance(value, str):
        value = normalise(value)
    return None if value == "" else value


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not normalise(value))


def check_size(size: int) -> None:
    limit = conf.max_upload_bytes()
    if size > limit:
        raise FileRefused(
            _("The file is larger than %(limit)d MB; split it into smaller files.")
            % {"limit": limit // (1024 * 1024)}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))


def _not_a_spreadsheet() -> str:
    return _(
        "This is not a spreadsheet we can read. Upload an Excel workbook (.xlsx or .xls), an "
        "OpenDocument spreadsheet (.ods) or a CSV file; the template is the safest start."
    )


# Reading the file: workbooks through calamine, everything else as CSV text.


def _check_unpacked(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileRefused(_not_a_spreadsheet()) from error
    if unpacked > conf.max_upload_bytes() * _MAX_UNPACKED_RATIO:
        raise FileRefused(_("The file unpacks to too much data to be a roster."))
    return archive


def _workbook(content: bytes) -> CalamineWorkbook:
    if content.startswith(_ZIP):
        _check_unpacked(content)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as error:  # calamine raises several kinds for a damaged or locked file
        raise FileRefused(
            _(
                "The workbook cannot be read: it is damaged or protected by a password. Open "
                "it, remove any password, save it again and upload that copy."
            )
        ) from error


def _is_workbook(content: bytes) -> bool:
    return content.startswith((_ZIP, _OLE))


def _sheets(content: bytes) -> Iterator[tuple[str, Iterator[list]]]:
    """(name, rows from the first row on) of each worksheet, the visible ones first; a CSV
    file is one sheet without a name."""
    if not _is_workbook(content):
        yield "", iter(_csv_rows(content))
        return
    book = _workbook(content)
    order = sorted(
        (meta.visible != SheetVisibleEnum.Visible, index)
        for index, meta in enumerate(book.sheets_metadata)
        if meta.typ == SheetTypeEnum.WorkSheet
    )
    for _hidden, index in order:
        sheet = book.get_sheet_by_index(index)
        # calamine's rows begin at row 1 but at the first used column: pad them to column A.
        first_column = sheet.start[1] if sheet.start else 0
        pad = [None] * first_column
        yield sheet.name, (pad + row for row in sheet.iter_rows()) if pad else sheet.iter_rows()


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def _decode(content: bytes) -> str:
    """The text of a CSV file in the encoding it was written in: UTF-8 (with or without the
    byte-order mark Excel's "CSV UTF-8" writes), UTF-16 ("Unicode text"), or what
    charset-normalizer finds: GB18030 (a superset of GBK, what Chinese Excel's plain "CSV"
    writes) whenever it is among the candidates, since short Chinese texts also decode as Big5."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return _decoded(content, encoding)
    if b"\0" in content[:4096] or content.startswith(b"%PDF"):
        raise FileRefused(_not_a_spreadsheet())
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [match.encoding for match in charset_normalizer.from_bytes(content)]
    if not candidates:
        raise FileRefused(_not_a_spreadsheet())
    return _decoded(content, "gb18030" if "gb18030" in candidates else candidates[0])


def _decoded(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                "The CSV file mixes text encodings and cannot be read; save it again from your "
                "spreadsheet program as “CSV UTF-8”."
            )
        ) from error


def count_rows(content: bytes) -> int:
    """Rows below the header of the largest sheet, formatted empty rows included; 0 for a file
    that cannot be read (reading it says why). An .xlsx is counted in its XML without parsing
    a cell: a tenth of a second for 100,000 rows."""
    try:
        if content.startswith(_ZIP) and (counted := _count_xlsx_rows(content)) is not None:
            return counted
        if not _is_workbook(content):
            return max(content.count(b"\n") - 1, 0)
        book = _workbook(content)
        heights = [
            book.get_sheet_by_index(index).total_height
            for index, meta in enumerate(book.sheets_metadata)
            if meta.typ == SheetTypeEnum.WorkSheet
        ]
        return max([*heights, 1]) - 1
    except Exception:  # a damaged file: reading it refuses it with a message
        return 0


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _count_xlsx_rows(content: bytes) -> int | None:
    """None for a zip that is no .xlsx (an .ods)."""
    archive = _check_unpacked(content)
    parts = [name for name in archive.namelist() if _WORKSHEET.match(name)]
    if not parts:
        return None
    counts = []
    for part in parts:
        with archive.open(part) as xml:
            counts.append(_count_row_tags(xml))
    return max(max(counts) - 1, 0)


def _count_row_tags(xml) -> int:
    count, tail = 0, b""
    while chunk := xml.read(1 << 20):
        data = tail + chunk
        # The last bytes are read again with the next chunk: a tag cut in two is counted then,
        # one wholly inside them is taken off here so as not to be counted twice.
        tail = data[-16:]
        count += len(_ROW_TAG.findall(data)) - len(_ROW_TAG.findall(tail))
    return count + len(_ROW_TAG.findall(tail))


# Finding the header.

_MARKERS = re.compile(r"[\s*＊:：]")
_PARENTHESIS = re.compile(r"[(（][^()（）]*[)）]$")


def _header_key(value) -> str:
    """A header as compared: NFKC, no spaces or required-field stars, case-folded."""
    if not isinstance(value, str):
        return ""
    return _MARKERS.sub("", unicodedata.normalize("NFKC", normalise(value))).casefold()


def _labels(column: Column) -> set[str]:
    """The column's header in every language we offer, and its aliases, as compared."""
    labels = {_header_key(alias) for alias in column.aliases}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(_header_key(str(column.label)))
    return labels


def _by_label(columns: list[Column]) -> dict[str, Column]:
    return {label: column for column in columns for label in _labels(column)}


def _match(value, by_label: dict[str, Column]) -> Column | None:
    """The column a header names; "出生日期（年-月-日）" names 出生日期."""
    key = _header_key(value)
    return by_label.get(key) or by_label.get(_PARENTHESIS.sub("", key))


_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def open_table(content: bytes, columns: list[Column], filename: str = "") -> Table:
    """The table of the file: the first sheet whose top rows hold the header row with the most
    known column names (at least two), and that row. Refuses the file only when no such row is
    found or a required column is missing, naming it."""
    check_size(len(content))
    if filename.lower().endswith(_WORKBOOK_SUFFIXES) and not _is_workbook(content):
        # Named as a workbook and none: reading it as text would only find no header.
        raise FileRefused(_not_a_spreadsheet())
    by_label = _by_label(columns)
    best = None  # (matches, sheet number, sheet name, header row number, header, rows)
    for position, (sheet_name, rows) in enumerate(_sheets(content)):
        top = list(itertools.islice(rows, _HEADER_SCAN))
        for index, cells in enumerate(top):
            matches = len({id(c) for c in (_match(v, by_label) for v in cells) if c is not None})
            if matches >= 2 and (best is None or matches > best[0]):
                rest = itertools.chain(top[index + 1 :], rows)
                best = (matches, position, sheet_name, index + 1, cells, rest)
    if best is None:
        required = "、".join(str(c.label) for c in columns if c.required)
        raise FileRefused(
            _(
                "No header row found: no row near the top of any sheet names the columns "
                "(%(names)s). Please use the template."
            )
            % {"names": required}
        )
    _matches, position, sheet_name, header_row, header, rest = best
    mapping, notices = _map_header(header, by_label, columns, sheet_name, header_row)
    if position or header_row > 1:
        notices.insert(
            0,
            _("The header was found in row %(row)d of the sheet “%(sheet)s”.")
            % {"row": header_row, "sheet": sheet_name}
            if sheet_name
            else _("The header was found in row %(row)d.") % {"row": header_row},
        )
    raw_rows = ((number, row) for number, row in enumerate(rest, start=header_row + 1))
    return Table(mapping, raw_rows, notices)


def _map_header(header, by_label, columns, sheet_name: str, header_row: int):
    mapping: dict[int, Column] = {}
    left_aside, twice = [], []
    for index, cell in enumerate(header):
        if not _present(cell):
            continue
        label = normalise(str(cell))
        where = f"{label}（{get_column_letter(index + 1)}）"
        column = _match(cell, by_label)
        if column is None:
            left_aside.append(where)
        elif column in mapping.values():
            twice.append(where)
        else:
            mapping[index] = column
    missing = [str(c.label) for c in columns if c.required and c not in mapping.values()]
    if missing:
        raise FileRefused(
            _("Missing required columns: %(names)s (header in row %(row)d%(sheet)s).")
            % {
                "names": "、".join(missing),
                "row": header_row,
                "sheet": _(" of the sheet “%(sheet)s”") % {"sheet": sheet_name}
                if sheet_name
                else "",
            }
        )
    notices = []
    if left_aside:
        notices.append(
            _("These columns are not imported and were left aside: %(names)s.")
            % {"names": "、".join(left_aside)}
        )
    if twice:
        notices.append(
            _("These columns repeat one read already and were left aside: %(names)s.")
            % {"names": "、".join(twice)}
        )
    return mapping, notices


# Reading a row.


def _parse_row(number: int, cells: dict, mapping: dict[int, Column]) -> Row:
    row = Row(number)
    for index, column in mapping.items():
        try:
            row.values[column.key] = _parse_cell(column, cells[index])
        except CellError as error:
            row.error(column.label, error)
    return row


def _parse_cell(column: Column, value):
    """`value` as _cell gives it."""
    if column.free_text and is_formula(value):
        raise CellError(
            _("Cells may not start with = + - @ (a spreadsheet formula); remove that character.")
        )
    if value is None:
        if column.required:
            raise CellError(_("This column is required."))
        return column.parse(None)
    return column.parse(value)


# Parsers: each takes a non-empty cell value (or None for an empty optional cell): a string
# already normalised, or what the workbook holds (a number, a date, a boolean).


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def name(value) -> str:
    """A name: text without the spaces typed to align it between Chinese characters."""
    return join_cjk(text(value))


_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE)


def _stored_as_number(shown: str) -> CellError:
    return CellError(
        _(
            "The ID number was stored as a number (%(shown)s): a spreadsheet keeps only 15 "
            "digits of a number, so its last digits are lost. Set the column's format to Text "
            "(文本), type the full number again, or copy the rows into the template."
        )
        % {"shown": shown}
    )


def id_text(value) -> str:
    """An ID number; one that a spreadsheet turned into a number (1.10105E+17, its last digits
    rounded away) is refused with what happened and how to put it right."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _stored_as_number(f"{value:.5E}" if value >= 1e11 else _number_text(value))
    number = str(value)
    if _SCIENTIFIC.match(number.replace(" ", "")):
        raise _stored_as_number(number)
    return normalise_id_number(number)


def phone(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _number_text(value)
    try:
        return normalise_phone(str(value))
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from error


# Excel counts days from 1899-12-30 (its serial numbers); within these the number is a date
# (1900-01-01 to 2099-12-31).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIALS = range(2, 73051)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d.*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*月?$")


def date(value) -> datetime.date | None:
    """A date as people write it: 2020-07-01, 2020/7/1 (Excel's Chinese display), 2020.07.01,
    2020年7月1日, 20200701, or Excel's serial number. Refused: what is not a date, a day that
    does not exist, and what is ambiguous (1/7/2020, a year and month without the day)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    if isinstance(value, (datetime.time, datetime.timedelta)):
        # A time of day, or what a workbook makes of a date before 1900.
        raise _not_a_date(value)
    written = unicodedata.normalize("NFKC", str(value)).strip()
    match = _YMD.match(written) or _COMPACT.match(written)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            raise CellError(
                _("“%(value)s” is no day of the calendar; please check it.") % {"value": written}
            ) from error
    if written.isdigit() and len(written) <= 5:
        return _serial(int(written))
    if _YEAR_MONTH.match(written):
        raise CellError(
            _("“%(value)s” has no day; write the full date, as 2020-07-01.") % {"value": written}
        )
    if re.match(r"^\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}$", written):
        raise CellError(
            _(
                "“%(value)s” is ambiguous (day and month may be either way round); write the "
                "year first, as 2020-07-01."
            )
            % {"value": written}
        )
    raise _not_a_date(written)


def _not_a_date(written) -> CellError:
    return CellError(_("“%(value)s” is not a date; write it as 2024-07-01.") % {"value": written})


def _serial(number: float) -> datetime.date:
    if not float(number).is_integer() or int(number) not in _SERIALS:
        raise _not_a_date(_number_text(number))
    return _EXCEL_EPOCH + datetime.timedelta(days=int(number))


def number(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    try:
        result = Decimal(_number_text(value) if isinstance(value, (int, float)) else str(value))
    except InvalidOperation as error:
        raise CellError(_("Not a number.")) from error
    if not result.is_finite():
        raise CellError(_("Not a number."))
    return result


def whole_number(value) -> int:
    result = number(value)
    if result is None:
        return 0
    if result != result.to_integral_value():
        raise CellError(_("Not a whole number."))
    return int(result)


YES_NO = (pgettext_lazy("spreadsheet cell", "yes"), pgettext_lazy("spreadsheet cell", "no"))


def _choice_key(value: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value)).casefold()


def _lookup_in(pairs: list[tuple]) -> Callable[[object], object]:
    """A parser for one set of (value, lazy label) choices, accepting the label in any language
    or the value itself, spaced and cased as one likes. The index is built at its first use,
    once: a lazy label is translated anew each time it is compared."""

    @functools.cache
    def index() -> dict:
        found = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for key, label in pairs:
                    found[str(label)] = found[_choice_key(str(label))] = key
        found.update({_choice_key(key): key for key, _label in pairs if isinstance(key, str)})
        return found

    def parse(value) -> object:
        written = text(value)
        found = index()
        # Most cells hold a label as offered: found without normalising it.
        if written in found:
            return found[written]
        if (key := _choice_key(written)) in found:
            return found[key]
        offered = "、".join(str(label) for _key, label in pairs)
        raise CellError(
            _("“%(value)s” is not one of: %(offered)s.") % {"value": written, "offered": offered}
        )

    return parse


_yes_no = _lookup_in([(True, YES_NO[0]), (False, YES_NO[1])])


def yes_no(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return _yes_no(value)


def choice(choices) -> Callable[[object], str]:
    """A parser for a TextChoices enum, accepting its label in any language or its value."""
    lookup = _lookup_in(list(choices.choices))

    def parse(value) -> str:
        return "" if value is None else lookup(value)

    return parse


def choice_list(choices) -> Callable[[object], list[str]]:
    """Several labels separated by commas (Chinese or Latin); empty means none."""
    single = choice(choices)

    def parse(value) -> list[str]:
        if value is None:
            return []
        parts = text(value).replace("，", ",").replace("、", ",").split(",")
        return [single(part) for part in parts if part.strip()]

    return parse
