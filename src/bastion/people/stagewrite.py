"""The PostgreSQL roster writer: each chunk is COPied into an unindexed staging table,
then households and people go in with one statement each.

Existing people are found by the unique blind index turning them away on insert;
only then are they fetched, and merged (or rejected as repeated in the file) through
the portable ChunkWriter's merge.
"""

from __future__ import annotations

import psycopg
from django.db import connection

from bastion.geo.models import Household
from bastion.people.bulk import (
    COPY_COLUMNS,
    STAGE_COLUMNS,
    EncodeContext,
    EncodedChunk,
    ValidRow,
)
from bastion.people.bulkwrite import _LOOKUP_FIELDS, ChunkOutcome, ChunkWriter
from bastion.people.models import Person

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
        self._chunk, self._id_label = encoded, ctx.labels.get("id_number", "身份证号")
        if outcome.created < len(encoded.rows):
            self._turned_away(encoded, ctx, outcome, new_households)
        self._seen.append((encoded.keys, encoded.rows))
        if preview:
            outcome.rows = list(
                self._staged(encoded, "rn > 0 ORDER BY rn LIMIT %s", [preview]).values()
            )
            turned_away = {number for number, _texts, _errors in outcome.rejected}
            for row in outcome.rows:
                if row.row not in turned_away:
                    outcome.actions.setdefault(row.row, "create")
        return outcome

    def _turned_away(self, encoded, ctx, outcome: ChunkOutcome, new_households: list[int]):
        """Rows whose ID number was registered already: merge them (or, for someone the
        importer may not change, her provisional record), or reject them as repeated in
        this file; drop households this chunk created that nobody joined."""
        cur, person, household = self._cursor, Person._meta.db_table, Household._meta.db_table
        fields = ", ".join(f"p.{'id' if f == 'pk' else f}" for f in _LOOKUP_FIELDS)
        cur.execute(
            f"SELECT s.rn, {fields} FROM {_STAGE} s JOIN {person} p "  # noqa: S608
            "ON p.id_number_index = s.id_number_index AND p.public_id <> s.public_id"
        )
        existing = {rn: dict(zip(_LOOKUP_FIELDS, v, strict=True)) for rn, *v in cur.fetchall()}
        staged = self._staged(encoded, "rn = ANY(%s::int[])", [list(existing)])
        merges: list[tuple[ValidRow, dict]] = []
        for rn in sorted(existing):
            found, row = existing[rn], staged[rn]
            if found["created_at"] == self.stamp or found["updated_at"] == self.stamp:
                outcome.rejected.append((rn, row.texts, [self._repeat(rn)]))
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

    def _staged(self, encoded: EncodedChunk, where: str, params: list) -> dict[int, ValidRow]:
        """Staged rows as ValidRow (for merges and the preview), by row number."""
        self._cursor.execute(f"SELECT {_STAGED_FIELDS} FROM {_STAGE} WHERE {where}", params)  # noqa: S608
        out: dict[int, ValidRow] = {}
        for (rn, index, name, gender, born, id_masked, phone_index, phone_encrypted, phone_masked,
             grid_id, path, label, relation, address, tags, public_id, id_encrypted,
             ) in self._cursor.fetchall():  # fmt: skip
            out[rn] = ValidRow(
                rn, index, "", name, gender, born, id_masked, phone_index, phone_encrypted,
                phone_masked, grid_id, path, label, relation, address, tuple(tags),
                str(public_id), id_encrypted, encoded.texts_of(rn),
            )  # fmt: skip
        return out
