"""The warehouse edge: the only module that opens DuckDB, reads or writes its tables."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import polars.selectors as cs

from flows.failpoints import failpoint
from transforms import SQL_DIR

DDL = Path(__file__).parent / "sql" / "warehouse.sql"


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with every schema and append-only table in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            con.execute(DDL.read_text(encoding="utf-8"))
        yield con
    finally:
        con.close()


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    # ORDER BY ALL: a parallel scan returns rows in any order, and a float sum over rows in
    # another order differs in the last bits; a total order makes every rebuild, and every
    # report rendered from it, identical to the byte.
    frame: pl.DataFrame = con.sql(f"select * from {table} order by all").pl()
    return frame


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> pl.DataFrame:
    frame: pl.DataFrame = con.sql(sql, params=params or None).pl()
    return frame


def replace_table(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, table: str, comment: str | None = None
) -> None:
    """Materialise a frame as ``table``, replacing what was there. Counts are stored signed:
    Polars counts are unsigned (``UInteger``), which BI tools and JDBC drivers misread."""
    frame = frame.with_columns(cs.unsigned_integer().cast(pl.Int64))
    con.register("_incoming", frame.to_arrow())
    con.execute(f"create or replace table {table} as select * from _incoming")
    con.unregister("_incoming")
    if comment:
        con.execute(f"comment on table {table} is {_sql_string(comment)}")


def append_rows(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, table: str) -> None:
    """Append a frame to an existing table, matching columns by name."""
    if frame.is_empty():
        return
    con.register("_incoming", frame.to_arrow())
    columns = ", ".join(frame.columns)
    con.execute(f"insert into {table} ({columns}) select {columns} from _incoming")
    con.unregister("_incoming")


def build_sql_model(con: duckdb.DuckDBPyConnection, layer: str, model: str) -> None:
    """Materialise transforms/sql/<layer>/<model>.sql as the table <layer>.<model>."""
    sql_file = SQL_DIR / layer / f"{model}.sql"
    select = sql_file.read_text(encoding="utf-8")
    con.execute(f"create or replace table {layer}.{model} as {select}")
    grain = select.split("*/")[0].removeprefix("/*").strip()
    con.execute(f"comment on table {layer}.{model} is {_sql_string(grain)}")


def file_keys(lines: pl.DataFrame) -> pl.DataFrame:
    """What each file of ``lines`` (raw.submission_lines rows) speaks for, by the warehouse's
    own model (staging.stg_submissions__file_keys), computed in memory: for a file that is
    checked and not landed."""
    with duckdb.connect(":memory:") as con:
        con.execute("create schema raw; create schema staging")
        replace_table(con, lines, "raw.submission_lines")
        build_sql_model(con, "staging", "stg_submissions__file_keys")
        return read_table(con, "staging.stg_submissions__file_keys")


def load_csv(
    con: duckdb.DuckDBPyConnection,
    csv: Path | pl.DataFrame,
    table: str,
    schema: dict[str, type[pl.DataType]] | None = None,
    comment: str | None = None,
    source: str | None = None,
) -> int:
    """Load a reference CSV (or the text frame read from one, named ``source``) as
    ``table``; code and id columns stay text, ``schema`` types the columns it names (so that
    an empty column keeps its real type), the others are inferred as from the file."""
    data = csv.write_csv().encode() if isinstance(csv, pl.DataFrame) else csv
    header = pl.read_csv(data, n_rows=0).columns
    types: dict[str, type[pl.DataType]] = {
        c: pl.String for c in header if c.endswith(("_code", "_id"))
    }
    types |= {c: t for c, t in (schema or {}).items() if c in header}
    frame = pl.read_csv(data, infer_schema_length=None, schema_overrides=types)
    source = f"Loaded from {source or Path(str(csv)).name}."
    replace_table(con, frame, table, comment=f"{comment} {source}" if comment else source)
    return frame.height


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    """The single value a query returns. Through a relation, not ``execute``: DuckDB 2 can
    keep an ``execute`` result open after ``fetchall`` and refuse the next query."""
    frame = query(con, sql, params)
    return frame.item(0, 0) if frame.height else None


def comment_columns(
    con: duckdb.DuckDBPyConnection,
    schemas: tuple[str, ...],
    describe: Callable[[str, str], str | None],
) -> list[str]:
    """COMMENT ON COLUMN for every column of ``schemas``; returns those left undescribed."""
    columns = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name in (select unnest(?)) order by all",
        [list(schemas)],
    ).fetchall()
    missing = []
    for schema, table, column in columns:
        text = describe(column, f"{schema}.{table}")
        if text is None:
            missing.append(f"{schema}.{table}.{column}")
            continue
        con.execute(f'comment on column {schema}.{table}."{column}" is {_sql_string(text)}')
    return missing


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    found = scalar(
        con,
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, name],
    )
    return bool(found)


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
            f"attach {_sql_string(str(partial))} as snapshot_copy "
            f"(storage_version {_sql_string(SNAPSHOT_STORAGE_VERSION)})"
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
            kv = ", ".join(f'"{key}": {_sql_string(value)}' for key, value in metadata.items())
            target = folder / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from {schema}.{table}) to {_sql_string(str(target))} "
                f"(format parquet, kv_metadata {{{kv}}})"
            )
            written.append(target)
    return written
