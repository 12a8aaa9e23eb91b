import base64
import random

from cryptography.fernet import Fernet, MultiFernet

from bastion.core import crypto
from bastion.core.fastfernet import FastFernet


def _values() -> list[str]:
    rng = random.Random(7)
    values = [f"4301211990{i:04d}123{i % 10}" for i in range(300)]  # 18 bytes, 2 blocks
    values += [f"13{i:09d}" for i in range(300)]  # 11 bytes, 1 block
    values += ["", "x", "a" * 15, "b" * 16, "c" * 17, "d" * 32, "张三", "张" * 40]
    values += [
        "".join(rng.choice("0123456789X张") for _ in range(rng.randint(1, 60))) for _ in range(200)
    ]
    rng.shuffle(values)
    return values


def test_fast_fernet_tokens_decrypt_with_standard_fernet():
    key = Fernet.generate_key()
    values = _values()
    tokens = FastFernet(key).encrypt_many(values)
    standard = MultiFernet([Fernet(key)])
    assert len(tokens) == len(values)
    for value, token in zip(values, tokens, strict=True):
        if not value:
            assert token == ""
            continue
        assert standard.decrypt(token.encode()).decode() == value


def test_fast_fernet_tokens_decrypt_with_core_crypto(settings):
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        Fernet.generate_key().decode(),
    ]
    crypto.reset_caches()
    try:
        values = ["430121199001011234", "13812341234", "some other value"]
        tokens = FastFernet(settings.FIELD_ENCRYPTION_KEYS[0]).encrypt_many(values)
        assert [crypto.decrypt(t) for t in tokens] == values
    finally:
        crypto.reset_caches()


def test_fast_fernet_uses_a_fresh_iv_per_token():
    key = Fernet.generate_key()
    tokens = FastFernet(key).encrypt_many(["430121199001011234"] * 500)
    ivs = {base64.urlsafe_b64decode(t)[9:25] for t in tokens}
    assert len(ivs) == 500
    assert len(set(tokens)) == 500


def test_fast_fernet_token_carries_the_given_time():
    key = Fernet.generate_key()
    (token,) = FastFernet(key).encrypt_many(["13812341234"], now=1_700_000_000)
    assert Fernet(key).extract_timestamp(token.encode()) == 1_700_000_000
