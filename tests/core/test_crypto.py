import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from bastion.core import crypto


@given(value=st.text(min_size=1, max_size=40))
def test_encryption_round_trips(value):
    token = crypto.encrypt(value)
    assert token != value
    assert crypto.decrypt(token) == value


def test_empty_stays_empty():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.blind_index("", purpose="id") == ""


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt("13812341234") != crypto.encrypt("13812341234")


@given(value=st.text(min_size=1, max_size=40))
def test_blind_index_is_stable_and_separated_by_purpose(value):
    first = crypto.blind_index(value, purpose="id")
    assert first == crypto.blind_index(value, purpose="id")
    assert len(first) == 64
    assert first != crypto.blind_index(value, purpose="phone")


def test_blind_index_depends_on_the_key(settings):
    before = crypto.blind_index("43012119900101123X", purpose="id")
    settings.BLIND_INDEX_KEY = "another-key"
    crypto.reset_caches()
    try:
        assert crypto.blind_index("43012119900101123X", purpose="id") != before
    finally:
        crypto.reset_caches()


def test_rotation_keeps_old_tokens_readable(settings):
    old_token = crypto.encrypt("secret")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    crypto.reset_caches()
    try:
        assert crypto.decrypt(old_token) == "secret"
        rotated = crypto.rotate(old_token)
        assert Fernet(new_key.encode()).decrypt(rotated.encode()) == b"secret"
    finally:
        crypto.reset_caches()


def test_a_removed_key_fails_loudly(settings):
    token = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    crypto.reset_caches()
    try:
        with pytest.raises(Exception, match="BASTION_FIELD_KEYS"):
            crypto.decrypt(token)
    finally:
        crypto.reset_caches()
