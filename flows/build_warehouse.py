"""Build staging, marts and report tables from raw and reference: transforms/models.py says
which, in what order and from what; this module only runs the list against the warehouse."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import cast

import duckdb
import polars as pl
from prefect import task

from expectations import quality as quality_suite
from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.settings import Settings
from transforms import dictionary
from transforms.emissions import GridFactorPolicy
from transforms.models import MODELS, Model, Options, Phase, inputs, options, reads_current
from transforms.wastewater import Averaging

# Every schema's columns carry their meaning (transforms/dictionary.py), raw and ops included.
COMMENTED = ("raw", "reference", "staging", "marts", "reports", "ops", "meta")


@task
def build_warehouse(settings: Settings, phase: Phase | None = None) -> list[str]:
    """Build every model (or only those of ``phase``), in order; returns the periods the
    warehouse holds data for (marts.dim_periods). The warehouse-phase models are skipped
    when their inputs are those of the last complete build (``inputs_fingerprint``)."""
    chosen = [m for m in MODELS if phase is None or m.phase == phase]
    given = _options(settings)
    with wh.connect(settings.warehouse) as con:
        # Nothing new since the last complete build (no file, no register or reference
        # change, same options and code): its warehouse-phase tables stand as they are.
        fingerprint = None
        if any(m.phase == "warehouse" for m in chosen):
            fingerprint = inputs_fingerprint(con, given)
            if _built_from(con) == fingerprint and _all_exist(con, chosen):
                chosen, fingerprint = [m for m in chosen if m.phase != "warehouse"], None
            else:
                con.execute("delete from meta.build_inputs")  # a crash mid-build: rebuilt
        last_use = _last_use(chosen)
        tables: dict[str, pl.LazyFrame] = {}  # what this build read or made, by table
        for position, model in enumerate(chosen):
            _build(con, model, tables, given)
            # A table no later model reads leaves memory now, not at the end of the build:
            # a month of station readings would otherwise be held twice over (raw, staging).
            for table in [t for t in tables if last_use.get(t, -1) <= position]:
                del tables[table]
            failpoint("build.table")
        wh.comment_columns(con, COMMENTED, dictionary.describe)
        if fingerprint is not None:
            con.execute(
                "insert into meta.build_inputs values (?, ?)",
                [fingerprint, datetime.now(UTC).replace(tzinfo=None)],
            )
        periods = wh.read_table(con, "marts.dim_periods")["period"]
    return periods.to_list()


# What the warehouse-phase models are made from, besides their own tables.
SOURCE_SCHEMAS = ("raw", "reference")
# The ops tables models read, with the columns they read: the ledger's receipt_written_at
# changes after every build (the receipts follow it) and feeds no model.
SOURCE_TABLES = {
    "ops.quarantine": "*",
    "ops.file_ledger": "run_id, file_name, sha256, status, reason_vi, reason_en, seen_at",
}
CODE = (Path(__file__).parents[1] / "transforms", Path(__file__).parents[1] / "expectations")


@cache
def code_digest() -> str:
    """A digest of the code that makes and checks the warehouse's tables: the release and
    every file of transforms/ and expectations/ (read once a process)."""
    digest = hashlib.sha256(version("netzero").encode())
    for root in CODE:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(path.relative_to(root.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, given: Options) -> str:
    """A digest of everything a build reads: each source table's rows (``wh.table_digest``),
    the options, and the code."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in given.items())).encode())
    schemas = ", ".join(f"'{s}'" for s in SOURCE_SCHEMAS)
    names = [
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in ({schemas}) order by all"
        ).fetchall()
    ]
    sources = {name: "*" for name in names} | SOURCE_TABLES
    for name, columns in sources.items():
        digest.update(wh.table_digest(con, name, columns).encode())
    return digest.hexdigest()


def _built_from(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select max(fingerprint) from meta.build_inputs").fetchone()
    return row[0] if row else None


def _all_exist(con: duckdb.DuckDBPyConnection, models: list[Model]) -> bool:
    present = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables()"
        ).fetchall()
    }
    return all(m.table in present for m in models)


def _last_use(models: list[Model]) -> dict[str, int]:
    """Each table's position of the last model (of ``models``) that reads it."""
    last: dict[str, int] = {}
    for position, model in enumerate(models):
        if model.transform is not None:
            for table in inputs(model).values():
                last[table] = position
    return last


