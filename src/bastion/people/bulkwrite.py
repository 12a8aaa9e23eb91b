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

from django.db import connection
from django.utils.translation import gettext as _

from bastion.access.roles import Perm
from bastion.access.scoping import restrict_people
from bastion.core.audit import Action, audit_record
from bastion.geo.models import Household, Region
from bastion.people.bulk import (
    COPY_COLUMNS,
    EncodeContext,
    EncodedChunk,
    ValidRow,
    repeated_message,
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
        self._chunk: EncodedChunk | None = None
        self._id_label = "身份证号"

    def write(self, encoded: EncodedChunk, ctx: EncodeContext, preview: int = 0) -> ChunkOutcome:
        outcome = ChunkOutcome()
        self._chunk, self._id_label = encoded, ctx.labels.get("id_number", "身份证号")
        valid = encoded.valid
        existing = self._lookup([r.index for r in valid])
        new: list[ValidRow] = []
        merges: list[tuple[ValidRow, dict]] = []
        for row in valid:
            found = existing.get(row.index)
            if found is None:
                new.append(row)
            elif found["created_at"] == self.stamp or found["updated_at"] == self.stamp:
                outcome.rejected.append((row.row, row.texts, [self._repeat(row.row)]))
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
        return outcome

    def _repeat(self, number: int) -> tuple[str, str]:
        """The error of a row whose ID number an earlier row of the file already had."""
        chunk = self._chunk
        key = chunk.keys[list(chunk.rows).index(number)]
        first = self._first_row(key)
        message = repeated_message(first) if first else _("身份证号在文件中重复")
        return (self._id_label, message)

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
        """Merge rows into the people they match (counted in outcome.merged); a match the
        importer may not change becomes, or merges into, her provisional record."""
        merges = self._out_of_reach(merges, outcome)
        outcome.merged += len(merges)
        if not merges:
            return
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

    def _out_of_reach(self, merges: list, outcome: ChunkOutcome) -> list:
        """Rows matching someone the importer may not change look exactly like new
        people (docs/decisions/0011): the record on file is left as it is, and the row
        creates a provisional record in the importer's grid, or merges into the one she
        made before. Returns the merges to do."""
        actor = self.actor
        if actor is None or not getattr(actor, "is_authenticated", False) or not merges:
            return merges
        ids = [found["pk"] for _row, found in merges]
        allowed = set(
            restrict_people(
                Person.objects.filter(pk__in=ids), actor, Perm.PERSON_CHANGE
            ).values_list("pk", flat=True)
        )
        kept = [(row, found) for row, found in merges if found["pk"] in allowed]
        outside = [(row, found) for row, found in merges if found["pk"] not in allowed]
        if not outside:
            return kept
        mine: dict[int, dict] = {}
        for values in restrict_people(
            Person.objects.filter(duplicate_of_id__in=[f["pk"] for _r, f in outside]),
            actor,
            Perm.PERSON_CHANGE,
        ).values_list(*_LOOKUP_FIELDS, "duplicate_of_id"):
            record = dict(zip((*_LOOKUP_FIELDS, "duplicate_of_id"), values, strict=True))
            mine.setdefault(record["duplicate_of_id"], record)
        for row, found in outside:
            provisional = mine.get(found["pk"])
            if provisional is None:
                mine[found["pk"]] = self._create_provisional(row, found)
                outcome.created += 1
                outcome.actions[row.row] = "create"
            elif self.stamp in (provisional["created_at"], provisional["updated_at"]):
                outcome.rejected.append((row.row, row.texts, [self._repeat(row.row)]))
            else:
                kept.append((row, provisional))
        return kept

    def _create_provisional(self, row: ValidRow, found: dict) -> dict:
        from bastion.people.duplicates import provisional_recorded
        from bastion.people.services import household_get_or_create

        household = None
        if row.household_label:
            grid = Region.objects.get(pk=row.grid_id)
            household = household_get_or_create(grid=grid, label=row.household_label)
        person = Person(
            public_id=row.public_id,
            name=row.name,
            gender=row.gender,
            birth_date=row.birth_date,
            id_number_encrypted=row.id_encrypted,
            id_number_index=None,
            id_number_masked=row.id_masked,
            phone_encrypted=row.phone_encrypted,
            phone_index=row.phone_index,
            phone_masked=row.phone_masked,
            region_id=row.grid_id,
            path=row.path,
            household=household,
            relation_to_head=row.relation,
            address_text=row.address,
            duplicate_of_id=found["pk"],
        )
        person.save()
        # the import's stamp, by which a later row of the same file is known as a repeat
        Person.objects.filter(pk=person.pk).update(created_at=self.stamp, updated_at=self.stamp)
        if row.tag_ids:
            through = Person.tags.through
            through.objects.bulk_create([through(person=person, tag_id=t) for t in row.tag_ids])
        provisional_recorded(actor=self.actor, person=person, ip_address=self.ip_address)
        return {"pk": person.pk, "created_at": self.stamp, "updated_at": self.stamp}


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
