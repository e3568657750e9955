import pytest
from django.core.exceptions import ValidationError

from jifen.orgs.validators import mask, validate_id_number


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", "440524188001010014"]
)
def test_valid_id_numbers(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    "number", ["110105194912310021", "11010519491231002", "1101051949123100XX", "", "abc"]
)
def test_invalid_id_numbers(number):
    with pytest.raises(ValidationError):
        validate_id_number(number)


def test_mask_keeps_only_the_ends():
    assert mask("11010519491231002X", 4, 4) == "1101**********002X"
    assert mask("13812345678", 3, 4) == "138****5678"
    assert mask("", 3, 4) == ""
