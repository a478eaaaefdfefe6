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
        # the build was the month's largest (1.98 GiB at 10,000 enterprises, 7 Dec)
        wh.limit_pages(con)
        # Nothing new since the last complete build (no file, no register or reference
        # change, same options and code): its warehouse-phase tables stand as they are.
        fingerprint = None
        if any(m.phase == "warehouse" for m in chosen):
            fingerprint = inputs_fingerprint(con, given)
            if _built_from(con) == fingerprint and _all_exist(con, chosen):
                chosen, fingerprint = [m for m in chosen if m.phase != "warehouse"], None
            else:
                con.execute("delete from meta.build_inputs")  # a crash mid-build: rebuilt
        for model in chosen:
            _build(con, model, given)
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


def _build(con: duckdb.DuckDBPyConnection, model: Model, settings: Options) -> None:
    """Store one model's table, a part at a time (``_parts``; one part, the whole, for a
    model not partitioned). Its inputs are scans of the warehouse (``wh.scan_table``): the
    model reads the columns it uses when it is computed, and no table stays in memory for
    the models after it (at 24 months of 10,000 enterprises the tables held for their last
    reader were most of the build's peak)."""
    schema, name = model.table.split(".")
    if model.transform is None:
        wh.build_sql_model(con, schema, name)
        return
    sources = inputs(model)
    column = model.partition
    # The inputs read a part at a time: those holding the partition column; the others whole.
    holding = {
        parameter
        for parameter, table in sources.items()
        if column is not None and column in _columns(con, table)
    }
    parts = _parts(con, model, [sources[p] for p in holding]) if holding else [WHOLE]
    for position, part in enumerate(parts):
        frames = {}
        for parameter, table in sources.items():
            where, params = _in_part(column, part if parameter in holding else WHOLE)
            frames[parameter] = wh.scan_table(con, table, where, params)
            if reads_current(model, parameter):  # the one place this rule is applied
                frames[parameter] = frames[parameter].filter(pl.col("is_current"))
        built = model.transform(**frames, **options(model, settings)).collect()
        if position == 0:
            wh.replace_table(con, built, model.table, comment=model.grain())
        else:
            wh.append_rows(con, built, model.table)


# A part is the values of the partition column from its first to its last, or None for the
# rows where it is null; WHOLE is every row.
Part = tuple[object, object] | None
WHOLE: Part = ("whole", "whole")


def _parts(con: duckdb.DuckDBPyConnection, model: Model, holding: list[str]) -> list[Part]:
    """The parts of a partitioned model (Model.partition): ``model.per_part`` values of its
    column each, in order, then the rows where it is null if any. Memory holds one part's
    rows, not all; each part's rows are appended."""
    column = cast(str, model.partition)
    found = [wh.query(con, f"select distinct {column} from {table}")[column] for table in holding]
    values = sorted({v for series in found for v in series if v is not None})
    size = model.per_part
    parts: list[Part] = [
        (chunk[0], chunk[-1])
        for chunk in (values[i : i + size] for i in range(0, len(values), size))
    ]
    if any(series.null_count() for series in found):
        parts.append(None)  # the rows without a value: a part of their own, never dropped
    return parts or [WHOLE]  # no rows at all: the (empty) whole


def _in_part(column: str | None, part: Part) -> tuple[str, list[object]]:
    """The SQL condition (and its parameters) of a part's rows."""
    if part is WHOLE or column is None:
        return "true", []
    if part is None:
        return f"{column} is null", []
    return f"{column} between ? and ?", list(part)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    schema, name = table.split(".")
    found = con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {row[0] for row in found}
