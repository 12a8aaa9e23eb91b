"""The writing half of the roster import: one encoded chunk into the database.

`ChunkWriter` (SQLite, portable): one query finds which blind indexes exist, households
are found or created in bulk, new people go in with executemany, matches are merged
(blanks filled, differences reported as masked conflicts) with one audit entry per
changed person. `StageWriter` (PostgreSQL) does the same set-based from a COPYed
staging table; only rows matching an existing person come back to Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import connection
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.geo.models import Household
from bastion.people.bulk import (
    COPY_COLUMNS,
    STAGE_COLUMNS,
    EncodeContext,
    EncodedChunk,
    ValidRow,
)
from bastion.people.models import Gender, Person

_LOOKUP_FIELDS = (
    "pk",
    "id_number_index",
    "created_at",
    "updated_at",
    "public_id",
    "name",
    "phone_index",
    "phone_masked",
    "phone_encrypted",
    "region_id",
    "household_id",
    "relation_to_head",
    "address_text",
    "gender",
    "birth_date",
    "id_number_masked",
    "path",
)
_SQLITE_BATCH = 900


@dataclass
class ChunkOutcome:
    created: int = 0
    merged: int = 0
    rejected: list[tuple[int, list[str], list[tuple[str, str]]]] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    actions: dict[int, str] = field(default_factory=dict)  # row -> "create" / "merge"
    rows: list[ValidRow] | None = None  # stage mode: the rows for the preview


class ChunkWriter:
    """Writes chunks of one import; remembers (compactly) where each ID number first appeared."""

    def __init__(self, *, stamp: dt.datetime, actor, ip_address: str | None = None):
        self.stamp = stamp
        self.actor = actor
        self.ip_address = ip_address
        self._seen: list[tuple[Any, Any]] = []  # (array of int(id[:17]), array of rows)

    def write(self, encoded: EncodedChunk, ctx: EncodeContext, preview: int = 0) -> ChunkOutcome:
        outcome = ChunkOutcome()
        valid = encoded.valid
        existing = self._lookup([r.index for r in valid])
        new: list[ValidRow] = []
        merges: list[tuple[ValidRow, dict]] = []
        id_label = ctx.labels.get("id_number", "身份证号")
        for position, row in enumerate(valid):
            found = existing.get(row.index)
            if found is None:
                new.append(row)
            elif found["created_at"] == self.stamp or found["updated_at"] == self.stamp:
                first = self._first_row(encoded.keys[position])
                message = (
                    _("与第%(row)d行的身份证号重复") % {"row": first}
                    if first
                    else _("身份证号在文件中重复")
                )
                outcome.rejected.append((row.row, row.texts, [(id_label, message)]))
            else:
                merges.append((row, found))
        self._seen.append((encoded.keys, encoded.rows))
        households = self._households(new, merges)
        if new:
            self._insert(new, households)
            self._add_tags_to_new(new)
        for row in new:
            outcome.actions[row.row] = "create"
        outcome.created = len(new)
        if merges:
            self._merge(merges, households, outcome)
        outcome.merged = len(merges)
        return outcome

    def _first_row(self, key: int) -> int:
        for keys, rows in self._seen:
            try:
                return rows[keys.index(key)]
            except ValueError:
                continue
        return 0

    def _lookup(self, indexes: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        if not indexes:
            return found
        for start in range(0, len(indexes), _SQLITE_BATCH):
            batch = indexes[start : start + _SQLITE_BATCH]
            for values in Person.objects.filter(id_number_index__in=batch).values_list(
                *_LOOKUP_FIELDS
            ):
                record = dict(zip(_LOOKUP_FIELDS, values, strict=True))
                found[record["id_number_index"]] = record
        return found

    def _households(self, new: list[ValidRow], merges: list) -> dict[tuple[int, str], int]:
        wanted: dict[tuple[int, str], str] = {}
        for row in new:
            if row.household_label:
                wanted[(row.grid_id, row.household_label)] = row.path
        for row, found in merges:
            if row.household_label and found["region_id"] in (None, row.grid_id):
                wanted[(row.grid_id, row.household_label)] = row.path
        if not wanted:
            return {}
        grid_ids = {g for g, _label in wanted}
        labels = {label for _g, label in wanted}
        ids: dict[tuple[int, str], int] = {}
        for pk, region_id, label in Household.objects.filter(
            region_id__in=grid_ids, label__in=labels
        ).values_list("pk", "region_id", "label"):
            ids[(region_id, label)] = pk
        missing = [key for key in wanted if key not in ids]
        if missing:
            # Households are created in bulk here (geo.services.household_create writes one
            # at a time); the worker has already checked the label's length.
            created = Household.objects.bulk_create(
                [
                    Household(region_id=g, path=wanted[(g, label)], label=label)
                    for g, label in missing
                ]
            )
            if any(h.pk is None for h in created):  # backends without RETURNING
                for pk, region_id, label in Household.objects.filter(
                    region_id__in=grid_ids, label__in=labels
                ).values_list("pk", "region_id", "label"):
                    ids[(region_id, label)] = pk
            else:
                for household in created:
                    ids[(household.region_id, household.label)] = household.pk
        return ids

    def _insert(self, rows: list[ValidRow], households: dict[tuple[int, str], int]) -> None:
        table = Person._meta.db_table
        ops = connection.ops
        created = ops.adapt_datetimefield_value(self.stamp)
        placeholders = ", ".join(["%s"] * len(COPY_COLUMNS))
        sql = f"INSERT INTO {table} ({', '.join(COPY_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608 - fixed identifiers
        params = [
            (
                row.public_id,
                created,
                created,
                row.name,
                row.gender,
                ops.adapt_datefield_value(row.birth_date),
                row.id_encrypted,
                row.index,
                row.id_masked,
                row.phone_encrypted,
                row.phone_index,
                row.phone_masked,
                row.grid_id,
                row.path,
                row.relation,
                row.address,
                households.get((row.grid_id, row.household_label)) if row.household_label else None,
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def _add_tags_to_new(self, rows: list[ValidRow]) -> None:
        tagged = [row for row in rows if row.tag_ids]
        if not tagged:
            return
        ids = dict(
            Person.objects.filter(id_number_index__in=[r.index for r in tagged]).values_list(
                "id_number_index", "pk"
            )
        )
        through = Person.tags.through
        through.objects.bulk_create(
            [
                through(person_id=ids[row.index], tag_id=tag_id)
                for row in tagged
                for tag_id in row.tag_ids
            ],
            ignore_conflicts=True,
        )

    def _merge(self, merges: list, households: dict, outcome: ChunkOutcome) -> None:
        through = Person.tags.through
        person_ids = [found["pk"] for _row, found in merges]
        old_tags: dict[int, set[int]] = {}
        for person_id, tag_id in through.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "tag_id"
        ):
            old_tags.setdefault(person_id, set()).add(tag_id)
        labels = dict(
            Household.objects.filter(
                pk__in={f["household_id"] for _r, f in merges if f["household_id"]}
            ).values_list("pk", "label")
        )
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(self.stamp)
        updates, links = [], []
        for row, found in merges:
            outcome.actions[row.row] = "merge"
            changes, conflicts, values = _merge_values(row, found, households, labels)
            added = [t for t in row.tag_ids if t not in old_tags.get(found["pk"], set())]
            if added:
                links.extend(through(person_id=found["pk"], tag_id=t) for t in added)
                changes["tags"] = [[], added]
            for conflict in conflicts:
                outcome.conflicts.append(
                    {"row": row.row, "name": found["name"], "id_number_masked": row.id_masked}
                    | conflict
                )
            updates.append(
                (
                    values["name"],
                    values["phone_encrypted"],
                    values["phone_index"],
                    values["phone_masked"],
                    values["gender"],
                    ops.adapt_datefield_value(values["birth_date"]),
                    values["region_id"],
                    values["path"],
                    values["household_id"],
                    values["relation_to_head"],
                    values["address_text"],
                    stamp,
                    found["pk"],
                )
            )
            if changes or conflicts:
                audit_record(
                    actor=self.actor,
                    action=Action.MERGE,
                    object_type="people.person",
                    object_id=str(found["public_id"]),
                    object_repr=f"{found['name']} {found['id_number_masked']}",
                    path=values["path"],
                    changes=changes | ({"conflicts": conflicts} if conflicts else {}),
                    ip_address=self.ip_address,
                )
        table = Person._meta.db_table
        sql = (
            f"UPDATE {table} SET name = %s, phone_encrypted = %s, phone_index = %s, "  # noqa: S608
            "phone_masked = %s, gender = %s, birth_date = %s, region_id = %s, path = %s, "
            "household_id = %s, relation_to_head = %s, address_text = %s, updated_at = %s "
            "WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, updates)
        if links:
            through.objects.bulk_create(links, ignore_conflicts=True)


def _merge_values(row: ValidRow, found: dict, households: dict, labels: dict):
    """(masked changes, masked conflicts, new column values) for merging `row` into `found`."""
    values = dict(found)
    changes: dict[str, list] = {}
    conflicts: list[dict] = []
    for attr, new in (("name", row.name), ("relation_to_head", row.relation),
                      ("address_text", row.address)):  # fmt: skip
        old = found[attr]
        if new and old != new:
            if old:
                conflicts.append({"field": attr, "existing": old, "incoming": new})
            else:
                values[attr] = new
                changes[attr] = ["", new]
    if row.phone_index:
        if not found["phone_index"]:
            values["phone_index"], values["phone_masked"] = row.phone_index, row.phone_masked
            values["phone_encrypted"] = row.phone_encrypted
            changes["phone"] = ["", row.phone_masked]
        elif found["phone_index"] != row.phone_index:
            conflicts.append(
                {"field": "phone", "existing": found["phone_masked"], "incoming": row.phone_masked}
            )
    if found["gender"] == Gender.UNKNOWN:
        values["gender"] = row.gender
        changes["gender"] = [Gender.UNKNOWN, row.gender]
    if found["birth_date"] is None:
        values["birth_date"] = row.birth_date
        changes["birth_date"] = ["", row.birth_date.isoformat()]
    if found["region_id"] is None:
        values["region_id"], values["path"] = row.grid_id, row.path
        changes["grid"] = ["", row.path]
    elif found["region_id"] != row.grid_id:
        conflicts.append({"field": "grid", "existing": found["path"], "incoming": row.path})
    if values["region_id"] == row.grid_id and row.household_label:
        if found["household_id"] is None:
            values["household_id"] = households.get((row.grid_id, row.household_label))
            changes["household"] = ["", row.household_label]
        elif labels.get(found["household_id"]) != row.household_label:
            conflicts.append(
                {
                    "field": "household",
                    "existing": labels.get(found["household_id"], ""),
                    "incoming": row.household_label,
                }
            )
    return changes, conflicts, values


_STAGE = "people_import_stage"
_STAGE_DDL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (rn integer, public_id uuid, "
    "created_at timestamptz, updated_at timestamptz, name text, gender text, birth_date date, "
    "id_number_encrypted text, id_number_index text, id_number_masked text, "
    "phone_encrypted text, phone_index text, phone_masked text, region_id bigint, path text, "
    "relation_to_head text, address_text text, household text, tags integer[]) ON COMMIT DROP"
)
_STAGED_FIELDS = (
    "rn, id_number_index, name, gender, birth_date, id_number_masked, phone_index, "
    "phone_encrypted, phone_masked, region_id, path, household, relation_to_head, "
    "address_text, tags, public_id, id_number_encrypted"
)


class StageWriter(ChunkWriter):
    """PostgreSQL: COPY each chunk (pre-formatted by the workers) into an unindexed
    temporary table, then write it set-based: one join finds ID numbers already in the
    registry (normally none), one INSERT ... SELECT creates the chunk's households, one
    INSERT ... SELECT adds the new people with their household ids, one more their tags.
    Only rows that match an existing person come back to Python (to be merged).
    """

    def __init__(self, **kw):
        super().__init__(**kw)
        connection.ensure_connection()
        # Server-side parameter binding: arrays go over the wire without Python quoting.
        self._cursor = psycopg.Cursor(connection.connection)
        self._cursor.execute(_STAGE_DDL)
        # Every statement reads the stage (a few thousand rows, never analysed) whole and
        # probes the registry and households through their unique indexes. Without stats,
        # and with the registry's estimates stale right after a bulk load, the planner
        # picks merge or hash joins over whole tables (20x slower), so this import's
        # transaction only ever gets nested loops over index probes. (Those settings make
        # every plan look expensive, which would switch JIT compilation on: 30 ms a query.)
        for setting in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin", "jit"):
            self._cursor.execute(f"SET LOCAL {setting} = off")

    def write(self, encoded: EncodedChunk, ctx: EncodeContext, preview: int = 0) -> ChunkOutcome:
        outcome = ChunkOutcome()
        cur, person, household = self._cursor, Person._meta.db_table, Household._meta.db_table
        cur.execute(f"TRUNCATE {_STAGE}")
        with cur.copy(f"COPY {_STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            copy.write(encoded.block)
        # Optimistic: every staged row is new. Its household is found or created, and the
        # unique blind index turns away (ON CONFLICT) rows whose ID number is registered.
        cur.execute(
            f"INSERT INTO {household} (public_id, created_at, updated_at, region_id, path, label) "  # noqa: S608
            f"SELECT gen_random_uuid(), %s, %s, region_id, min(path), household FROM {_STAGE} "
            "WHERE household <> '' GROUP BY region_id, household "
            "ON CONFLICT (region_id, label) DO NOTHING RETURNING id",
            [self.stamp, self.stamp],
        )
        new_households = [pk for (pk,) in cur.fetchall()]
        columns = ", ".join(f"s.{c}" for c in COPY_COLUMNS[:-1])
        cur.execute(
            f"INSERT INTO {person} ({', '.join(COPY_COLUMNS)}) SELECT {columns}, h.id "  # noqa: S608
            f"FROM {_STAGE} s LEFT JOIN {household} h ON s.household <> '' "
            "AND h.region_id = s.region_id AND h.label = s.household "
            "ON CONFLICT (id_number_index) DO NOTHING"
        )
        outcome.created = cur.rowcount
        # A staged row was inserted iff the person with its blind index has its public_id.
        inserted = "p.id_number_index = s.id_number_index AND p.public_id = s.public_id"
        if encoded.tagged:
            cur.execute(
                f"INSERT INTO {Person.tags.through._meta.db_table} (person_id, tag_id) "  # noqa: S608
                f"SELECT p.id, t.tag_id FROM {_STAGE} s JOIN {person} p ON {inserted} "
                "CROSS JOIN unnest(s.tags) AS t(tag_id) WHERE cardinality(s.tags) > 0 "
                "ON CONFLICT DO NOTHING"
            )
        merges: list[tuple[ValidRow, dict]] = []
        if outcome.created < len(encoded.rows):
            merges = self._turned_away(encoded, ctx, outcome, new_households)
        self._seen.append((encoded.keys, encoded.rows))
        if preview:
            outcome.rows = list(
                self._staged(encoded, "rn > 0 ORDER BY rn LIMIT %s", [preview]).values()
            )
            turned_away = {number for number, _texts, _errors in outcome.rejected}
            for row in outcome.rows:
                if row.row not in turned_away:
                    outcome.actions.setdefault(row.row, "create")
        outcome.merged = len(merges)
        return outcome

    def _turned_away(self, encoded, ctx, outcome: ChunkOutcome, new_households: list[int]):
        """Rows whose ID number was registered already: merge them, or reject them as
        repeated in this file; drop households this chunk created that nobody joined."""
        cur, person, household = self._cursor, Person._meta.db_table, Household._meta.db_table
        fields = ", ".join(f"p.{'id' if f == 'pk' else f}" for f in _LOOKUP_FIELDS)
        cur.execute(
            f"SELECT s.rn, {fields} FROM {_STAGE} s JOIN {person} p "  # noqa: S608
            "ON p.id_number_index = s.id_number_index AND p.public_id <> s.public_id"
        )
        existing = {rn: dict(zip(_LOOKUP_FIELDS, v, strict=True)) for rn, *v in cur.fetchall()}
        staged = self._staged(encoded, "rn = ANY(%s::int[])", [list(existing)])
        position = {rn: i for i, rn in enumerate(encoded.rows)}
        id_label = ctx.labels.get("id_number", "身份证号")
        merges: list[tuple[ValidRow, dict]] = []
        for rn in sorted(existing):
            found, row = existing[rn], staged[rn]
            if found["created_at"] == self.stamp or found["updated_at"] == self.stamp:
                first = self._first_row(encoded.keys[position[rn]])
                message = (
                    _("与第%(row)d行的身份证号重复") % {"row": first}
                    if first
                    else _("身份证号在文件中重复")
                )
                outcome.rejected.append((rn, row.texts, [(id_label, message)]))
            else:
                merges.append((row, found))
                outcome.actions[rn] = "merge"
        if merges:
            cur.execute(
                f"SELECT h.id, h.region_id, h.label FROM {_STAGE} s JOIN {household} h "  # noqa: S608
                "ON h.region_id = s.region_id AND h.label = s.household WHERE s.rn = ANY(%s::int[])",
                [[row.row for row, _found in merges]],
            )
            households = {(g, label): pk for pk, g, label in cur.fetchall()}
            self._merge(merges, households, outcome)
        if new_households:
            cur.execute(
                f"DELETE FROM {household} h WHERE h.id = ANY(%s::bigint[]) AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {person} p WHERE p.household_id = h.id)",
                [new_households],
            )
        return merges

    def _staged(self, encoded: EncodedChunk, where: str, params: list) -> dict[int, ValidRow]:
        """Staged rows as ValidRow (for merges and the preview), by row number."""
        position = {rn: i for i, rn in enumerate(encoded.rows)}
        self._cursor.execute(f"SELECT {_STAGED_FIELDS} FROM {_STAGE} WHERE {where}", params)  # noqa: S608
        out: dict[int, ValidRow] = {}
        for (rn, index, name, gender, born, id_masked, phone_index, phone_encrypted, phone_masked,
             grid_id, path, label, relation, address, tags, public_id, id_encrypted,
             ) in self._cursor.fetchall():  # fmt: skip
            out[rn] = ValidRow(
                rn, index, "", name, gender, born, id_masked, phone_index, phone_encrypted,
                phone_masked, grid_id, path, label, relation, address, tuple(tags),
                str(public_id), id_encrypted, encoded.texts[position[rn]],
            )  # fmt: skip
        return out
