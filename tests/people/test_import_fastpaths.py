"""The import's per-row fast paths give the same results as the reference functions."""

import datetime as dt
import hmac
import uuid

import pytest

from bastion.core.fastfernet import hmac_prefixed, uuid4_hexes
from bastion.core.idnumber import IdNumberError, make_id_number, parse_id_number
from bastion.core.masking import mask_id_number, mask_phone
from bastion.people.bulk import _IdParser

TODAY = dt.date(2026, 11, 30)


def _samples() -> list[str]:
    good = [
        make_id_number("430121", dt.date(1990, 1, 1) + dt.timedelta(days=d), d)
        for d in range(0, 9000, 37)
    ]
    bad_check = [v[:17] + ("0" if v[17] != "0" else "1") for v in good[:20]]
    return [
        *good,
        *bad_check,
        *(v.lower() for v in good if v.endswith("X")),
        *(" " + v[:6] + " " + v[6:] + "\u3000" for v in good[:5]),
        make_id_number("430121", dt.date(2030, 1, 1), 1),  # born in the future
        make_id_number("430121", dt.date(1870, 1, 1), 1),  # too old
        "43012119900230123X",  # 30 February
        "4301211990010112",
        "43012119900101123",
        "4301211990010112345",
        "43012119900101１２３4",  # full-width digits
        "A30121199001011234",
        "430121199001011Y34",
        "43012119900101123Y",
        "",
    ]


@pytest.mark.parametrize("raw", _samples())
def test_fast_id_parser_agrees_with_parse_id_number(raw):
    parser = _IdParser(TODAY)
    try:
        expected = parse_id_number(raw, today=TODAY)
    except IdNumberError as exc:
        with pytest.raises(IdNumberError) as caught:
            parser.parse(raw)
        assert str(caught.value) == str(exc)
        return
    for _ in range(2):  # the second time the birth date comes from the cache
        got = parser.parse(raw)
        assert (got.value, got.birth_date, got.gender) == (
            expected.value,
            expected.birth_date,
            expected.gender,
        )
        assert got.iso == expected.birth_date.isoformat()
        assert mask_id_number(got.value) == got.value[:6] + "********" + got.value[14:]


def test_inline_phone_mask_matches_masking():
    phone = "13812341234"
    assert mask_phone(phone) == phone[:3] + "****" + phone[7:]


def test_prefixed_hmac_matches_blind_index_formula():
    key = b"k" * 40
    digest = hmac_prefixed(key, b"id_number:")
    assert (
        digest(b"430121199001011234")
        == hmac.digest(key, b"id_number:430121199001011234", "sha256").hex()
    )
    long_key = b"q" * 100
    assert hmac_prefixed(long_key, b"p:")(b"x") == hmac.digest(long_key, b"p:x", "sha256").hex()


def test_batched_uuids_are_random_version_4():
    hexes = uuid4_hexes(1000)
    assert len(set(hexes)) == 1000
    for text in hexes:
        value = uuid.UUID(hex=text)
        assert value.version == 4
        assert value.variant == uuid.RFC_4122
    assert uuid4_hexes(0) == []


@pytest.mark.django_db
def test_parallel_import_names_a_row_repeated_in_a_later_chunk_in_the_error_workbook(
    county, monkeypatch, tmp_path
):
    import openpyxl

    from bastion.core.importing import ImportMode
    from bastion.people import importing

    from .conftest import csv_bytes, ident

    monkeypatch.setattr(importing, "CHUNK", 2)
    grid = county.grid_a1_1.code
    rows = [["甲", ident(1), "", grid, "1号", "", "", ""], ["乙", ident(2), "", grid, "1号", "", "", ""],
            ["丙", ident(3), "", grid, "2号", "", "", ""], ["甲2", ident(1), "", grid, "99号", "", "", ""]]  # fmt: skip
    target = tmp_path / "errors.xlsx"
    report = importing.roster_import(
        actor=None, source=csv_bytes(rows), filename="r.csv", workers=2,
        mode=ImportMode.VALID_ROWS, error_workbook=target,
    )  # fmt: skip
    assert report.created == 3 and report.rejected == 1
    sheet = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert sheet[1][0] == 5 and sheet[1][1] == "甲2"


@pytest.mark.parametrize(
    "raw",
    ["13812341234", "12812341234", "23812341234", "1381234123", "138123412345", "１3812341234"],
)
def test_fast_phone_check_agrees_with_parse_mobile(raw):
    from bastion.core.phone import PhoneError, parse_mobile
    from bastion.people.bulk import _MOBILE_2ND

    fast = (
        len(raw) == 11
        and raw.isascii()
        and raw.isdigit()
        and raw[1] in _MOBILE_2ND
        and raw[0] == "1"
    )
    try:
        assert parse_mobile(raw) == raw or not fast
    except PhoneError:
        assert not fast


def test_read_ahead_yields_in_order_and_raises_reading_errors_in_the_caller():
    from bastion.core.tabular import TableError
    from bastion.people.importing import _read_ahead

    def chunks():
        yield from ([i] for i in range(5))
        raise TableError("坏文件")

    got = []
    with pytest.raises(TableError, match="坏文件"):
        for chunk in _read_ahead(chunks(), "zh-hans"):
            got.append(chunk)
    assert got == [[0], [1], [2], [3], [4]]


def test_read_ahead_stops_its_thread_when_the_caller_stops_early():
    import threading

    from bastion.people.importing import _read_ahead

    reader = _read_ahead(iter([[i] for i in range(1000)]), "zh-hans")
    assert next(reader) == [0]
    reader.close()
    assert not any(t.name == "roster-reader" for t in threading.enumerate())
