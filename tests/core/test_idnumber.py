import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bastion.core.idnumber import (
    FEMALE,
    MALE,
    IdNumberError,
    check_char,
    make_id_number,
    normalize,
    parse_id_number,
)

divisions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
valid_ids = st.builds(make_id_number, divisions, birth_dates, sequences)


@given(division=divisions, born=birth_dates, sequence=sequences)
def test_every_generated_id_parses_with_its_birth_date_and_gender(division, born, sequence):
    parsed = parse_id_number(make_id_number(division, born, sequence))
    assert parsed.birth_date == born
    assert parsed.gender == (MALE if sequence % 2 == 1 else FEMALE)


@given(value=valid_ids, data=st.data())
def test_any_single_character_change_is_rejected(value, data):
    position = data.draw(st.integers(min_value=0, max_value=17))
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != value[position]]))
    changed = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(changed)


@given(value=valid_ids)
def test_lowercase_x_and_spaces_are_normalized(value):
    spaced = f" {value[:6]} {value[6:14]}\u3000{value[14:].lower()} "
    assert parse_id_number(spaced).value == value


def test_check_character_x_is_accepted():
    first17 = next(
        f"43012119900101{n:03d}" for n in range(1000) if check_char(f"43012119900101{n:03d}") == "X"
    )
    assert parse_id_number(first17 + "x").value == first17 + "X"


VALID = make_id_number("430121", dt.date(1990, 1, 1), 123)
WRONG_CHECK = VALID[:17] + ("1" if VALID[17] != "1" else "2")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (VALID[:17], "18位"),
        (VALID[:16] + "AX", "前17位"),
        (VALID[:17] + "Y", "最后一位"),
        (WRONG_CHECK, "校验位"),
    ],
)
def test_malformed_ids_say_what_is_wrong(raw, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw)


def test_impossible_birth_date_is_rejected():
    first17 = "43012119900230123"  # 30 February
    with pytest.raises(IdNumberError, match="出生日期不存在"):
        parse_id_number(first17 + check_char(first17))


def test_future_birth_date_is_rejected():
    value = make_id_number("430121", dt.date(2030, 1, 1), 1)
    with pytest.raises(IdNumberError, match="超出合理范围"):
        parse_id_number(value, today=dt.date(2025, 1, 1))


def test_digits_of_other_scripts_are_rejected():
    value = make_id_number("430121", dt.date(1990, 1, 1), 1)
    arabic_indic = value[:5] + chr(0x0660 + int(value[5])) + value[6:]
    with pytest.raises(IdNumberError):
        parse_id_number(arabic_indic)


def test_normalize_strips_and_uppercases():
    assert normalize(" 12x ") == "12X"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(value=valid_ids)
def test_full_width_digits_and_x_are_normalized_before_validation(value):
    assert parse_id_number(_full_width(value.lower())).value == value


@pytest.mark.parametrize(
    "raw", ["4.30121198003021e+17", "4.30121198003021E+17", "4.30121E+17", "4.3012119800302E17"]
)
def test_an_id_number_stored_by_excel_as_a_number_is_refused_not_guessed(raw):
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw)
    assert str(caught.value) == "身份证号被Excel存成了数字，请把该列设为文本后重新填写"
