"""The warehouse's own records (every raw and ops table) as Parquet, and back: what
flows/rebuild.py exports after each run and restores into a fresh warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.warehouse.core import connect, count_rows, limit_pages, sql_string

SCHEMAS = ("raw", "ops")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every raw and ops table, "schema.table"."""
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where schema_name in (select unnest(?)) order by all",
        [list(SCHEMAS)],
    ).fetchall()
    return [f"{s}.{t}" for s, t in rows]


def export(warehouse: Path, folder: Path) -> dict[str, int]:
    """Each record table as ``folder/<schema.table>.parquet`` in a total order; returns the
    rows written per table."""
    counts = {}
    with connect(warehouse, read_only=True) as con:
        limit_pages(con)
        for name in tables(con):
            target = sql_string(str(folder / f"{name}.parquet"))
            con.execute(f"copy (select * from {name} order by all) to {target} (format parquet)")
            counts[name] = count_rows(con, name)
    return counts


def restore(con: duckdb.DuckDBPyConnection, folder: Path, name: str) -> int:
    """Append an exported table into the same table of a fresh warehouse (columns by name:
    an export from an older release fills what it has); returns the rows it now holds."""
    source = sql_string(str(folder / f"{name}.parquet"))
    con.execute(f"insert into {name} by name select * from {source}")
    return count_rows(con, name)


def landed(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sha256 of every landed file."""
    return {str(s) for (s,) in con.execute("select sha256 from raw.submission_files").fetchall()}


def probe(warehouse: Path) -> None:
    """Open the file read-only and read the landed files, without migrating anything:
    raises duckdb.Error when the warehouse is damaged."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("select count(*) from raw.submission_files").fetchall()
