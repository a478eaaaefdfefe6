"""Report tables: exactly what each template needs, codes and numbers only. No IO here."""

from __future__ import annotations

import polars as pl

SUMMED = [
    "grid_electricity_mwh",
    "solar_self_consumed_mwh",
    "ev_charging_mwh",
    "diesel_t",
    "lpg_t",
    "natural_gas_t",
    "water_supply_m3",
    "rainwater_reused_m3",
    "wastewater_m3",
    "waste_generated_t",
    "waste_recycled_t",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "emissions_tco2e",
    "energy_toe",
    "energy_gj",
]
YTD = [
    "emissions_tco2e",
    "scope1_tco2e",
    "scope2_location_tco2e",
    "grid_electricity_mwh",
    "solar_self_consumed_mwh",
    "energy_toe",
]


def rpt_enterprise_monthly(
    dim_enterprises: pl.LazyFrame,
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    fct_enterprise_obligations: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: the month, year to date, a year ago,
    and the obligation status."""
    monthly = fct_enterprise_monthly.drop("reporting_month", "revision")
    base = (
        fct_submission_status.join(monthly, on=["tax_code", "period"], how="left")
        .join(fct_enterprise_obligations, on=["tax_code", "period"], how="left")
        .join(dim_enterprises.drop("park_code"), on="tax_code", how="left")
        .with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int32))
        .sort("tax_code", "period")
    )
    ytd = [pl.col(c).fill_null(0).cum_sum().over("tax_code", "year").alias(f"ytd_{c}") for c in YTD]
    year_ago = [
        pl.col(c).shift(12).over("tax_code").alias(f"year_ago_{c}")
        for c in ("emissions_tco2e", "grid_electricity_mwh")
    ]
    return base.with_columns(*ytd, *year_ago).with_columns(
        months_reported_ytd=pl.col("emissions_tco2e")
        .is_not_null()
        .cast(pl.Int32)
        .cum_sum()
        .over("tax_code", "year")
    )


def rpt_park_monthly(rpt_enterprise_monthly: pl.LazyFrame) -> pl.LazyFrame:
    """One row per industrial park and period: totals and submission completeness."""
    return _rollup(rpt_enterprise_monthly, ["park_code", "park_name_vi", "park_name_en", "period"])


def rpt_province_monthly(rpt_enterprise_monthly: pl.LazyFrame) -> pl.LazyFrame:
    """One row per period: province totals and submission completeness."""
    return _rollup(rpt_enterprise_monthly, ["period"])


def _rollup(rows: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    status = pl.col("submission_status")
    electricity = pl.col("grid_electricity_mwh") + pl.col("solar_self_consumed_mwh")
    return (
        rows.group_by(keys)
        .agg(
            *(pl.col(c).sum() for c in SUMMED),
            *(pl.col(f"ytd_{c}").sum() for c in YTD),
            enterprises=pl.len(),
            enterprises_submitted=(status != "missing").sum(),
            enterprises_missing=(status == "missing").sum(),
            enterprises_revised=(status == "revised").sum(),
            lines_quarantined=pl.col("lines_quarantined").sum(),
            has_provisional_grid_factor=pl.col("has_provisional_grid_factor").any(),
            enterprises_ghg_inventory_over=(pl.col("ghg_inventory_rolling") == "over").sum(),
            enterprises_key_energy_user_over=(pl.col("key_energy_user_rolling") == "over").sum(),
        )
        .with_columns(
            renewable_share=pl.when(electricity > 0).then(
                pl.col("solar_self_consumed_mwh") / electricity
            )
        )
        .sort(keys)
    )


def rpt_rollup_reconciliation(
    rpt_enterprise_monthly: pl.LazyFrame,
    rpt_park_monthly: pl.LazyFrame,
    rpt_province_monthly: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per period and measure: enterprise, park and province totals, and the gap."""

    def totals(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
        return (
            frame.group_by("period")
            .agg(pl.col(c).sum() for c in SUMMED)
            .unpivot(index="period", variable_name="measure", value_name=name)
        )

    keys = ["period", "measure"]
    return (
        totals(rpt_enterprise_monthly, "enterprises_total")
        .join(totals(rpt_park_monthly, "parks_total"), on=keys, how="full", coalesce=True)
        .join(totals(rpt_province_monthly, "province_total"), on=keys, how="full", coalesce=True)
        .with_columns(
            abs_difference=pl.max_horizontal(
                (pl.col("enterprises_total") - pl.col("parks_total")).abs(),
                (pl.col("parks_total") - pl.col("province_total")).abs(),
            ).fill_null(float("inf"))
        )
        .sort(keys)
    )
