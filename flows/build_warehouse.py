"""Build staging, marts and report tables from raw and reference, layer by layer."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl
from prefect import task

from flows import warehouse as wh
from flows.settings import Settings
from transforms import marts, reports, staging
from transforms.periods import periods_between

STAGING_SQL_MODELS = ("stg_submissions__files", "stg_submissions__accepted_lines")


def _materialise(
    con: duckdb.DuckDBPyConnection,
    table: str,
    transform: Callable[..., pl.LazyFrame],
    *inputs: pl.LazyFrame,
    **options: object,
) -> pl.LazyFrame:
    """Run a transform and store its result as ``table``; its docstring says the grain."""
    frame = transform(*inputs, **options).collect()
    grain = (transform.__doc__ or "").strip().splitlines()[0]
    wh.replace_table(con, frame, table, comment=grain)
    return frame.lazy()


@task
def build_warehouse(settings: Settings) -> list[str]:
    """Staging (SQL, then Polars units), marts and reports; returns the periods covered."""
    with wh.connect(settings.warehouse) as con:

        def table(name: str) -> pl.LazyFrame:
            return wh.read_table(con, name).lazy()

        for model in STAGING_SQL_MODELS:
            wh.build_sql_model(con, "staging", model)
        activity = _materialise(
            con,
            "staging.stg_submissions__activity_lines",
            staging.stg_submissions__activity_lines,
            table("staging.stg_submissions__accepted_lines"),
            table("reference.ref_activities"),
            table("reference.ref_activity_units"),
            table("reference.ref_fuel_densities"),
            table("reference.ref_toe_factors"),
        )
        fuel = _materialise(
            con,
            "marts.fct_fuel_combustion_emissions",
            marts.fct_fuel_combustion_emissions,
            activity,
            table("reference.ref_activities"),
            table("reference.ref_fuel_combustion_factors"),
            table("reference.ref_gwp"),
            gwp_set=settings.gwp_set,
        )
        grid = _materialise(
            con,
            "marts.fct_grid_electricity_emissions",
            marts.fct_grid_electricity_emissions,
            activity,
            table("reference.ref_grid_emission_factors"),
            policy=settings.grid_factor_policy,
        )
        emissions = _materialise(con, "marts.fct_emissions", marts.fct_emissions, fuel, grid)
        monthly = _materialise(
            con, "marts.fct_enterprise_monthly", marts.fct_enterprise_monthly, activity, emissions
        )
        enterprises = _materialise(
            con,
            "marts.dim_enterprises",
            marts.dim_enterprises,
            table("reference.ref_enterprises"),
            table("reference.ref_industrial_parks"),
            table("reference.ref_sectors"),
        )
        periods = _periods(activity)
        status = _materialise(
            con,
            "marts.fct_submission_status",
            marts.fct_submission_status,
            enterprises,
            table("staging.stg_submissions__files"),
            periods=periods,
        )
        obligations = _materialise(
            con,
            "marts.fct_enterprise_obligations",
            marts.fct_enterprise_obligations,
            status,
            monthly,
            table("reference.ref_regulatory_thresholds"),
        )
        rpt = _materialise(
            con,
            "reports.rpt_enterprise_monthly",
            reports.rpt_enterprise_monthly,
            enterprises,
            status,
            monthly,
            obligations,
        )
        parks = _materialise(con, "reports.rpt_park_monthly", reports.rpt_park_monthly, rpt)
        province = _materialise(
            con, "reports.rpt_province_monthly", reports.rpt_province_monthly, rpt
        )
        _materialise(
            con,
            "reports.rpt_rollup_reconciliation",
            reports.rpt_rollup_reconciliation,
            rpt,
            parks,
            province,
        )
    return periods


def _periods(activity: pl.LazyFrame) -> list[str]:
    bounds = activity.select(first=pl.col("period").min(), last=pl.col("period").max()).collect()
    first, last = bounds.row(0)
    return periods_between(first, last) if first else []
