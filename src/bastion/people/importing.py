"""Roster import (.csv / .xlsx): stream, validate, merge by ID number, write in bulk.

The file is read in chunks of CHUNK rows. Each chunk is validated and encrypted by
`bulk.encode_chunk` (in worker processes for large files; on PostgreSQL they also
pre-format the chunk as COPY text), then the main process writes it
(`stagewrite.StageWriter` on PostgreSQL: COPY into a temporary staging table, then
set-based INSERT ... SELECT of households and people; `bulkwrite.ChunkWriter` with
executemany elsewhere), merging rows that match an existing person (filling blanks;
different values are kept and reported as conflicts).

The whole import runs in one transaction. A dry run, or an all-or-nothing import with
a rejected row, rolls it back at the end, so the preview counts are exactly what the
import does. Rows created or merged by this import carry its timestamp in
created_at/updated_at, which is how a later chunk recognises an ID number repeated
within the file without keeping every ID number in memory.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import queue
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_by_path
from bastion.core.audit import Action, audit_record
from bastion.core.importing import ImportMode, ImportReport, nothing_to_import_message
from bastion.core.tabular import Column, RowError, TableError, open_table, write_error_workbook
from bastion.geo.models import Level, Region
from bastion.people import bulkwrite, stagewrite
from bastion.people.bulk import EncodeContext, EncodedChunk, encode_chunk, repeated_message
from bastion.people.inputs import tag_index
from bastion.people.models import Tag

COLUMNS = [
    Column("name", "姓名", ("名字",), required=True),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号"),
        required=True,
    ),
    Column("phone", "手机号", ("手机", "手机号码", "联系电话", "电话", "联系方式")),
    Column("gender", "性别"),
    Column("birth_date", "出生日期", ("出生年月日",)),
    Column("address", "住址", ("地址", "现住址", "家庭住址", "居住地址")),
    Column("grid", "网格", ("所属网格", "网格编码", "网格名称")),
    Column("household", "户号", ("门牌号", "户", "户编号")),
    Column("head", "户主", ("户主姓名",)),
    Column("relation", "与户主关系", ("关系",)),
    Column("tags", "标签", ("人员标签",)),
]
CHUNK = 5000
PREVIEW_ROWS = 50
MAX_CONFLICTS_KEPT = 1000
PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # smaller files are encoded in-process
WORKERS = min(2, os.cpu_count() or 1)


class _Rollback(Exception):
    pass


def roster_preview(*, actor, source, filename: str, default_grid: Region | None = None, **kw):
    """Dry run: what an import would create, merge and reject (nothing is written)."""
    return _run(actor=actor, source=source, filename=filename, default_grid=default_grid,
                mode=ImportMode.ALL_OR_NOTHING, dry_run=True, **kw)  # fmt: skip


def roster_import(
    *,
    actor,
    source: str | Path | IO[bytes],
    filename: str,
    mode: str = ImportMode.ALL_OR_NOTHING,
    default_grid: Region | None = None,
    progress: Callable[[int], Any] | None = None,
    error_workbook: str | Path | None = None,
    ip_address: str | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import a roster. All-or-nothing unless mode is VALID_ROWS; merges, never duplicates.

    `progress(rows_done)` is called after every chunk; `error_workbook`, when given, is
    written with every rejected row (only if there are any).
    """
    return _run(actor=actor, source=source, filename=filename, default_grid=default_grid,
                mode=mode, dry_run=False, progress=progress, error_workbook=error_workbook,
                ip_address=ip_address, workers=workers)  # fmt: skip


def _grid_maps(actor) -> tuple[dict, dict]:
    qs = Region.objects.filter(level=Level.GRID)
    if actor is not None:
        qs = restrict_by_path(qs, actor, Perm.PERSON_IMPORT)
    grids: dict[str, tuple[int, str, str]] = {}
    names: dict[str, str | None] = {}
    for pk, code, path, name in qs.values_list("pk", "code", "path", "name"):
        grids[code] = (pk, path, name)
        names[name] = None if name in names else code
    return grids, names


def _tag_map() -> dict[str, int]:
    return tag_index(Tag.objects.values_list("pk", "code", "name_zh", "name_en"))


