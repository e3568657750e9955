import datetime
import functools
import operator
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
# ASCII digits only: `\d` also matches full-width ones ("３"), which would let the same number
# be stored twice in two spellings.
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")

# Plausible dates of the roster: nobody on it was born before 1900, and nobody joined the Party
# before it was founded or before turning eighteen (年满十八岁, the Party Constitution).
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
PARTY_FOUNDED = datetime.date(1921, 7, 1)
JOINING_AGE = 18


def id_number_check_code(first17: str) -> str:
    """The check character of a resident ID number (GB 11643), from its first 17 digits."""
    return _CHECK_CODES[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def id_number_birth_date(value: str) -> datetime.date | None:
    """The birth date written in digits 7–14 (YYYYMMDD); None when they are no date."""
    digits = (value or "")[6:14]
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def normalise_id_number(value: str) -> str:
    """The number as stored: full-width digits and letters made ASCII (NFKC), spaces and
    hyphens people type for readability dropped, the check character upper-case (× for X too)."""
    value = unicodedata.normalize("NFKC", value or "").replace("×", "X")
    return re.sub(r"[\s\-]", "", value).upper()


def validate_id_number(value: str) -> None:
    problem = _id_number_problem((value or "").upper())
    if problem == "shape":
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."))
    if problem == "check":
        raise ValidationError(_("The ID number's check digit is wrong; please check the number."))
    if problem == "date":
        raise ValidationError(_("Digits 7 to 14 of the ID number are not a date of birth."))


# An import checks each number in several places (the row, the member's dates, the model):
# the answer is kept for the numbers of a large file.
@functools.lru_cache(maxsize=1 << 16)
def _id_number_problem(value: str) -> str:
    if len(value) != 18 or not _SHAPE.match(value):
        return "shape"
    if id_number_check_code(value[:17]) != value[17]:
        return "check"
    if id_number_birth_date(value) is None:
        return "date"
    return ""


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


# Phones as people write them: 138 0013 8000, +86 138-0013-8000, (010)12345678, 0571-8888 1234
# 转 123. A landline's area code is 0 then two digits (010, 020–029) or three; its local number
# has seven or eight digits and starts with 2–9.
_PHONE_EXTENSION = re.compile(r"^(.*?)(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s\-.()\u2010-\u2015]")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LOCAL = re.compile(r"^[2-9][0-9]{6,7}$")
_SHORT_AREA_CODES = ("10", *(str(n) for n in range(20, 30)))


def normalise_phone(value: str) -> str:
    """A Chinese mobile number as 11 digits, a landline as area code-number[转extension] (read
    back as itself); "" for an empty value. Raises ValidationError for anything that is no
    such number."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    extension = ""
    if match := _PHONE_EXTENSION.match(text):
        text, extension = match.group(1), match.group(2)
    digits = _PHONE_SEPARATORS.sub("", text)
    digits = re.sub(r"^(\+|00)86", "", digits)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.match(digits[2:]):
        digits = digits[2:]
    if digits.isascii() and digits.isdigit():
        if _MOBILE.match(digits) and not extension:
            return digits
        if number := _landline(digits):
            return f"{number}转{extension}" if extension else number
    raise ValidationError(
        _(
            "“%(value)s” is not a phone number: write an 11-digit mobile number "
            "(13800138000) or a landline with its area code (010-12345678)."
        )
        % {"value": value}
    )


def _landline(digits: str) -> str | None:
    if _LOCAL.match(digits):
        return digits
    if not digits.startswith("0"):
        # "+86 10 12345678": the area code without its 0.
        digits = "0" + digits
    cut = 3 if digits[1:3] in _SHORT_AREA_CODES else 4
    area, local = digits[:cut], digits[cut:]
    return f"{area}-{local}" if len(area) >= 3 and _LOCAL.match(local) else None


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]
