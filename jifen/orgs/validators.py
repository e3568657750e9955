import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")

# Plausible dates of the roster: nobody on it was born before 1900, and nobody joined the Party
# before it was founded or before turning eighteen (年满十八岁, the Party Constitution).
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
PARTY_FOUNDED = datetime.date(1921, 7, 1)
JOINING_AGE = 18


def normalise_id_number(value: str) -> str:
    """An ID number as it is stored, compared and indexed: full-width characters as ASCII
    (NFKC), spaces dropped, x as X."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def id_number_check_code(first17: str) -> str:
    """The check character of a resident ID number (GB 11643), from its first 17 digits."""
    return _CHECK_CODES[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    """The birth date written in digits 7–14 (YYYYMMDD); None when they are no date."""
    digits = (value or "")[6:14]
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    value = (value or "").upper()
    if not _SHAPE.match(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."))
    if id_number_check_code(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong; please check the number."))
    if id_number_birth_date(value) is None:
        raise ValidationError(_("Digits 7 to 14 of the ID number are not a date of birth."))


def member_date_errors(
    *, id_number: str, birth_date, join_date, today: datetime.date
) -> dict[str, str]:
    """What is implausible about a member's dates, by field (id_number, birth_date, join_date).
    The birth date must be the one in the ID number; without one, the ID number's date counts."""
    errors = {}
    in_id = _birth_date_of_valid(id_number)
    given = isinstance(birth_date, datetime.date)
    born = birth_date if given else in_id
    if born is not None and not EARLIEST_BIRTH <= born <= today:
        errors["birth_date" if given else "id_number"] = _birth_range(today)
    elif born is not None and in_id is not None and born != in_id:
        errors["birth_date"] = _(
            "The birth date differs from the one in the ID number (%(date)s)."
        ) % {"date": in_id.isoformat()}
    # The eighteenth birthday is reckoned only from a birth date that is itself right.
    if isinstance(join_date, datetime.date) and (
        message := _join_error(join_date, None if errors else born, today)
    ):
        errors["join_date"] = message
    return errors


def _birth_date_of_valid(id_number: str) -> datetime.date | None:
    try:
        validate_id_number(id_number)
    except ValidationError:
        return None
    return id_number_birth_date(id_number)


def _birth_range(today: datetime.date) -> str:
    return _("A birth date lies between %(earliest)s and today (%(today)s).") % {
        "earliest": EARLIEST_BIRTH.isoformat(),
        "today": today.isoformat(),
    }


def _join_error(join_date: datetime.date, born: datetime.date | None, today) -> str | None:
    if join_date > today:
        return _("The date of joining the Party cannot be in the future.")
    if join_date < PARTY_FOUNDED:
        return _("The Party was founded on %(date)s; nobody joined it earlier.") % {
            "date": PARTY_FOUNDED.isoformat()
        }
    if born is not None and join_date < coming_of_age(born):
        return _(
            "Members join the Party at eighteen at the earliest; this member turned eighteen "
            "on %(date)s."
        ) % {"date": coming_of_age(born).isoformat()}
    return None


def coming_of_age(born: datetime.date) -> datetime.date:
    """The eighteenth birthday; someone born on 29 February comes of age on 1 March."""
    try:
        return born.replace(year=born.year + JOINING_AGE)
    except ValueError:
        return datetime.date(born.year + JOINING_AGE, 3, 1)


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]
