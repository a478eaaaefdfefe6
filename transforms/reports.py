"""Report tables: exactly what each template needs, codes and numbers only. No IO here."""

from __future__ import annotations

import polars as pl

from transforms.measures import REASONED_FIGURES
from transforms.periods import month_start
from transforms.sums import known_sum, stable_sum
from transforms.unknowns import first_reason, window_count, window_months

SUMMED = [
    "grid_electricity_mwh",
    "solar_self_consumed_mwh",
    "solar_exported_mwh",
    "irec_retired_mwh",
    "dppa_mwh",
    "ev_charging_mwh",
    "diesel_t",
    "lpg_t",
    "natural_gas_t",
    "diesel_mobile_t",
    "petrol_mobile_t",
    "fuel_oil_t",
    "coal_anthracite_t",
    "coal_bituminous_t",
    "coal_subbituminous_t",
    "wood_t",
    "water_supply_m3",
    "rainwater_reused_m3",
    "wastewater_m3",
    "waste_generated_t",
    "waste_recycled_t",
    "scope1_tco2e",
    "scope1_stationary_tco2e",
    "scope1_mobile_tco2e",
    "biogenic_co2_t",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "emissions_tco2e",
    "emissions_market_tco2e",
    "emissions_lower_bound_tco2e",
    "energy_toe",
    "energy_gj",
    "ytd_path_tco2e",
    "ytd_known_tco2e",
    "path_month_tco2e",
    "prior_month_emissions_tco2e",
]
# Figures kept year to date, and the reason column that says when a month's value is unknown.
YTD = {
    "emissions_tco2e": "emissions_unknown_reason",
    "emissions_market_tco2e": "emissions_market_unknown_reason",
    "scope1_tco2e": "scope1_unknown_reason",
    "scope2_location_tco2e": "scope2_location_unknown_reason",
    "scope2_market_tco2e": "scope2_market_unknown_reason",
    "grid_electricity_mwh": "grid_electricity_unknown_reason",
    "solar_self_consumed_mwh": "solar_self_consumed_unknown_reason",
    "energy_toe": "energy_toe_unknown_reason",
}
REASON_COLUMNS = tuple(f"{figure}_unknown_reason" for figure in REASONED_FIGURES)
# Roll-ups sum each figure over the enterprises where it is known, and count them.
COVERED = (
    "scope1_tco2e",
    "scope2_location_tco2e",
    "scope2_market_tco2e",
    "emissions_tco2e",
    "emissions_market_tco2e",
    "grid_electricity_mwh",
    "energy_toe",
    "energy_gj",
)


# What the reports show of fct_enterprise_progress (its ytd_tco2e as ytd_known_tco2e).
PROGRESS_SHOWN = (
    "tax_code",
    "period",
    "path_annual",
    "path_month_tco2e",
    "ytd_months",
    "ytd_months_known",
    "ytd_path_tco2e",
    "ytd_vs_path_pct",
    "rolling_12m_vs_path_pct",
    "yoy_change_pct",
    "rolling_12m_vs_baseline_pct",
    "progress_status",
    "progress_status_reason",
    "progress_to_confirm",
    "progress_status_rolling_12m",
    "progress_status_rolling_12m_reason",
    "progress_rolling_12m_to_confirm",
    "progress_tolerance",
)


