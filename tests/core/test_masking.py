import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from bastion.core.idnumber import make_id_number
from bastion.core.masking import mask_id_number, mask_name, mask_phone

ids = st.builds(
    make_id_number,
    st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


def test_id_number_mask_shape():
    assert mask_id_number("43012119900101123X") == "430121********123X"


def test_phone_mask_shape():
    assert mask_phone("13812341234") == "138****1234"


@given(value=ids)
def test_masked_id_keeps_division_and_last_four_only(value):
    masked = mask_id_number(value)
    assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", masked)
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]


@given(value=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_phone_hides_the_middle(value):
    masked = mask_phone(value)
    assert re.fullmatch(r"1\d\d\*{4}\d{4}", masked)
    assert masked[7:] == value[7:]


def test_empty_and_short_values():
    assert mask_id_number("") == "" and mask_phone("") == ""
    assert mask_id_number("12345") == "*****"
    assert mask_phone("12345") == "*****"


def test_name_mask_keeps_the_family_name():
    assert mask_name("张三丰") == "张**"
