"""What analysts open: the snapshot in a format older DuckDB clients read, and Parquet."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from flows.failpoints import failpoint
from flows.warehouse.core import connect, limit_pages, sql_string, table_digest

# The on-disk format of the analysts' snapshot: the oldest that keeps today's compression,
# so DuckDB 1.2 and every later client (CLI, JDBC, Node, the Python library of an older
# environment) open it, not only the 2.x this project writes the warehouse with. The
# warehouse itself keeps the newest format; only the copy analysts open is written this way.
SNAPSHOT_STORAGE_VERSION = "v1.2.0"


# What the analysts' snapshot was copied from, written into the snapshot alone: the digest
# of its contents (``contents_digest``). A run whose warehouse has the same contents but for
# its records (a rerun with nothing new) copies the previous snapshot and its records only.
SNAPSHOT_OF = "meta.snapshot_of"
# The schemas that change on every run (its own ops.runs row, the suites' results, …).
RECORDS = ("ops", "meta")
# Replacing the records leaves their old blocks free in the file, and the file grows a
# little each time (about 0.6 MB a rerun on the demo): after this many such snapshots in a
# row, the next is a full, compacted copy again.
REPLACED_AT_MOST = 10


def snapshot(source: Path, target: Path) -> bool:
    """Copy the warehouse to ``target`` in the format older DuckDB clients read
    (``SNAPSHOT_STORAGE_VERSION``), compacted (``COPY FROM DATABASE`` writes only live rows),
    then swap it in atomically: readers that opened the old snapshot keep reading it; new
    readers see the new one. Call while holding the run lock (no other writer).

    When every table outside the records (ops, meta) and every table's definition are
    those of the previous snapshot, that snapshot's file is copied instead and only its
    records are replaced: the same file as a full copy would give, bar compaction of the
    records. Returns whether it was so (the data analysts read did not change)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with connect(source) as con:
        limit_pages(con)
        (catalog,) = con.execute("select current_database()").fetchone() or ("",)
        contents = contents_digest(con)
        previous, replaced = snapshot_of(target)
        unchanged = previous == contents and replaced < REPLACED_AT_MOST
        if unchanged:
            shutil.copyfile(target, partial)
            con.execute(f"attach {sql_string(str(partial))} as snapshot_copy")
            _replace_records(con, catalog)
        else:
            con.execute(
                f"attach {sql_string(str(partial))} as snapshot_copy "
                f"(storage_version {sql_string(SNAPSHOT_STORAGE_VERSION)})"
            )
            con.execute(f'copy from database "{catalog}" to snapshot_copy')
        con.execute(
            f"create or replace table snapshot_copy.{SNAPSHOT_OF} as "
            "select ? as contents, ? as records_replaced",
            [contents, replaced + 1 if unchanged else 0],
        )
        con.execute(
            f"comment on table snapshot_copy.{SNAPSHOT_OF} is 'What this snapshot was copied "
            "from: a digest of the rows of every table outside ops and meta and of every "
            "table definition (flows/warehouse/published.contents_digest).'"
        )
        con.execute(
            f"comment on column snapshot_copy.{SNAPSHOT_OF}.contents is 'sha256 of the "
            "warehouse contents this snapshot holds, besides its records (ops, meta).'"
        )
        con.execute(
            f"comment on column snapshot_copy.{SNAPSHOT_OF}.records_replaced is 'How many "
            "snapshots in a row, this one included, were the previous one with its records "
            "replaced (0: a full, compacted copy).'"
        )
        con.execute("detach snapshot_copy")
    failpoint("snapshot.copied")
    with duckdb.connect(str(partial), read_only=True) as check:  # opens, or the swap waits
        check.execute("select count(*) from ops.runs").fetchall()
    os.replace(partial, target)
    return unchanged


def contents_digest(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's contents, records aside, in one digest: every row of every table
    outside ``RECORDS`` (``table_digest``), and every table's and column's definition and
    comment, records included (a migration or a new comment changes it)."""
    records = ", ".join(sql_string(schema) for schema in RECORDS)
    digest = hashlib.sha256()
    for (definition,) in con.execute(
        "select concat_ws('|', schema_name, table_name, comment) from duckdb_tables() "
        "union all select concat_ws('|', schema_name, table_name, column_name, data_type, "
        "comment) from duckdb_columns() order by all"
    ).fetchall():
        digest.update(f"{definition}\n".encode())
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where schema_name not in ({records}) order by all"
    ).fetchall():
        digest.update(table_digest(con, f"{schema}.{table}").encode())
    return digest.hexdigest()


def snapshot_of(target: Path) -> tuple[str | None, int]:
    """What the snapshot at ``target`` was copied from, and how many snapshots in a row
    replaced its records only ((None, 0): no snapshot, one from before this was recorded, or
    one that does not open)."""
    if not target.exists():
        return None, 0
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            found = con.execute(
                "select count(*) from duckdb_columns() where schema_name = 'meta' "
                "and table_name = 'snapshot_of' and column_name = 'records_replaced'"
            ).fetchall()
            if found != [(1,)]:
                return None, 0
            rows = con.execute(f"select contents, records_replaced from {SNAPSHOT_OF}").fetchall()
    except duckdb.Error:
        return None, 0
    return (str(rows[0][0]), int(rows[0][1])) if len(rows) == 1 else (None, 0)


def _replace_records(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Every table of ``RECORDS`` in the attached copy replaced by the warehouse's rows (the
    tables' definitions are the same: they are part of the digest)."""
    records = ", ".join(sql_string(schema) for schema in RECORDS)
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where database_name = ? and schema_name in ({records}) order by all",
        [catalog],
    ).fetchall():
        con.execute(f"delete from snapshot_copy.{schema}.{table}")
        con.execute(
            f'insert into snapshot_copy.{schema}.{table} select * from "{catalog}".{schema}.{table}'
        )


def export_parquet(database: Path, folder: Path, schemas: tuple[str, ...]) -> list[Path]:
    """Every table of ``schemas`` as ``folder/<schema>/<table>.parquet``, its comments in
    the file's key-value metadata: ``table`` ("schema.table"), ``comment`` (the table's) and
    ``column_comments`` (JSON: column → meaning), readable with ``parquet_kv_metadata()``
    or any Parquet library."""
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
        limit_pages(con)
        tables = con.execute(
            "select schema_name, table_name, coalesce(comment, '') from duckdb_tables() "
            "where schema_name in (select unnest(?)) order by all",
            [list(schemas)],
        ).fetchall()
        for schema, table, comment in tables:
            columns = con.execute(
                "select column_name, comment from duckdb_columns() "
                "where schema_name = ? and table_name = ? and comment is not null "
                "order by column_index",
                [schema, table],
            ).fetchall()
            metadata = {
                "table": f"{schema}.{table}",
                "comment": comment,
                "column_comments": json.dumps(dict(columns), ensure_ascii=False),
            }
            kv = ", ".join(f'"{key}": {sql_string(value)}' for key, value in metadata.items())
            target = folder / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from {schema}.{table}) to {sql_string(str(target))} "
                f"(format parquet, kv_metadata {{{kv}}})"
            )
            written.append(target)
    return written
