"""Row counts by region path, kept by the database itself (decision 0093).

A tallied table (people, households) gets triggers that append `(subject, path, ±n)` to
`core.PathTally` whenever rows are inserted, deleted or moved to another path, whatever
wrote them: the ORM, a bulk import's COPY, or an administrator's SQL. The number of rows
under some path prefixes is then the sum of a few hundred tally rows instead of a scan of
a million, and it is exact in every transaction, because the tally rows are written in
the same transaction as the rows they count.

`tallied_count` answers "rows under these prefixes created at or before a moment" as the
tally's sum minus the rows created after the moment (few, for the present; a BRIN index
on `created_at` finds them). `tally_compact` folds each path's rows into one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, connections, models, transaction
from django.db.models import Q, Sum

# --- Installing (used by migrations) -----------------------------------------------------

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION bastion_path_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO core_pathtally (subject, path, n)
      SELECT TG_ARGV[0], path, COUNT(*) FROM tally_new GROUP BY path;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO core_pathtally (subject, path, n)
      SELECT TG_ARGV[0], path, -COUNT(*) FROM tally_old GROUP BY path;
  ELSE
    -- Every updated row leaves its old path and joins its new one; unmoved rows cancel
    -- out. No join of the two tables: the bulk import turns hash joins off.
    INSERT INTO core_pathtally (subject, path, n)
      SELECT TG_ARGV[0], moved.path, SUM(moved.n) FROM (
        SELECT path, -1 AS n FROM tally_old UNION ALL SELECT path, 1 FROM tally_new
      ) moved GROUP BY moved.path HAVING SUM(moved.n) <> 0;
  END IF;
  RETURN NULL;
END $$;
"""


def _pg_install(table: str, subject: str) -> list[str]:
    # Statement-level triggers with transition tables: a COPY of 100,000 rows appends one
    # tally row per path, not 100,000. PostgreSQL allows one event per such trigger.
    call = f"FOR EACH STATEMENT EXECUTE FUNCTION bastion_path_tally('{subject}')"
    return [
        _PG_FUNCTION,
        f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS tally_new {call}",
        f"CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS tally_old {call}",
        f"CREATE TRIGGER {table}_tally_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new {call}",
        # Rows created after a moment are the newest rows: a BRIN index finds them in the
        # last blocks of the table and costs the bulk import next to nothing.
        f"CREATE INDEX {table}_created_brin ON {table} USING brin (created_at)",
    ]


def _sqlite_install(table: str, subject: str) -> list[str]:
    insert = "INSERT INTO core_pathtally (subject, path, n) VALUES"
    return [
        f"CREATE TRIGGER {table}_tally_insert AFTER INSERT ON {table} "
        f"BEGIN {insert} ('{subject}', NEW.path, 1); END",
        f"CREATE TRIGGER {table}_tally_delete AFTER DELETE ON {table} "
        f"BEGIN {insert} ('{subject}', OLD.path, -1); END",
        f"CREATE TRIGGER {table}_tally_update AFTER UPDATE OF path ON {table} "
        f"WHEN OLD.path IS NOT NEW.path "
        f"BEGIN {insert} ('{subject}', OLD.path, -1); {insert} ('{subject}', NEW.path, 1); END",
        f"CREATE INDEX {table}_created_at_tally ON {table} (created_at)",
    ]


def tally_install(schema_editor, *, table: str, subject: str) -> None:
    """Create the triggers (and the created_at index) on `table`, then count the rows it
    already holds. The triggers come first: they lock the table against writers until the
    migration commits, so no row is counted twice or missed."""
    install = _pg_install if schema_editor.connection.vendor == "postgresql" else _sqlite_install
    for statement in install(table, subject):
        schema_editor.execute(statement)
    schema_editor.execute(
        # `table` is a migration's constant, never input.
        f"INSERT INTO core_pathtally (subject, path, n) "  # noqa: S608
        f"SELECT %s, path, COUNT(*) FROM {table} GROUP BY path",
        [subject],
    )


def tally_uninstall(schema_editor, *, table: str, subject: str) -> None:
    """Undo `tally_install` (a migration run backwards)."""
    if schema_editor.connection.vendor == "postgresql":
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_tally_{event} ON {table}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_created_brin")
    else:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_tally_{event}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_created_at_tally")
    schema_editor.execute("DELETE FROM core_pathtally WHERE subject = %s", [subject])


