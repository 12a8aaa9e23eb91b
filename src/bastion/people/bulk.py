"""Roster rows to database rows, fast: validation, encryption and blind indexes per chunk.

`encode_chunk` is a pure function of its arguments (no database), so the importer can
run it in worker processes while the main process streams the file and writes.
Tokens are ordinary Fernet tokens (AES-128-CBC + HMAC-SHA256) that `core.crypto`
decrypts; `core.fastfernet.FastFernet` builds a chunk's tokens in batches. Valid ID
numbers take a fast path here (the same checks as `core.idnumber.parse_id_number`,
which still runs for anything the fast path does not accept, so messages are the same).
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from dataclasses import dataclass, field
from operator import itemgetter, mul

from django.utils import translation
from django.utils.translation import gettext as _

from bastion.core.fastfernet import FastFernet, hmac_prefixed, uuid4_hexes
from bastion.core.idnumber import (
    CHECK_CHARS,
    FEMALE,
    MALE,
    WEIGHTS,
    IdNumberError,
    parse_id_number,
)
from bastion.core.phone import PhoneError, parse_mobile
from bastion.core.tabular import extract, is_totals_row
from bastion.people.identity import ID_PURPOSE, PHONE_PURPOSE
from bastion.people.inputs import (
    birth_date_error,
    gender_error,
    name_error,
    parse_date_text,
    tag_find,
    unknown_tags_error,
)

_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_MOBILE_2ND = frozenset("3456789")
_TAG_SPLIT = re.compile(r"[、,，;；/|\s]+")


@dataclass(frozen=True)
class EncodeContext:
    """Everything a worker needs to check and encode rows (picklable, no database)."""

    keys: tuple[str, ...]  # column keys in the order of the row texts
    labels: dict[str, str]  # column key -> header as the user wrote it
    fernet_key: str
    index_key: bytes
    grids: dict[str, tuple[int, str, str]]  # code -> (id, path, name)
    grid_names: dict[str, str | None]  # name -> code, None when the name is ambiguous
    tags: dict[str, int]  # code / Chinese name / lower-case English name -> Tag id
    default_grid: str | None  # code
    created_at: str  # ISO timestamp written to created_at/updated_at of new rows
    today: dt.date
    language: str
    indexes: list[int] | None = None  # cell positions of `keys` when rows come raw
    # PostgreSQL: build `EncodedChunk.block` (STAGE_COLUMNS lines for COPY into the
    # import's staging table) instead of one ValidRow per row.
    stage: bool = False


@dataclass(slots=True)
class ValidRow:
    row: int
    index: str  # id_number blind index
    copy_prefix: str  # the COPY text line without household_id and newline
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    phone_index: str
    phone_encrypted: str
    phone_masked: str
    grid_id: int
    path: str
    household_label: str
    relation: str
    address: str
    tag_ids: tuple[int, ...]
    public_id: str
    id_encrypted: str
    texts: list[str]  # the row as read, for the error workbook if it is rejected later


@dataclass
class EncodedChunk:
    valid: list[ValidRow] = field(default_factory=list)
    # (row, texts, [(column label, message)])
    rejected: list[tuple[int, list[str], list[tuple[str, str]]]] = field(default_factory=list)
    keys: array = field(default_factory=lambda: array("q"))  # int(id[:17]) of valid rows
    rows: array = field(default_factory=lambda: array("l"))
    # Stage mode only: the COPY text of the valid rows and how many carry tags. The valid
    # rows' texts are not sent back from the worker (pickling them cost both processes
    # time); the importer sets `source` to the rows it sent, and `texts_of` reads them.
    block: bytes = b""
    tagged: int = 0
    source: list[tuple[int, list]] | None = None
    indexes: list[int] | None = None  # as EncodeContext.indexes, for `source`
    _by_row: dict[int, list] | None = None
    totals: list[int] = field(default_factory=list)  # totals rows (合计), skipped
    # int(id[:17]) of rejected rows whose ID number itself was valid: a later row with
    # the same number is a repeat even though this one was refused for something else.
    rejected_keys: dict[int, int] = field(default_factory=dict)  # row -> key

    def drop(self, numbers: set[int]) -> None:
        """Take valid rows out of the chunk before it is written (repeats found late)."""
        if not numbers:
            return
        kept = [i for i, n in enumerate(self.rows) if n not in numbers]
        self.keys = array("q", (self.keys[i] for i in kept))
        self.rows = array("l", (self.rows[i] for i in kept))
        if self.block:
            self.block = b"".join(
                line
                for line in self.block.splitlines(keepends=True)
                if int(line.split(b"\t", 1)[0]) not in numbers
            )
        else:
            self.valid = [r for r in self.valid if r.row not in numbers]

    def texts_of(self, row: int) -> list[str]:
        """The texts of a valid row, as the worker saw them (stage mode)."""
        if self._by_row is None:
            self._by_row = dict(self.source or ())
        cells = self._by_row[row]
        return cells if self.indexes is None else (extract(cells, self.indexes) or [])


def repeated_message(first: int) -> str:
    """A row whose ID number already appeared on row `first` of the file."""
    return _("与第%(row)d行的身份证号重复") % {"row": first}


class _Id:
    __slots__ = ("birth_date", "gender", "iso", "value")

    def __init__(self, value: str, birth_date: dt.date, gender: str, iso: str):
        self.value, self.birth_date, self.gender, self.iso = value, birth_date, gender, iso


_CHECK_OFFSET = ord("0") * sum(WEIGHTS)


class _IdParser:
    """`parse_id_number` with a fast path for well-formed numbers and cached birth dates.

    Anything the fast path does not accept goes to `parse_id_number`, which either
    accepts it (e.g. after normalizing spaces or a lower-case x) or raises its message.
    """

    def __init__(self, today: dt.date):
        self.today = today
        self.dates: dict[str, tuple[dt.date, str] | None] = {}

    def _date(self, digits: str) -> tuple[dt.date, str] | None:
        try:
            born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return None
        if born > self.today or born.year < 1880:
            return None
        return born, born.isoformat()

    def parse(self, raw: str) -> _Id:
        if len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
            check = CHECK_CHARS[(sum(map(mul, raw[:17].encode(), WEIGHTS)) - _CHECK_OFFSET) % 11]
            if check == raw[17]:
                digits = raw[6:14]
                born = self.dates.get(digits, False)
                if born is False:
                    born = self.dates[digits] = self._date(digits)
                if born is not None:
                    return _Id(raw, born[0], MALE if raw[16] in "13579" else FEMALE, born[1])
        parsed = parse_id_number(raw, today=self.today)
        return _Id(parsed.value, parsed.birth_date, parsed.gender, parsed.birth_date.isoformat())


def encode_chunk(ctx: EncodeContext, rows: list[tuple[int, list]]) -> EncodedChunk:
    """Validate rows and build their stored forms; duplicates within the chunk are rejected.

    With `ctx.indexes`, rows are raw cells and the mapped columns are extracted here
    (in the worker) first; empty rows are dropped.
    """
    totals = [n for n, cells in rows if is_totals_row(cells)]
    if totals:
        skip = set(totals)
        rows = [(n, cells) for n, cells in rows if n not in skip]
    if ctx.indexes is not None:
        indexes = ctx.indexes
        rows = [(n, t) for n, cells in rows if (t := extract(cells, indexes)) is not None]
    with translation.override(ctx.language):
        out = _encode(ctx, rows)
    out.totals = totals
    return out


def _encode(ctx: EncodeContext, rows: list[tuple[int, list[str]]]) -> EncodedChunk:
    out = EncodedChunk()
    pos = {k: i for i, k in enumerate(ctx.keys)}
    label = ctx.labels.get
    get = {k: itemgetter(i) for k, i in pos.items()}
    blank = lambda texts: ""  # noqa: E731
    name_of, id_of, phone_of = get["name"], get["id_number"], get.get("phone", blank)
    gender_of, birth_of = get.get("gender", blank), get.get("birth_date", blank)
    grid_of, hh_of = get.get("grid", blank), get.get("household", blank)
    head_of, rel_of = get.get("head", blank), get.get("relation", blank)
    addr_of, tags_of = get.get("address", blank), get.get("tags", blank)
    seen: dict[str, int] = {}
    ok: list[tuple] = []
    parse_id = _IdParser(ctx.today).parse
    for number, texts in rows:
        errors: list[tuple[str, str]] = []
        name = name_of(texts)
        if message := name_error(name):
            errors.append((label("name", "姓名"), message))
        parsed = None
        raw_id = id_of(texts)
        if not raw_id:
            errors.append((label("id_number", "身份证号"), _("身份证号不能为空")))
        else:
            try:
                parsed = parse_id(raw_id)
            except IdNumberError as exc:
                errors.append((label("id_number", "身份证号"), str(exc)))
        phone = phone_of(texts)
        if phone and not (  # already the 11-digit form parse_mobile returns
            len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[1] in _MOBILE_2ND
            and phone[0] == "1"
        ):  # fmt: skip
            try:
                phone = parse_mobile(phone)
            except PhoneError as exc:
                errors.append((label("phone", "手机号"), str(exc)))
        gender_text = gender_of(texts)
        if gender_text and (
            message := gender_error(gender_text, parsed.gender if parsed else None)
        ):
            errors.append((label("gender", "性别"), message))
        birth_text = birth_of(texts)
        if birth_text:
            born = parse_date_text(birth_text)
            if born is None:
                errors.append((label("birth_date", "出生日期"), _("出生日期格式不正确")))
            elif message := birth_date_error(born, parsed.birth_date if parsed else None):
                errors.append((label("birth_date", "出生日期"), message))
        grid_text = grid_of(texts) or ctx.default_grid or ""
        grid = ctx.grids.get(grid_text)
        if grid is None and grid_text in ctx.grid_names:
            code = ctx.grid_names[grid_text]
            if code is None:
                errors.append(
                    (
                        label("grid", "网格"),
                        _("网格名称“%(g)s”不唯一，请填写网格编码") % {"g": grid_text},
                    )
                )
            else:
                grid = ctx.grids[code]
        elif grid is None:
            if grid_text:
                errors.append(
                    (
                        label("grid", "网格"),
                        _("网格“%(g)s”不存在或不在您的管辖范围内") % {"g": grid_text},
                    )
                )
            else:
                errors.append((label("grid", "网格"), _("网格不能为空")))
        household = hh_of(texts)
        head = head_of(texts)
        if not household and head:
            household = _("%(head)s户") % {"head": head}
        if len(household) > 100:
            errors.append((label("household", "户号"), _("户号不能超过100个字")))
        relation = rel_of(texts)
        if not relation and head and head == name:
            relation = _("户主")
        if len(relation) > 20:
            errors.append((label("relation", "与户主关系"), _("与户主关系不能超过20个字")))
        address = addr_of(texts)
        if len(address) > 255:
            errors.append((label("address", "住址"), _("住址不能超过255个字")))
        tag_ids: list[int] = []
        tag_text = tags_of(texts)
        if tag_text:
            unknown = []
            for word in _TAG_SPLIT.split(tag_text):
                if not word:
                    continue
                tag_id = tag_find(ctx.tags, word)
                if tag_id is None:
                    unknown.append(word)
                elif tag_id not in tag_ids:
                    tag_ids.append(tag_id)
            if unknown:
                errors.append((label("tags", "标签"), unknown_tags_error(unknown)))
        if parsed is not None:
            # Every parsed number counts, also on a row refused for something else: a
            # repeat is reported whichever of the two rows has the other error.
            first = seen.get(parsed.value)
            if first is not None:
                errors.append((label("id_number", "身份证号"), repeated_message(first)))
            else:
                seen[parsed.value] = number
        if errors:
            out.rejected.append((number, texts, errors))
            if parsed is not None:
                out.rejected_keys[number] = int(parsed.value[:17])
            continue
        ok.append((number, parsed, name, phone, grid, household, relation, address, tag_ids, texts))
    _build(ctx, ok, out)
    return out


def _build(ctx: EncodeContext, ok: list[tuple], out: EncodedChunk) -> None:
    fernet = FastFernet(ctx.fernet_key)
    id_tokens = fernet.encrypt_many([r[1].value for r in ok])
    phone_tokens = fernet.encrypt_many([r[3] for r in ok])
    uuids = uuid4_hexes(len(ok))
    id_index = hmac_prefixed(ctx.index_key, f"{ID_PURPOSE}:".encode())
    phone_index_of = hmac_prefixed(ctx.index_key, f"{PHONE_PURPOSE}:".encode())
    created = ctx.created_at
    stage = ctx.stage
    lines: list[str] = []
    paths: dict[str, str] = {}  # grid path -> COPY-escaped
    for i, row in enumerate(ok):
        number, parsed, name, phone, grid, household, relation, address, tag_ids, texts = row
        value = parsed.value
        index = id_index(value.encode())
        phone_index = phone_index_of(phone.encode()) if phone else ""
        # core.masking's forms for the only lengths that get here (18-character ID
        # numbers, 11-digit mobiles)
        id_masked = value[:6] + "********" + value[14:]
        phone_masked = phone[:3] + "****" + phone[7:] if phone else ""
        grid_id, path, _grid_name = grid
        fields = (
            uuids[i],
            created,
            created,
            name.translate(_COPY_ESCAPE),
            parsed.gender,
            parsed.iso,
            id_tokens[i],
            index,
            id_masked,
            phone_tokens[i],
            phone_index,
            phone_masked,
            str(grid_id),
            paths.get(path) or paths.setdefault(path, path.translate(_COPY_ESCAPE)),
            relation.translate(_COPY_ESCAPE),
            address.translate(_COPY_ESCAPE),
        )
        out.keys.append(int(value[:17]))
        out.rows.append(number)
        if stage:
            tags = "{" + ",".join(map(str, tag_ids)) + "}"
            out.tagged += bool(tag_ids)
            lines.append(
                f"{number}\t{chr(9).join(fields)}\t{household.translate(_COPY_ESCAPE)}\t{tags}\n"
            )
            continue
        out.valid.append(
            ValidRow(
                number,
                index,
                "\t".join(fields),
                name,
                parsed.gender,
                parsed.birth_date,
                id_masked,
                phone_index,
                phone_tokens[i],
                phone_masked,
                grid_id,
                path,
                household,
                relation,
                address,
                tuple(tag_ids),
                uuids[i],
                id_tokens[i],
                texts,
            )
        )
    if stage:
        out.block = "".join(lines).encode()


COPY_COLUMNS = (
    "public_id",
    "created_at",
    "updated_at",
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "phone_encrypted",
    "phone_index",
    "phone_masked",
    "region_id",
    "path",
    "relation_to_head",
    "address_text",
    "household_id",
)
# The staging table's columns: the row number, COPY_COLUMNS without household_id, then
# the household label and the tag ids.
STAGE_COLUMNS = ("rn", *COPY_COLUMNS[:-1], "household", "tags")
