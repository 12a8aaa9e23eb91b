import pytest
from hypothesis import given
from hypothesis import strategies as st

from bastion.core.phone import PhoneError, parse_mobile

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(number=mobiles)
def test_plain_mobile_numbers_parse_to_themselves(number):
    assert parse_mobile(number) == number


@given(number=mobiles, prefix=st.sampled_from(["+86", "0086", "+86 ", "0086-"]))
def test_country_prefixes_are_dropped(number, prefix):
    assert parse_mobile(prefix + number) == number


@given(number=mobiles)
def test_spaces_and_dashes_inside_are_ignored(number):
    assert parse_mobile(f" {number[:3]} {number[3:7]}-{number[7:]}\u3000") == number


@given(number=mobiles, cut=st.integers(min_value=1, max_value=10))
def test_too_short_numbers_are_rejected(number, cut):
    with pytest.raises(PhoneError):
        parse_mobile(number[:-cut])


@given(number=mobiles, extra=st.from_regex(r"[0-9]{1,3}", fullmatch=True))
def test_too_long_numbers_are_rejected(number, extra):
    with pytest.raises(PhoneError):
        parse_mobile(number + extra)


@pytest.mark.parametrize(
    "raw", ["12812341234", "10812341234", "0731-84011234", "1381234123a", "", "+8513812341234"]
)
def test_malformed_numbers_are_rejected_with_a_chinese_message(raw):
    with pytest.raises(PhoneError, match="手机号"):
        parse_mobile(raw)


def test_digits_of_other_scripts_are_rejected():
    with pytest.raises(PhoneError):
        parse_mobile("١٣٨١٢٣٤١٢٣٤")


@given(number=mobiles)
def test_full_width_digits_are_normalized(number):
    full = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_mobile(f"＋８６ {full}") == number