# Tallied tables: subject -> (table, its model's label).
TALLIED = {
    "people": ("people_person", "people.Person"),
    "households": ("geo_household", "geo.Household"),
}


# --- Reading -----------------------------------------------------------------------------


def _under(prefixes: Iterable[str], field: str = "path") -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def tallied_count(
    model: type[models.Model], subject: str, *, prefixes: list[str], as_of: dt.datetime
) -> int:
    """How many rows of `model` (tallied as `subject`) lie under one of `prefixes` and were
    created at or before `as_of`: exactly `model.objects.filter(path under prefixes,
    created_at__lte=as_of).count()`, without reading the rows themselves."""
    from bastion.core.models import PathTally

    if not prefixes:
        return 0
    total = (
        PathTally.objects.filter(_under(prefixes), subject=subject).aggregate(n=Sum("n"))["n"] or 0
    )
    later = model.objects.filter(_under(prefixes), created_at__gt=as_of).order_by().count()
    return total - later


def tally_compact() -> int:
    """Fold the tally rows of each (subject, path) into one; drop paths that sum to zero.
    Returns how many rows were folded away. Concurrent writers are never lost: only the
    rows deleted here are summed back (PostgreSQL), or the database is locked for the
    fold (SQLite)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "WITH gone AS (DELETE FROM core_pathtally RETURNING subject, path, n), "
                "kept AS (INSERT INTO core_pathtally (subject, path, n) "
                "SELECT subject, path, SUM(n) FROM gone GROUP BY subject, path "
                "HAVING SUM(n) <> 0 RETURNING 1) "
                "SELECT (SELECT COUNT(*) FROM gone), (SELECT COUNT(*) FROM kept)"
            )
            deleted, kept = cursor.fetchone()
            return max(0, deleted - kept)
        # SQLite has one writer at a time: once this transaction has written, nobody else
        # can append, so the rows up to the highest id read are the rows folded and deleted.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_pathtally")
        (top,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO core_pathtally (subject, path, n) "
            "SELECT subject, path, SUM(n) FROM core_pathtally WHERE id <= %s "
            "GROUP BY subject, path HAVING SUM(n) <> 0",
            [top],
        )
        kept = cursor.rowcount
        cursor.execute("DELETE FROM core_pathtally WHERE id <= %s", [top])
        return max(0, cursor.rowcount - kept)


# --- Checking and rebuilding (bastion tally) ---------------------------------------------


def tally_differences() -> list[tuple[str, str, int, int]]:
    """(subject, path, tallied, counted) for every path where the tally and the table
    disagree; empty when every count is right."""
    from django.apps import apps

    from bastion.core.models import PathTally

    found = []
    for subject, (_table, label) in TALLIED.items():
        tallied: dict[str, int] = {}
        for path, n in PathTally.objects.filter(subject=subject).values_list("path", "n"):
            tallied[path] = tallied.get(path, 0) + n
        counted = dict(
            apps.get_model(label)
            .objects.order_by()
            .values_list("path")
            .annotate(n=models.Count("*"))
        )
        for path in sorted(set(tallied) | set(counted)):
            if tallied.get(path, 0) != counted.get(path, 0):
                found.append((subject, path, tallied.get(path, 0), counted.get(path, 0)))
    return found


def tally_rebuild(using: str = "default") -> int:
    """Count every tallied table afresh (after a TRUNCATE, or a restore by other means
    than `bastion restore`). Writers wait for it on PostgreSQL (the tables are locked in
    SHARE mode for the moment it takes), so nothing is counted twice or missed. Returns
    the number of tally rows written; 0 when the tables do not exist yet (a partial
    migration)."""
    db = connections[using]
    tables = set(db.introspection.table_names())
    if "core_pathtally" not in tables:
        return 0
    written = 0
    with transaction.atomic(using=using), db.cursor() as cursor:
        for subject, (table, _label) in TALLIED.items():
            if table not in tables:
                continue
            if db.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
            cursor.execute("DELETE FROM core_pathtally WHERE subject = %s", [subject])
            cursor.execute(
                # `table` comes from TALLIED, never from input.
                f"INSERT INTO core_pathtally (subject, path, n) "  # noqa: S608
                f"SELECT %s, path, COUNT(*) FROM {table} GROUP BY path",
                [subject],
            )
            written += cursor.rowcount
    return written
