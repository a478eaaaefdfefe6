"""Staging in Polars: canonical units. No IO here."""

from __future__ import annotations

import polars as pl

from transforms.submission_contract import quantity_value


def stg_submissions__activity_lines(
    stg_submissions__accepted_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_activity_units: pl.LazyFrame,
    ref_fuel_densities: pl.LazyFrame,
    ref_toe_factors: pl.LazyFrame,
    ref_fuel_combustion_factors: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per accepted line, with its quantity in the activity's canonical unit and TOE.

    Fuel volumes become tonnes through the fuel's density, and fuel energy (GJ, net
    calorific basis) through the fuel's NCV; ``conversion_factor_id`` says which row was
    used. A conversion with no reference row keeps ``quantity_canonical`` null, for the
    marts suite to stop, rather than a guessed mass. TOE comes straight from the submitted
    unit (MOIT table, CV 3505/BCT-KHCN); an energy line whose unit has no TOE factor keeps
    ``energy_toe`` null.
    """
    toe = ref_toe_factors.select(
        "activity_code",
        pl.col("unit_code").alias("unit"),
        pl.col("factor_id").alias("toe_factor_id"),
        "toe_per_unit",
    )
    units = ref_activity_units.select(
        "activity_code",
        pl.col("unit_code").alias("unit"),
        "canonical_unit",
        "multiplier",
        pl.col("conversion").fill_null(""),
    )
    densities = ref_fuel_densities.select("fuel_code", "density_id", "density_t_per_m3")
    ncvs = ref_fuel_combustion_factors.select(
        "fuel_code", ncv_factor_id="factor_id", ncv_tj_per_gg="ncv_tj_per_gg"
    )
    # The number is read from the submitted text by the contract's rule, as validation did.
    lines = stg_submissions__accepted_lines.with_columns(
        quantity=quantity_value(pl.col("quantity_text"))
    ).drop("quantity_text")
    return (
        lines.join(units, on=["activity_code", "unit"], how="left")
        .join(ref_activities.select("activity_code", "fuel_code"), on="activity_code", how="left")
        .join(densities, on="fuel_code", how="left")
        .join(ncvs, on="fuel_code", how="left")
        .join(toe, on=["activity_code", "unit"], how="left")
        .with_columns(_canonical())
        .drop(
            "multiplier",
            "conversion",
            "density_id",
            "density_t_per_m3",
            "ncv_factor_id",
            "ncv_tj_per_gg",
            "fuel_code",
            "toe_per_unit",
        )
    )


def _canonical() -> list[pl.Expr]:
    """The quantity in the canonical unit, the conversion row used, and the TOE."""
    conversion = pl.col("conversion")
    # GJ ÷ 1000 = TJ; TJ ÷ (TJ/Gg) = Gg; × 1000 = t: so t = GJ ÷ NCV.
    converted = (
        pl.when(conversion == "density")
        .then(pl.col("density_t_per_m3"))
        .when(conversion == "ncv")
        .then(1 / pl.col("ncv_tj_per_gg"))
        .otherwise(1.0)
    )
    return [
        (pl.col("quantity") * pl.col("multiplier") * converted).alias("quantity_canonical"),
        # A mass-only activity (e.g. PRODUCTION_OUTPUT in pcs) keeps the unit it has.
        pl.coalesce("canonical_unit", "unit").alias("canonical_unit"),
        pl.when(conversion == "density")
        .then(pl.col("density_id"))
        .when(conversion == "ncv")
        .then(pl.col("ncv_factor_id"))
        .alias("conversion_factor_id"),
        (pl.col("quantity") * pl.col("toe_per_unit")).alias("energy_toe"),
    ]
