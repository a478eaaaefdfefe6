"""Build staging, marts and report tables from raw and reference, layer by layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import polars as pl
from prefect import task

from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.settings import Settings
from transforms import dictionary, marts, obligations, quality, reports, staging, targets
from transforms.periods import periods_between

STAGING_SQL_MODELS = (
    "stg_submissions__file_keys",
    "stg_submissions__files",
    "stg_submissions__accepted_lines",
    "stg_submissions__rejected_lines",
)


# Every schema's columns carry their meaning (transforms/dictionary.py), raw and ops included.
COMMENTED = ("raw", "reference", "staging", "marts", "reports", "ops")


def _materialise(
    con: duckdb.DuckDBPyConnection,
    table: str,
    transform: Callable[..., pl.LazyFrame],
    *inputs: pl.LazyFrame,
    comment: str | None = None,
    **options: object,
) -> pl.LazyFrame:
    """Run a transform and store its result as ``table``; its docstring's first paragraph
    (or ``comment``) says the grain."""
    frame = transform(*inputs, **options).collect()
    grain = " ".join((transform.__doc__ or "").strip().split("\n\n")[0].split())
    wh.replace_table(con, frame, table, comment=comment or grain)
    failpoint("build.table")
    return frame.lazy()


@task
def build_warehouse(settings: Settings) -> list[str]:
    """Staging (SQL, then Polars units), marts and reports; returns the periods covered."""
    with wh.connect(settings.warehouse) as con:

        def table(name: str) -> pl.LazyFrame:
            return wh.read_table(con, name).lazy()

        for model in STAGING_SQL_MODELS:
            wh.build_sql_model(con, "staging", model)
        activity_all = _materialise(
            con,
            "staging.stg_submissions__activity_lines",
            staging.stg_submissions__activity_lines,
            table("staging.stg_submissions__accepted_lines"),
            table("reference.ref_activities"),
            table("reference.ref_activity_units"),
            table("reference.ref_fuel_densities"),
            table("reference.ref_toe_factors"),
            table("reference.ref_fuel_combustion_factors"),
        )
        activity = activity_all.filter(pl.col("is_current"))
        rejected_all = table("staging.stg_submissions__rejected_lines")
        rejected = rejected_all.filter(pl.col("is_current"))
        emission_facts: dict[
            str, tuple[Callable[..., pl.LazyFrame], list[pl.LazyFrame], dict[str, Any]]
        ] = {
            "fct_fuel_combustion_emissions": (
                marts.fct_fuel_combustion_emissions,
                [
                    table("reference.ref_activities"),
                    table("reference.ref_fuel_combustion_factors"),
                    table("reference.ref_mobile_combustion_factors"),
                    table("reference.ref_gwp"),
                ],
                {"gwp_set": settings.gwp_set},
            ),
            "fct_grid_electricity_emissions": (
                marts.fct_grid_electricity_emissions,
                [table("reference.ref_grid_emission_factors")],
                {"policy": settings.grid_factor_policy},
            ),
            "fct_scope2_market_emissions": (
                marts.fct_scope2_market_emissions,
                [
                    table("reference.ref_grid_emission_factors"),
                    table("reference.ref_scope2_instruments"),
                    table("reference.ref_electricity_contracts"),
                ],
                {"policy": settings.grid_factor_policy},
            ),
        }
        facts = [
            _materialise(con, f"marts.{name}", transform, activity, *refs, **options)
            for name, (transform, refs, options) in emission_facts.items()
        ]
        emissions = _materialise(con, "marts.fct_emissions", marts.fct_emissions, *facts)
        monthly = _materialise(
            con,
            "marts.fct_enterprise_monthly",
            marts.fct_enterprise_monthly,
            activity,
            rejected,
            emissions,
        )
        # Every revision's figures, current or not, for the restatements.
        emissions_all = marts.fct_emissions(
            *(
                transform(activity_all, *refs, **options)
                for transform, refs, options in emission_facts.values()
            )
        )
        revisions = _materialise(
            con,
            "marts.int_enterprise_monthly__revisions",
            marts.fct_enterprise_monthly,
            activity_all,
            rejected_all,
            emissions_all,
            by=("sha256",),
            comment="One row per submitted revision (file) of each enterprise and month: the "
            "figures it gave, current or superseded (feeds marts.fct_restatements).",
        )
        enterprises = _materialise(
            con,
            "marts.dim_enterprises",
            marts.dim_enterprises,
            table("reference.ref_enterprises"),
            table("reference.ref_industrial_parks"),
            table("reference.ref_sectors"),
        )
        quality_checks = _materialise(
            con,
            "marts.int_quality_checks",
            quality.int_quality_checks,
            activity,
            enterprises,
            table("reference.ref_quality_thresholds"),
        )
        periods = _periods(activity)
        status = _materialise(
            con,
            "marts.fct_submission_status",
            marts.fct_submission_status,
            enterprises,
            table("staging.stg_submissions__files"),
            periods=periods,
            due_day=settings.due_day,
        )
        _materialise(
            con,
            "marts.fct_restatements",
            marts.fct_restatements,
            revisions,
            table("staging.stg_submissions__files"),
            table("ops.runs"),
            open_period=periods[-1] if periods else "",
        )
        obligation_rows = _materialise(
            con,
            "marts.fct_enterprise_obligations",
            obligations.fct_enterprise_obligations,
            status,
            monthly,
            table("reference.ref_regulatory_thresholds"),
        )
        progress = _materialise(
            con,
            "marts.fct_enterprise_progress",
            targets.fct_enterprise_progress,
            enterprises,
            status,
            monthly,
            quality_checks,
            tolerance=settings.progress_tolerance,
        )
        rpt = _materialise(
            con,
            "reports.rpt_enterprise_monthly",
            reports.rpt_enterprise_monthly,
            enterprises,
            status,
            monthly,
            obligation_rows,
            progress,
        )
        rollups = [
            _materialise(con, f"reports.{transform.__name__}", transform, rpt)
            for transform in (
                reports.rpt_park_monthly,
                reports.rpt_sector_monthly,
                reports.rpt_province_monthly,
            )
        ]
        _materialise(
            con,
            "reports.rpt_rollup_reconciliation",
            reports.rpt_rollup_reconciliation,
            rpt,
            *rollups,
        )
        wh.comment_columns(con, COMMENTED, dictionary.describe)
    return periods


def _periods(activity: pl.LazyFrame) -> list[str]:
    bounds = activity.select(first=pl.col("period").min(), last=pl.col("period").max()).collect()
    first, last = bounds.row(0)
    return periods_between(first, last) if first else []
