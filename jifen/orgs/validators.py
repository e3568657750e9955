import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def id_number_check_code(first17: str) -> str:
    """The check character of a resident ID number (GB 11643), from its first 17 digits."""
    return _CHECK_CODES[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    value = (value or "").upper()
    if not _SHAPE.match(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."))
    if id_number_check_code(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong; please check the number."))


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]
