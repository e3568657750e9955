import pytest

from jifen.exchange.cells import is_formula, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_neutralised(value):
    assert is_formula(value)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "a=b", "", None, -5, 3.5])
def test_other_values_are_left_alone(value):
    assert not is_formula(value)
    assert neutralise(value) == value