def _options(settings: Settings) -> Options:
    return {
        "gwp_set": settings.gwp_set,
        "policy": cast(GridFactorPolicy, settings.grid_factor_policy),
        "due_day": settings.due_day,
        "tolerance": settings.progress_tolerance,
        "warning_reasons": quality_suite.reasons(),
        "averaging": Averaging(
            min_valid_hours=settings.wastewater_min_valid_hours,
            gap_minutes=settings.wastewater_gap_minutes,
        ),
    }


def _build(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    tables: dict[str, pl.LazyFrame],
    settings: Options,
) -> None:
    """Store one model's table. A transform's inputs are read from the warehouse once per
    build; a transform's result is kept for the models after it."""
    schema, name = model.table.split(".")
    if model.transform is None:
        wh.build_sql_model(con, schema, name)
        return
    if model.partition:
        _build_partitioned(con, model, tables, settings, model.partition)
        return
    frames = {}
    for parameter, table in inputs(model).items():
        if table not in tables:
            tables[table] = wh.read_table(con, table).lazy()
        frames[parameter] = tables[table]
        if reads_current(model, parameter):
            frames[parameter] = tables[table].filter(pl.col("is_current"))
    result = model.transform(**frames, **options(model, settings)).collect()
    wh.replace_table(con, result, model.table, comment=model.grain())
    tables[model.table] = result.lazy()


def _build_partitioned(
    con: duckdb.DuckDBPyConnection,
    model: Model,
    tables: dict[str, pl.LazyFrame],
    settings: Options,
    column: str,
) -> None:
    """Build a model a part at a time (Model.partition): ``model.per_part`` values of
    ``column`` each, in order, then the rows where it is null if any; each input holding the
    column read for that part only (from this build's frames, or from the warehouse), the
    others whole; each part's rows appended. Memory holds one part's rows, not all."""
    sources = inputs(model)
    holding = {
        parameter: table
        for parameter, table in sources.items()
        if column in (tables[table].collect_schema() if table in tables else _columns(con, table))
    }
    found = [
        tables[table].select(column).unique().collect()[column]
        if table in tables
        else wh.query(con, f"select distinct {column} from {table}")[column]
        for table in holding.values()
    ]
    values = sorted({v for series in found for v in series if v is not None})
    parts: list[tuple[object, object] | None] = [
        (chunk[0], chunk[-1])
        for chunk in (values[i : i + model.per_part] for i in range(0, len(values), model.per_part))
    ]
    if any(series.null_count() for series in found):
        parts.append(None)  # the rows without a value: a part of their own, never dropped
    for position, part in enumerate(parts or [(None, None)]):
        frames = {}
        for parameter, table in sources.items():
            if parameter not in holding:
                if table not in tables:
                    tables[table] = wh.read_table(con, table).lazy()
                frames[parameter] = tables[table]
            elif table in tables:
                frames[parameter] = tables[table].filter(_in_part(pl.col(column), part))
            else:
                where, params = _in_part_sql(column, part)
                frames[parameter] = wh.query(
                    con, f"select * from {table} where {where} order by all", params
                ).lazy()
            if reads_current(model, parameter):
                frames[parameter] = frames[parameter].filter(pl.col("is_current"))
        built = model.transform(**frames, **options(model, settings)).collect()  # type: ignore[misc]
        if position == 0:
            wh.replace_table(con, built, model.table, comment=model.grain())
        else:
            wh.append_rows(con, built, model.table)


def _in_part(value: pl.Expr, part: tuple[object, object] | None) -> pl.Expr:
    """The rows of one part: values from its first to its last, or (None) null; no rows at
    all for the one part of inputs that hold none."""
    if part is None:
        return value.is_null()
    first, last = part
    return pl.lit(False) if first is None else value.is_between(pl.lit(first), pl.lit(last))


def _in_part_sql(column: str, part: tuple[object, object] | None) -> tuple[str, list[object]]:
    if part is None:
        return f"{column} is null", []
    first, last = part
    return ("false", []) if first is None else (f"{column} between ? and ?", [first, last])


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    schema, name = table.split(".")
    found = con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {row[0] for row in found}
