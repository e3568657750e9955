import datetime

import pytest
from django.core.exceptions import ValidationError

from jifen.orgs.validators import (
    coming_of_age,
    id_number_check_code,
    mask,
    member_date_errors,
    normalise_id_number,
    normalise_phone,
    validate_id_number,
)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", "440524188001010014"]
)
def test_valid_id_numbers(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",
        "11010519491231002",
        "1101051949123100XX",
        "",
        "abc",
        # Full-width digits are digits to `\d`, not to an ID number: they are normalised first.
        "１１０１０５１９４９１２３１００２X",
        "11010519491231002X\n",
    ],
)
def test_invalid_id_numbers(number):
    with pytest.raises(ValidationError):
        validate_id_number(number)


def test_mask_keeps_only_the_ends():
    assert mask("11010519491231002X", 4, 4) == "1101**********002X"
    assert mask("13812345678", 3, 4) == "138****5678"
    assert mask("", 3, 4) == ""


def test_digits_7_to_14_must_be_a_date():
    first17 = "11010519491331002"  # month 13
    with pytest.raises(ValidationError, match="7"):
        validate_id_number(first17 + id_number_check_code(first17))


TODAY = datetime.date(2026, 6, 1)


def _errors(birth_date=None, join_date=datetime.date(2015, 7, 1), id_number="11010519491231002X"):
    return member_date_errors(
        id_number=id_number, birth_date=birth_date, join_date=join_date, today=TODAY
    )


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({}, set()),
        ({"birth_date": datetime.date(1949, 12, 31)}, set()),
        ({"birth_date": datetime.date(1800, 1, 1)}, {"birth_date"}),
        ({"birth_date": datetime.date(2027, 1, 1)}, {"birth_date"}),
        ({"birth_date": datetime.date(1950, 1, 1)}, {"birth_date"}),
        ({"join_date": datetime.date(2026, 6, 2)}, {"join_date"}),
        ({"join_date": datetime.date(1921, 6, 30)}, {"join_date"}),
        ({"join_date": datetime.date(1967, 12, 30)}, {"join_date"}),
        ({"join_date": datetime.date(1967, 12, 31)}, set()),
        ({"id_number": "440524188001010014"}, {"id_number"}),
        # A wrong ID number is reported by validate_id_number; its date is not compared.
        ({"id_number": "110105194912310021", "birth_date": datetime.date(1990, 1, 1)}, set()),
    ],
)
def test_member_dates_must_be_plausible(fields, errors):
    assert set(_errors(**fields)) == errors


def test_someone_born_on_29_february_comes_of_age_on_1_march():
    assert coming_of_age(datetime.date(2004, 2, 29)) == datetime.date(2022, 3, 1)
    assert coming_of_age(datetime.date(2004, 3, 1)) == datetime.date(2022, 3, 1)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("110105 19491231 002x", "11010519491231002X"),
        ("110105-19491231-002×", "11010519491231002X"),
    ],
)
def test_id_numbers_are_normalised_to_one_spelling(typed, stored):
    assert normalise_id_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-62345678", "010-62345678"),
        ("(010) 6234 5678", "010-62345678"),
        ("（０１０）６２３４５６７８", "010-62345678"),
        ("+86 10 62345678", "010-62345678"),
        ("0571-88881234", "0571-88881234"),
        ("0755 8888 1234", "0755-88881234"),
        ("0571-88881234 转 123", "0571-88881234转123"),
        ("021-68888888 ext. 45", "021-68888888转45"),
        ("88881234", "88881234"),
        ("6234567", "6234567"),
        ("", ""),
    ],
)
def test_phones_as_people_write_them(typed, stored):
    assert normalise_phone(typed) == stored
    assert normalise_phone(stored) == stored  # read back as itself


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12345",
        "1380013800",
        "138001380001",
        "12800138000",
        "010-1234",
        "010-12345678",
        "13800138000 转 1",
        "0000-00000000",
        "+1 212 555 0100",
        "电话",
    ],
)
def test_what_is_no_phone_is_refused(typed):
    with pytest.raises(ValidationError, match="不是电话号码"):
        normalise_phone(typed)
