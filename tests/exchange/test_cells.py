import pytest

from jifen.exchange.cells import clean, is_formula, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_neutralised(value):
    assert is_formula(value)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "a=b", "", None, -5, 3.5])
def test_other_values_are_left_alone(value):
    assert not is_formula(value)
    assert neutralise(value) == value


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("a\x01b\x1b[0m", "ab[0m"),
        ("\x01=1+1", "'=1+1"),
        ("第一行\r\n第二行\r第三行\n第四行", "第一行\n第二行\n第三行\n第四行"),
        ("甲\t乙", "甲\t乙"),
        ("\r=1+1", "'\n=1+1"),
        (-5, -5),
        (None, None),
    ],
)
def test_clean_drops_what_a_workbook_cannot_hold_and_neutralises_formulas(value, cleaned):
    assert clean(value) == cleaned
