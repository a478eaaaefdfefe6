"""Open the warehouse, read and write its tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, cast

import duckdb
import polars as pl
import polars.selectors as cs
from duckdb.polars_io import _expression_from_tree, _strip_dynamic_predicates
from polars.io.plugins import register_io_source

from flows.warehouse.migrations import migrate
from transforms import SQL_DIR

# Validation, the build and the copies out of the warehouse (the analysts' snapshot, its
# Parquet, the ledger) keep at most this much of DuckDB's pages in memory (its default is
# 80 % of the machine; the rest goes back to the files, and sorts spill next to them). At 24
# months of 10,000 enterprises: validation's peak 1,289 -> 706 MiB (6.5 s instead of 6.2);
# a full build's 1,644 -> 1,181 MiB (96.9 s instead of 89.7; 1 GB: 1,465 MiB); the snapshot
# 1,996 -> 645 MiB (24.0 s instead of 18.7), and 672 MiB with four times the rows of its
# large tables; the Parquet 1,228 -> 647 MiB (8.3 s instead of 4.5); the ledger 1,074 -> 651
# MiB, its ORDER BY ALL of the lines spilling to disk (8.4 M lines: 597 MiB). 256 MB fails
# the snapshot (its pipelines pin their blocks).
PAGES_MEMORY = "512MB"


def limit_pages(con: duckdb.DuckDBPyConnection, memory: str = PAGES_MEMORY) -> None:
    """Hold at most ``memory`` of DuckDB's pages on ``con`` from now on."""
    con.execute(f"set memory_limit = {sql_string(memory)}")


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection; a writable one first brings the schema up to date (migrations.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


def read_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: Iterable[str] | None = None
) -> pl.DataFrame:
    """A table's rows (only ``columns``, in the table's order, when given)."""
    frame: pl.DataFrame = con.sql(_ordered(con, table, columns)).pl()
    return frame


def write_table_parquet(
    con: duckdb.DuckDBPyConnection, table: str, target: Path, columns: Iterable[str] | None = None
) -> None:
    """``read_table``'s rows, in its order, written to a Parquet file by DuckDB: for another
    process to read, without this one holding them (DuckDB's sort keeps to its pages)."""
    query = _ordered(con, table, columns)
    con.execute(f"copy ({query}) to {sql_string(str(target))} (format parquet)")


def _ordered(con: duckdb.DuckDBPyConnection, table: str, columns: Iterable[str] | None) -> str:
    """The query of a table's rows (only ``columns``, in the table's order, when given), in
    a total order."""
    # ORDER BY ALL: a parallel scan returns rows in any order, and a float sum over rows in
    # another order differs in the last bits; a total order makes every rebuild, and every
    # report rendered from it, identical to the byte.
    listed = "*"
    if columns is not None:
        wanted = set(columns)
        names = [c for c in con.sql(f"select * from {table} limit 0").columns if c in wanted]
        if missing := wanted - set(names):
            raise KeyError(f"{table} has no column {', '.join(sorted(missing))}")
        listed = ", ".join(f'"{c}"' for c in names)
    return f"select {listed} from {table} order by all"


def scan_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str = "true",
    params: list[object] | None = None,
) -> pl.LazyFrame:
    """A table's rows (those ``where`` holds) as a lazy frame that holds nothing: each
    collect reads from the warehouse only the columns its plan uses (Polars' projection
    pushdown), in the total order of those columns (ORDER BY ALL, as ``read_table``: rows
    that differ only in a column not read are the same rows to the plan, so what it sees is
    a function of the table's contents). The plan's filters are applied to each batch read.
    Memory holds a model's rows while it is computed, never a table for later models."""
    schema = con.sql(f"select * from {table} limit 0").pl().schema
    first = next(iter(schema))

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        columns = list(schema) if with_columns is None else with_columns
        # Read in the table's column order (the sort's keys do not depend on the order the
        # plan names them in); no column asked for (a row count): the first one, counted.
        wanted = set(columns)
        listed = ", ".join(f'"{c}"' for c in schema if c in wanted or not wanted and c == first)
        kept = _real_predicate(predicate)
        # The first n rows: counted after the plan's filter, when there is one.
        limit = "" if n_rows is None or kept is not None else f" limit {int(n_rows)}"
        left = n_rows
        cursor = con.cursor()  # Polars reads from its own threads: a connection each
        try:
            reader = cursor.sql(
                f"select {listed} from {table} where {where} order by all{limit}",
                params=params or None,
            ).to_arrow_reader(batch_size or 100_000)
            for batch in iter(reader.read_next_batch, None):
                frame = cast(pl.DataFrame, pl.from_arrow(batch))
                frame = frame.select(columns) if columns else frame
                if kept is not None:
                    frame = frame.filter(kept)
                if left is not None:
                    frame = frame.head(left)
                    left -= frame.height
                yield frame
                if left == 0:
                    break
        finally:
            cursor.close()

    # Pure: the plan may read a table it uses twice (a self-join, branches) once.
    return register_io_source(source, schema=schema, is_pure=True, explain_name=table)


