"""Build staging, marts and report tables from raw and reference: transforms/models.py says
which, in what order and from what; this module only runs the list against the warehouse."""

from __future__ import annotations

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
    warehouse holds data for (marts.dim_periods)."""
    chosen = [m for m in MODELS if phase is None or m.phase == phase]
    given = _options(settings)
    with wh.connect(settings.warehouse) as con:
        tables: dict[str, pl.LazyFrame] = {}  # what this build read or made, by table
        for model in chosen:
            _build(con, model, tables, given)
            failpoint("build.table")
        wh.comment_columns(con, COMMENTED, dictionary.describe)
        periods = wh.read_table(con, "marts.dim_periods")["period"]
    return periods.to_list()


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
