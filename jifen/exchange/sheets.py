"""Reading an uploaded .xlsx into checked rows. Headers are matched in every language we offer,
so a template downloaded in English can be uploaded by a Chinese-speaking colleague."""

import datetime
import functools
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader

from jifen.errors import DomainError
from jifen.exchange import conf
from jifen.exchange.cells import is_formula

# An .xlsx is a zip of XML; this many times the upload limit unpacked is refused as a zip bomb.
_MAX_UNPACKED_RATIO = 20


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


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column_label, message) -> None:
        self.errors.append((str(column_label), str(message)))


def check_size(size: int) -> None:
    limit = conf.max_upload_bytes()
    if size > limit:
        raise FileRefused(
            _("The file is larger than %(limit)d MB; split it into smaller files.")
            % {"limit": limit // (1024 * 1024)}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))


def _check_unpacked(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileRefused(_not_xlsx()) from error
    if unpacked > conf.max_upload_bytes() * _MAX_UNPACKED_RATIO:
        raise FileRefused(_("The file unpacks to too much data to be a roster."))


def _open_workbook(content: bytes):
    _check_unpacked(content)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(_not_xlsx()) from error


def count_rows(content: bytes) -> int:
    """Rows of the first worksheet below the header, formatted empty rows included; 0 for a
    file that is no workbook (reading it says why). Counted in the sheet's XML without parsing
    a cell: a tenth of a second for 100,000 rows, which take a minute to read."""
    try:
        _check_unpacked(content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's remarks on parts we do not read
            reader = ExcelReader(io.BytesIO(content), read_only=True)
            reader.read_manifest()
            reader.read_workbook()
            target = next(
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.Type.endswith("/worksheet")
            )
        with reader.archive.open(target) as xml:
            return max(_count_row_tags(xml) - 1, 0)
    except Exception:  # a damaged file: read_rows refuses it with a message
        return 0


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_row_tags(xml) -> int:
    count, tail = 0, b""
    while chunk := xml.read(1 << 20):
        data = tail + chunk
        # The last bytes are read again with the next chunk: a tag cut in two is counted then,
        # one wholly inside them is taken off here so as not to be counted twice.
        tail = data[-16:]
        count += len(_ROW_TAG.findall(data)) - len(_ROW_TAG.findall(tail))
    return count + len(_ROW_TAG.findall(tail))


def _not_xlsx() -> str:
    return _(
        "This is not an Excel workbook (.xlsx). Old .xls files must be saved as .xlsx first; "
        "please use the template."
    )


def _labels(column: Column) -> set[str]:
    """The column's header in every language we offer."""
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(column.label).strip())
    return labels


def _map_header(header: tuple, columns: list[Column]) -> dict[int, Column]:
    by_label = {label: column for column in columns for label in _labels(column)}
    mapping, problems = {}, []
    for index, cell in enumerate(header):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        column = by_label.get(text)
        if column is None:
            problems.append(_("Unknown column “%(name)s”.") % {"name": text})
        elif column in mapping.values():
            problems.append(_("The column “%(name)s” appears twice.") % {"name": text})
        else:
            mapping[index] = column
    missing = [str(c.label) for c in columns if c.required and c not in mapping.values()]
    if missing:
        problems.append(_("Missing required columns: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        raise FileRefused(" ".join(problems))
    return mapping


def read_rows(content: bytes, columns: list[Column]) -> Iterator[Row]:
    """Rows of the first sheet, each parsed cell by cell; empty rows are skipped."""
    check_size(len(content))
    sheet = _open_workbook(content).worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if not header or not any(header):
        raise FileRefused(_("The file has no header row; please use the template."))
    mapping = _map_header(header, columns)
    for number, raw in enumerate(cells, start=2):
        if any(value not in (None, "") for value in raw):
            yield _parse_row(number, raw, mapping)


def _parse_row(number: int, raw: tuple, mapping: dict[int, Column]) -> Row:
    row = Row(number)
    for index, column in mapping.items():
        value = raw[index] if index < len(raw) else None
        try:
            row.values[column.key] = _parse_cell(column, value)
        except CellError as error:
            row.error(column.label, error)
    return row


def _parse_cell(column: Column, value):
    if is_formula(value):
        raise CellError(
            _("Cells may not start with = + - @ (a spreadsheet formula); remove that character.")
        )
    if isinstance(value, str):
        # Checked before stripping: a leading tab or carriage return is an injection too.
        value = value.strip()
    if value in (None, ""):
        if column.required:
            raise CellError(_("This column is required."))
        return column.parse(None)
    return column.parse(value)


# Parsers: each takes a non-empty cell value (or None for an empty optional cell).


def text(value) -> str:
    return "" if value is None else str(value)


def id_text(value) -> str:
    # Excel turns long digit strings into numbers; an ID typed without the text format
    # loses its last digits, which the checksum then reports.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).upper()


def date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).replace("/", "-"))
    except ValueError as error:
        raise CellError(_("Not a date; write it as 2024-07-01.")) from error


def number(value) -> Decimal | None:
    if value is None:
        return None
    try:
        result = Decimal(str(value))
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


def yes_no(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return _lookup(value, {True: YES_NO[0], False: YES_NO[1]})


def _lookup(value, labels: dict) -> object:
    text_value = str(value).strip()
    key = _label_index(tuple(labels.items())).get(text_value)
    if key is not None:
        return key
    offered = ", ".join(str(label) for label in labels.values())
    raise CellError(
        _("“%(value)s” is not one of: %(offered)s.") % {"value": text_value, "offered": offered}
    )


@functools.cache
def _label_index(labels: tuple) -> dict:
    """Value or label in any language → value; built once per set of choices."""
    index = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            index.update({str(label): key for key, label in labels})
    index.update({key: key for key, _label in labels if isinstance(key, str)})
    return index


def choice(choices) -> Callable[[object], str]:
    """A parser for a TextChoices enum, accepting its label in any language or its value."""

    def parse(value) -> str:
        if value is None:
            return ""
        return _lookup(value, dict(choices.choices))

    return parse


def choice_list(choices) -> Callable[[object], list[str]]:
    """Several labels separated by commas (Chinese or Latin); empty means none."""
    single = choice(choices)

    def parse(value) -> list[str]:
        if value is None:
            return []
        parts = str(value).replace("，", ",").replace("、", ",").split(",")
        return [single(part) for part in parts if part.strip()]

    return parse
