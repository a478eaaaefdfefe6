"""What analysts open: the snapshot in a format older DuckDB clients read, and Parquet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from flows.failpoints import failpoint
from flows.warehouse.core import connect, sql_string

# The on-disk format of the analysts' snapshot: the oldest that keeps today's compression,
# so DuckDB 1.2 and every later client (CLI, JDBC, Node, the Python library of an older
# environment) open it, not only the 2.x this project writes the warehouse with. The
# warehouse itself keeps the newest format; only the copy analysts open is written this way.
SNAPSHOT_STORAGE_VERSION = "v1.2.0"


def snapshot(source: Path, target: Path) -> None:
    """Copy the warehouse to ``target`` in the format older DuckDB clients read
    (``SNAPSHOT_STORAGE_VERSION``), compacted (``COPY FROM DATABASE`` writes only live rows),
    then swap it in atomically: readers that opened the old snapshot keep reading it; new
    readers see the new one. Call while holding the run lock (no other writer)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with connect(source) as con:
        (catalog,) = con.execute("select current_database()").fetchone() or ("",)
        con.execute(
            f"attach {sql_string(str(partial))} as snapshot_copy "
            f"(storage_version {sql_string(SNAPSHOT_STORAGE_VERSION)})"
        )
        con.execute(f'copy from database "{catalog}" to snapshot_copy')
        con.execute("detach snapshot_copy")
    failpoint("snapshot.copied")
    with duckdb.connect(str(partial), read_only=True) as check:  # opens, or the swap waits
        check.execute("select count(*) from ops.runs").fetchall()
    os.replace(partial, target)


def export_parquet(database: Path, folder: Path, schemas: tuple[str, ...]) -> list[Path]:
    """Every table of ``schemas`` as ``folder/<schema>/<table>.parquet``, its comments in
    the file's key-value metadata: ``table`` ("schema.table"), ``comment`` (the table's) and
    ``column_comments`` (JSON: column → meaning), readable with ``parquet_kv_metadata()``
    or any Parquet library."""
    written = []
    with duckdb.connect(str(database), read_only=True) as con:
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