def _chunks(rows: Iterator[tuple[int, list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    chunk: list[tuple[int, list[str]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _encoded(ctx: EncodeContext, chunks, workers: int) -> Iterator[EncodedChunk]:
    """Encode chunks in order, `workers` processes ahead of the writer (bounded memory)."""
    if workers <= 1:
        for chunk in chunks:
            yield _sourced(encode_chunk(ctx, chunk), chunk, ctx)
        return
    import multiprocessing

    chunks = _read_ahead(chunks, ctx.language)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((pool.submit(encode_chunk, ctx, chunk), chunk))
            if len(pending) > workers + 1:
                future, sent = pending.popleft()
                yield _sourced(future.result(), sent, ctx)
        while pending:
            future, sent = pending.popleft()
            yield _sourced(future.result(), sent, ctx)


_END = object()


def _read_ahead(chunks: Iterator, language: str, depth: int = 2) -> Iterator:
    """`chunks`, read by a thread up to `depth` chunks ahead.

    Reading the file (CSV parsing, XLSX unzipping) then overlaps the database writes:
    psycopg releases the GIL while it waits for the server. An error while reading
    (e.g. TableError) is raised here, in the caller's thread.
    """
    pipe: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                pipe.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            with translation.override(language):
                for chunk in chunks:
                    if not put(chunk):
                        return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(exc)
            return
        put(_END)

    reader = threading.Thread(target=run, name="roster-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = pipe.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _sourced(encoded: EncodedChunk, chunk, ctx: EncodeContext) -> EncodedChunk:
    """Attach the rows as sent, from which `EncodedChunk.texts_of` reads valid rows' texts."""
    encoded.source, encoded.indexes = chunk, ctx.indexes
    return encoded


def _source_size(source) -> int:
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    try:
        here = source.tell()
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(here)
        return size
    except (AttributeError, OSError):
        return 0


def _context(table, *, actor, default_grid: Region | None) -> EncodeContext:
    """What the row encoder needs: the grids in the actor's scope, tags, keys, the time."""
    grids, grid_names = _grid_maps(actor)
    if default_grid is not None and default_grid.code not in grids:
        raise TableError(_("默认网格不存在或不在您的管辖范围内"))
    if "grid" not in table.positions and default_grid is None:
        raise TableError(_("文件中没有“网格”列，请选择默认网格"))
    return EncodeContext(
        keys=table.keys,
        labels=table.labels,
        fernet_key=settings.FIELD_ENCRYPTION_KEYS[0],
        index_key=settings.BLIND_INDEX_KEY.encode(),
        grids=grids,
        grid_names=grid_names,
        tags=_tag_map(),
        default_grid=default_grid.code if default_grid else None,
        created_at=timezone.now().isoformat(),
        today=timezone.localdate(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        indexes=table.indexes,
    )


def _run(
    *,
    actor,
    source,
    filename: str,
    default_grid: Region | None,
    mode: str,
    dry_run: bool,
    progress=None,
    error_workbook=None,
    ip_address=None,
    workers: int | None = None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    report.mode = mode
    stream = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - rejected rows, for the error workbook
    try:
        try:
            table = open_table(stream, filename=filename, columns=COLUMNS)
            ctx = _context(table, actor=actor, default_grid=default_grid)
            postgres = connection.vendor == "postgresql"
            if postgres:
                ctx = dataclasses.replace(ctx, stage=True)
            stamp = datetime.fromisoformat(ctx.created_at)
            if workers is None:
                workers = WORKERS if _source_size(stream) >= PARALLEL_MIN_BYTES else 1
            with transaction.atomic():
                kind = stagewrite.StageWriter if postgres else bulkwrite.ChunkWriter
                writer = kind(stamp=stamp, actor=actor, ip_address=ip_address)
                repeats: dict[int, int] = {}
                for encoded in _encoded(ctx, _chunks(table.raw_rows()), workers):
                    _apply(report, writer, encoded, ctx, spool, repeats)
                    if progress is not None:
                        progress(report.rows_read)
                if report.rows_read == 0:
                    raise TableError(nothing_to_import_message())
                commit = not dry_run and (mode == ImportMode.VALID_ROWS or report.rejected == 0)
                if not commit:
                    raise _Rollback
                audit_record(
                    actor=actor,
                    action=Action.IMPORT,
                    object_type="people.person",
                    object_repr=filename[:200],
                    changes={
                        "rows_read": report.rows_read,
                        "created": report.created,
                        "merged": report.merged,
                        "rejected": report.rejected,
                        "mode": mode,
                    },
                    ip_address=ip_address,
                )
                report.committed = True
        except _Rollback:
            pass
        except TableError as exc:
            report.file_error = str(exc)
        if error_workbook and report.error_count:
            spool.seek(0)
            write_error_workbook(error_workbook, columns=COLUMNS, rows=_spooled(spool))
    finally:
        spool.close()
        if isinstance(source, (str, Path)):
            stream.close()
    return report


def _spooled(spool) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
    while True:
        try:
            number, values, errors = pickle.load(spool)  # noqa: S301 - our own temp file
        except EOFError:
            return
        yield number, values, [RowError(number, c, m) for c, m in errors]


def _repeats_across_chunks(
    encoded: EncodedChunk, writer, ctx, repeats: dict[int, int]
) -> list[tuple[int, list[str], list[tuple[str, str]]]]:
    """Rows repeating an ID number of an earlier chunk that the writer cannot see: a
    valid row after a refused one (taken out of the chunk), and a refused row after any
    (the repeat is added to its errors). `repeats` maps int(id[:17]) to the first row of
    a refused row's number, across the whole file."""
    id_label = ctx.labels.get("id_number", "身份证号")
    late = {
        number: repeats[key]
        for key, number in zip(encoded.keys, encoded.rows, strict=True)
        if key in repeats
    }
    rejected = []
    for number, first in late.items():
        texts = encoded.texts_of(number) if encoded.block else _valid_texts(encoded, number)
        rejected.append((number, texts, [(id_label, repeated_message(first))]))
    encoded.drop(set(late))
    for number, texts, errors in encoded.rejected:
        key = encoded.rejected_keys.get(number)
        if key is not None:
            first = repeats.get(key) or writer._first_row(key)
            if (
                first
                and first < number
                and not any(m == repeated_message(first) for _c, m in errors)
            ):
                errors = [*errors, (id_label, repeated_message(first))]
            repeats.setdefault(key, number)
        rejected.append((number, texts, errors))
    return rejected


def _valid_texts(encoded: EncodedChunk, number: int) -> list[str]:
    return next(r.texts for r in encoded.valid if r.row == number)


def _apply(report: ImportReport, writer, encoded: EncodedChunk, ctx, spool, repeats) -> None:
    report.rows_read += len(encoded.rows) + len(encoded.rejected)
    for number in encoded.totals:
        report.skip_totals_row(number)
    rejected = _repeats_across_chunks(encoded, writer, ctx, repeats)
    outcome = writer.write(encoded, ctx, preview=PREVIEW_ROWS - len(report.preview))
    rejected.extend(outcome.rejected)
    report.created += outcome.created
    report.merged += outcome.merged
    for conflict in outcome.conflicts:
        if len(report.conflicts) < MAX_CONFLICTS_KEPT:
            report.conflicts.append(conflict)
    rejected.sort(key=lambda r: r[0])
    for number, texts, errors in rejected:
        report.rejected += 1
        for column, message in errors:
            report.reject(RowError(number, column, message))
        values = dict(zip(ctx.keys, texts, strict=True))
        pickle.dump((number, values, errors), spool)
    if len(report.preview) < PREVIEW_ROWS:
        _add_preview(report, encoded, outcome, rejected, ctx)


def _add_preview(report, encoded: EncodedChunk, outcome, rejected, ctx) -> None:
    names = {pk: name for pk, _path, name in ctx.grids.values()}
    entries: list[tuple[int, dict]] = []
    for row in encoded.valid if outcome.rows is None else outcome.rows:
        action = outcome.actions.get(row.row)
        if action is None:
            continue
        entries.append(
            (
                row.row,
                {
                    "row": row.row,
                    "action": action,
                    "name": row.name,
                    "id_number_masked": row.id_masked,
                    "phone_masked": row.phone_masked,
                    "grid": names.get(row.grid_id, ""),
                    "household": row.household_label,
                    "messages": [],
                },
            )
        )
    id_pos = ctx.keys.index("id_number")
    name_pos = ctx.keys.index("name")
    for number, texts, errors in rejected:
        from bastion.core.masking import mask_id_number

        entries.append(
            (
                number,
                {
                    "row": number,
                    "action": "reject",
                    "name": texts[name_pos],
                    "id_number_masked": mask_id_number(texts[id_pos]),
                    "phone_masked": "",
                    "grid": "",
                    "household": "",
                    "messages": [f"{c}：{m}" for c, m in errors],
                },
            )
        )
    entries.sort(key=lambda e: e[0])
    for _number, entry in entries[: PREVIEW_ROWS - len(report.preview)]:
        report.preview.append(entry)


def connection_is_postgres() -> bool:
    return connection.vendor == "postgresql"