def _real_predicate(predicate: pl.Expr | None) -> pl.Expr | None:
    """The filter a scan must apply, without the hint Polars adds under a slice or top-N (a
    "dynamic predicate": DataFrame.filter cannot take it, and it only prunes early). DuckDB's
    own Polars source strips it the same way: its helpers are used (duckdb-python #460)."""
    if predicate is None:
        return None
    tree = json.loads(predicate.meta.serialize(format="json"))
    real, had_dynamic = _strip_dynamic_predicates(tree)
    if real is None:
        return None
    return _expression_from_tree(real) if had_dynamic else predicate


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> pl.DataFrame:
    frame: pl.DataFrame = con.sql(sql, params=params or None).pl()
    return frame


QUERIES = Path(__file__).parent / "queries"


@cache
def sql(name: str) -> str:
    """A read query of queries/<name>.sql (its ``?`` bound in order by the caller)."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def rows(con: duckdb.DuckDBPyConnection, name: str, *params: object) -> list[dict[str, Any]]:
    """The rows of queries/<name>.sql, as dicts."""
    return query(con, sql(name), list(params)).to_dicts()


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
        con.execute(f"comment on table {table} is {sql_string(comment)}")


def table_digest(con: duckdb.DuckDBPyConnection, table: str, columns: str = "*") -> str:
    """A table's rows in a few bytes, for a fingerprint: their count and the sum of their
    hashes (the order of the rows does not matter, a duplicate does)."""
    rows = con.execute(
        f"select count(*), sum(hash(t)::hugeint) from (select {columns} from {table}) as t"
    ).fetchone()
    return f"{table}:{rows}"


def append_rows(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, table: str) -> None:
    """Append a frame to an existing table, matching columns by name."""
    if frame.is_empty():
        return
    # One chunk first: a frame concatenated from many small ones (a landing's lines, one
    # frame a file) is otherwise converted and inserted chunk by chunk, 25× slower (2,000
    # files: 1.7 s against 0.07 s).
    con.register("_incoming", frame.rechunk().to_arrow())
    columns = ", ".join(frame.columns)
    con.execute(f"insert into {table} ({columns}) select {columns} from _incoming")
    con.unregister("_incoming")


def build_sql_model(con: duckdb.DuckDBPyConnection, layer: str, model: str) -> None:
    """Materialise transforms/sql/<layer>/<model>.sql as the table <layer>.<model>."""
    sql_file = SQL_DIR / layer / f"{model}.sql"
    select = sql_file.read_text(encoding="utf-8")
    con.execute(f"create or replace table {layer}.{model} as {select}")
    grain = select.split("*/")[0].removeprefix("/*").strip()
    con.execute(f"comment on table {layer}.{model} is {sql_string(grain)}")


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


def sql_string(text: str) -> str:
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
    """COMMENT ON COLUMN for every column of ``schemas`` whose comment is not already the
    description, in one transaction; returns the columns left undescribed. (A statement
    each, committed one by one, was ~5 ms a column: 1,152 columns twice a run.)"""
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where schema_name in (select unnest(?)) order by all",
        [list(schemas)],
    ).fetchall()
    missing, changed = [], []
    for schema, table, column, current in columns:
        text = describe(column, f"{schema}.{table}")
        if text is None:
            missing.append(f"{schema}.{table}.{column}")
        elif text != current:
            changed.append(f'comment on column {schema}.{table}."{column}" is {sql_string(text)}')
    if changed:
        con.begin()
        try:
            for statement in changed:
                con.execute(statement)
        except BaseException:
            con.rollback()
            raise
        con.commit()
    return missing


def read_periods(
    con: duckdb.DuckDBPyConnection,
    table: str,
    first: str,
    last: str,
    order_by: str,
    keep_period: bool = True,
) -> list[dict[str, Any]]:
    """The rows of a table keyed by ``period`` from ``first`` to ``last``, in ``order_by``
    order; without their period columns unless ``keep_period``."""
    return read_periods_frame(con, table, first, last, order_by, keep_period).to_dicts()


def read_periods_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    first: str,
    last: str,
    order_by: str,
    keep_period: bool = True,
    columns: Iterable[str] | None = None,
) -> pl.DataFrame:
    """``read_periods`` as a frame: for many rows, a tenth of the memory of as many dicts;
    only ``columns`` (in that order) when given."""
    if columns is not None:
        listed = ", ".join(f'"{c}"' for c in columns)
    else:
        listed = "*" if keep_period else "* exclude (period, reporting_month)"
    sql = f"select {listed} from {table} where period between ? and ? order by {order_by}"
    return query(con, sql, [first, last])


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(str(scalar(con, f"select count(*) from {table}")))


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    found = scalar(
        con,
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, name],
    )
    return bool(found)
