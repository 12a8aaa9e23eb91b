"""Fernet tokens for many short values at once (bulk imports).

A Fernet token (format version 0x80) is urlsafe-base64 of
``0x80 | timestamp (8 bytes BE) | IV (16) | AES-128-CBC ciphertext (PKCS7) | HMAC-SHA256``
where the HMAC (signing key = first 16 bytes of the key) covers everything before it.
`FastFernet.encrypt_many` builds exactly these tokens, so `cryptography.fernet.Fernet`
(and `core.crypto.decrypt`) read them, but does the expensive parts per chunk:

- values of the same byte length are padded together and CBC is computed block position
  by block position for the whole group: C_j = AES-ECB(P_j xor C_{j-1}) with C_0 = the
  token's fresh random IV, the xor done on one big integer per position and the AES with
  ONE encryptor call per position;
- the HMAC reuses precomputed inner/outer SHA-256 states (no key setup per token);
- base64 and the urlsafe translation run once over the joined tokens.

`hmac_prefixed` (blind indexes) and `uuid4_hexes` (public ids) serve the same bulk path.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_URLSAFE = bytes.maketrans(b"+/", b"-_")
_BATCH = 4096  # values per AES call: big-integer xor stays cheap at this size


class FastFernet:
    """Encrypt many strings into standard Fernet tokens under one key."""

    def __init__(self, key: str | bytes):
        raw = base64.urlsafe_b64decode(key)
        if len(raw) != 32:
            raise ValueError("Fernet key must be 32 url-safe base64-encoded bytes")
        signing, encryption = raw[:16], raw[16:]
        self._block = Cipher(algorithms.AES(encryption), modes.ECB()).encryptor()  # noqa: S305 - CBC built on top
        padded = signing.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def encrypt_many(self, values: list[str], *, now: int | None = None) -> list[str]:
        """One token per value, in order; empty values give empty strings."""
        head = b"\x80" + struct.pack(">Q", int(time.time()) if now is None else now)
        out: list[bytes] = [b""] * len(values)
        groups: dict[int, list[tuple[int, bytes]]] = {}
        for i, value in enumerate(values):
            if value:
                data = value.encode()
                groups.setdefault(len(data), []).append((i, data))
        for length, members in groups.items():
            for start in range(0, len(members), _BATCH):
                self._encrypt_group(head, length, members[start : start + _BATCH], out)
        joined = b"\n".join(out).translate(_URLSAFE).decode()
        return joined.split("\n")

    def _encrypt_group(
        self, head: bytes, length: int, members: list[tuple[int, bytes]], out: list[bytes]
    ) -> None:
        n = len(members)
        pad_n = 16 - length % 16
        pad = bytes((pad_n,)) * pad_n
        size = length + pad_n  # bytes of ciphertext per value
        blocks = size // 16
        plain = pad.join(data for _i, data in members) + pad  # n * size bytes
        ivs = os.urandom(16 * n)
        width = 16 * n
        update = self._block.update
        previous = int.from_bytes(ivs, "big")
        columns: list[bytes] = []
        for j in range(blocks):
            if blocks == 1:
                column = plain
            else:
                column = b"".join([plain[o : o + 16] for o in range(16 * j, n * size, size)])
            cipher = update((int.from_bytes(column, "big") ^ previous).to_bytes(width, "big"))
            columns.append(cipher)
            previous = int.from_bytes(cipher, "big")
        encode = base64.b64encode
        inner_copy, outer_copy = self._inner.copy, self._outer.copy
        first, rest = columns[0], columns[1:]
        second = rest[0] if len(rest) == 1 else None
        for k, (i, _data) in enumerate(members):
            a, b = 16 * k, 16 * k + 16
            if not rest:
                body = head + ivs[a:b] + first[a:b]
            elif second is not None:
                body = head + ivs[a:b] + first[a:b] + second[a:b]
            else:
                body = head + ivs[a:b] + b"".join([c[a:b] for c in columns])
            inner = inner_copy()
            inner.update(body)
            outer = outer_copy()
            outer.update(inner.digest())
            out[i] = encode(body + outer.digest())


def hmac_prefixed(key: bytes, prefix: bytes):
    """HMAC-SHA256 hex of prefix + message, with the key and prefix hashed once."""
    padded = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded) + prefix)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    inner_copy, outer_copy = inner.copy, outer.copy

    def digest(message: bytes) -> str:
        h = inner_copy()
        h.update(message)
        o = outer_copy()
        o.update(h.digest())
        return o.hexdigest()

    return digest


_UUID_MASKS: dict[int, tuple[int, int]] = {}


def uuid4_hexes(n: int) -> list[str]:
    """n random version-4 UUIDs as 32-digit hex (bits set for the whole batch at once)."""
    if n == 0:
        return []
    masks = _UUID_MASKS.get(n)
    if masks is None:
        keep = bytes.fromhex("ffffffffffff0fff3fffffffffffffff") * n
        put = bytes.fromhex("00000000000040008000000000000000") * n
        masks = _UUID_MASKS[n] = (int.from_bytes(keep, "big"), int.from_bytes(put, "big"))
        if len(_UUID_MASKS) > 8:
            _UUID_MASKS.pop(next(iter(_UUID_MASKS)))
    keep, put = masks
    text = ((int.from_bytes(os.urandom(16 * n), "big") & keep) | put).to_bytes(16 * n, "big").hex()
    return [text[o : o + 32] for o in range(0, 32 * n, 32)]