def rpt_enterprise_monthly(
    dim_enterprises: pl.LazyFrame,
    fct_submission_status: pl.LazyFrame,
    fct_enterprise_monthly: pl.LazyFrame,
    fct_enterprise_obligations: pl.LazyFrame,
    fct_enterprise_progress: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per registered enterprise and period: the month, year to date, a year ago,
    progress against the path and the obligation status. A month with no file has every
    figure unknown (``not_submitted``); a year-to-date figure is known only when every month
    of it is (transforms/unknowns.py)."""
    monthly = fct_enterprise_monthly.drop("reporting_month", "revision").with_columns(
        submitted=pl.lit(True)
    )
    progress = fct_enterprise_progress.select(
        *PROGRESS_SHOWN[:6], pl.col("ytd_tco2e").alias("ytd_known_tco2e"), *PROGRESS_SHOWN[6:]
    )
    not_submitted = first_reason((pl.col("submitted").is_null(), "not_submitted"))
    base = (
        fct_submission_status.join(monthly, on=["tax_code", "period"], how="left")
        .join(fct_enterprise_obligations, on=["tax_code", "period"], how="left")
        .join(progress, on=["tax_code", "period"], how="left")
        .join(dim_enterprises.drop("park_code"), on="tax_code", how="left")
        .with_columns(pl.coalesce(not_submitted, pl.col(c)).alias(c) for c in REASON_COLUMNS)
        .with_columns(month_start(), year=pl.col("period").str.slice(0, 4).cast(pl.Int32))
        .sort("tax_code", "period")
    )
    window = ("tax_code", "year")
    months = window_months(None, window)
    ytd = [
        pl.when(window_count(pl.col(reason).is_null(), None, window) == months)
        .then(pl.col(c).fill_null(0).cum_sum().over(window))
        .alias(f"ytd_{c}")
        for c, reason in YTD.items()
    ]
    year_ago = [
        pl.col(c).shift(12).over("tax_code").alias(f"year_ago_{c}")
        for c in ("emissions_tco2e", "grid_electricity_mwh")
    ]
    prior = pl.col("emissions_tco2e").shift(1).over("tax_code")
    return (
        base.with_columns(*ytd, *year_ago, prior_month_emissions_tco2e=prior)
        .with_columns(
            *_eco_shares(),
            months_reported_ytd=window_count(pl.col("emissions_tco2e").is_not_null(), None, window),
            months_expected_ytd=months,
        )
        .drop("submitted")
    )


def rpt_park_monthly(rpt_enterprise_monthly: pl.LazyFrame) -> pl.LazyFrame:
    """One row per industrial park and period: totals and submission completeness."""
    return _rollup(rpt_enterprise_monthly, ["park_code", "park_name_vi", "park_name_en", "period"])


def rpt_sector_monthly(rpt_enterprise_monthly: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sector (VSIC 2018) and period: totals and submission completeness."""
    keys = ["vsic_code", "sector_label_vi", "sector_label_en", "period"]
    return _rollup(rpt_enterprise_monthly, keys)


def rpt_province_monthly(rpt_enterprise_monthly: pl.LazyFrame) -> pl.LazyFrame:
    """One row per period: province totals and submission completeness."""
    return _rollup(rpt_enterprise_monthly, ["period"])


def _rollup(rows: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    status = pl.col("submission_status")
    # Month on month, like for like: only enterprises known in both months compare.
    both = (
        pl.col("emissions_tco2e").is_not_null()
        & pl.col("prior_month_emissions_tco2e").is_not_null()
    )
    return (
        rows.group_by(keys)
        .agg(
            *(known_sum(pl.col(c)).alias(c) for c in SUMMED),
            *(known_sum(pl.col(f"ytd_{c}")).alias(f"ytd_{c}") for c in YTD),
            *(
                pl.col(c).is_not_null().sum().alias(f"enterprises_known_{c}")
                for c in (*COVERED, *(f"ytd_{c}" for c in YTD))
            ),
            # Solar over the enterprises whose electricity is known, for a share that divides
            # like by like.
            _solar_known_mwh=stable_sum(
                pl.when(pl.col("electricity_mwh").is_not_null()).then(
                    pl.col("solar_self_consumed_mwh").fill_null(0)
                )
            ),
            _electricity_mwh=stable_sum(pl.col("electricity_mwh")),
            enterprises=pl.len(),
            enterprises_submitted=(status != "missing").sum(),
            enterprises_missing=(status == "missing").sum(),
            enterprises_revised=(status == "revised").sum(),
            enterprises_on_time=(status == "on_time").sum(),
            enterprises_late=(status == "late").sum(),
            enterprises_rejected=(status == "rejected").sum(),
            # Coverage: what the totals rest on (a sum skips what was not reported).
            enterprises_with_emissions=pl.col("emissions_tco2e").is_not_null().sum(),
            enterprises_comparable=both.sum(),
            comparable_prior_tco2e=known_sum(
                pl.when(both).then(pl.col("prior_month_emissions_tco2e"))
            ),
            comparable_tco2e=known_sum(pl.when(both).then(pl.col("emissions_tco2e"))),
            enterprise_months_ytd=pl.col("months_reported_ytd").sum(),
            enterprise_months_expected_ytd=pl.col("months_expected_ytd").sum(),
            enterprises_ahead=(pl.col("progress_status") == "ahead").sum(),
            enterprises_on_track=(pl.col("progress_status") == "on_track").sum(),
            enterprises_behind=(pl.col("progress_status") == "behind").sum(),
            enterprises_undetermined=(pl.col("progress_status") == "undetermined").sum(),
            # Statuses that stand on a flagged figure: to be confirmed.
            enterprises_to_confirm=(
                pl.col("progress_to_confirm").fill_null(False)
                & (pl.col("progress_status") != "undetermined")
            ).sum(),
            lines_quarantined=pl.col("lines_quarantined").sum(),
            has_provisional_grid_factor=pl.col("has_provisional_grid_factor").any(),
            has_dppa_grid_fallback=pl.col("has_dppa_grid_fallback").any(),
            has_energy_without_toe=pl.col("has_energy_without_toe").any(),
            enterprises_ghg_inventory_over=(pl.col("ghg_inventory_rolling") == "over").sum(),
            enterprises_key_energy_user_over=(pl.col("key_energy_user_rolling") == "over").sum(),
        )
        .with_columns(
            *_eco_shares(),
            renewable_share=pl.when(pl.col("_electricity_mwh") > 0).then(
                pl.col("_solar_known_mwh") / pl.col("_electricity_mwh")
            ),
            comparable_change_pct=pl.when(pl.col("comparable_prior_tco2e") > 0).then(
                (pl.col("comparable_tco2e") / pl.col("comparable_prior_tco2e") - 1) * 100
            ),
        )
        .drop("_solar_known_mwh", "_electricity_mwh")
        .with_columns(month_start())
        .sort(keys)
    )


def _eco_shares() -> list[pl.Expr]:
    """Eco-industrial-park resource indicators (Decree 35/2022 themes): water reused and
    waste recycled, as shares; null when there is nothing to divide by."""
    water = pl.col("water_supply_m3").fill_null(0) + pl.col("rainwater_reused_m3").fill_null(0)
    waste = pl.col("waste_generated_t").fill_null(0)
    return [
        pl.when(water > 0)
        .then(pl.col("rainwater_reused_m3").fill_null(0) / water)
        .alias("water_reuse_share"),
        pl.when(waste > 0)
        .then(pl.col("waste_recycled_t").fill_null(0) / waste)
        .alias("waste_recycling_share"),
    ]


LEVELS = ["enterprises_total", "parks_total", "sectors_total", "province_total"]


def rpt_rollup_reconciliation(
    rpt_enterprise_monthly: pl.LazyFrame,
    rpt_park_monthly: pl.LazyFrame,
    rpt_sector_monthly: pl.LazyFrame,
    rpt_province_monthly: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per period and measure: enterprise, park, sector and province totals, and the
    largest gap between any two of them."""

    def totals(frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
        return (
            frame.group_by("period")
            .agg(stable_sum(pl.col(c)) for c in SUMMED)
            .unpivot(index="period", variable_name="measure", value_name=name)
        )

    keys = ["period", "measure"]
    return (
        totals(rpt_enterprise_monthly, "enterprises_total")
        .join(totals(rpt_park_monthly, "parks_total"), on=keys, how="full", coalesce=True)
        .join(totals(rpt_sector_monthly, "sectors_total"), on=keys, how="full", coalesce=True)
        .join(totals(rpt_province_monthly, "province_total"), on=keys, how="full", coalesce=True)
        .with_columns(
            abs_difference=pl.when(pl.any_horizontal(pl.col(LEVELS).is_null()))
            .then(float("inf"))
            .otherwise(pl.max_horizontal(*LEVELS) - pl.min_horizontal(*LEVELS)),
            reporting_month=month_start(),
        )
        .sort(keys)
    )
