"""Staging in Polars: canonical units. No IO here."""

from __future__ import annotations

import polars as pl


def stg_submissions__activity_lines(
    stg_submissions__accepted_lines: pl.LazyFrame,
    ref_activities: pl.LazyFrame,
    ref_activity_units: pl.LazyFrame,
    ref_fuel_densities: pl.LazyFrame,
    ref_toe_factors: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per accepted line, with its quantity in the activity's canonical unit and TOE.

    Volumes of fuel become tonnes through the fuel's density (``density_id`` says which);
    a volume with no density row keeps ``quantity_canonical`` null, for the marts suite
    to stop, rather than a guessed mass. TOE comes straight from the submitted unit with
    the MOIT table (CV 3505/BCT-KHCN); an energy line whose unit has no MOIT factor keeps
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
        "convert_by_density",
    )
    densities = ref_fuel_densities.select("fuel_code", "density_id", "density_t_per_m3")
    by_density = pl.col("convert_by_density")
    return (
        stg_submissions__accepted_lines.join(units, on=["activity_code", "unit"], how="left")
        .join(ref_activities.select("activity_code", "fuel_code"), on="activity_code", how="left")
        .join(densities, on="fuel_code", how="left")
        .join(toe, on=["activity_code", "unit"], how="left")
        .with_columns(
            quantity_canonical=pl.col("quantity")
            * pl.col("multiplier")
            * pl.when(by_density).then(pl.col("density_t_per_m3")).otherwise(1.0),
            # A mass-only activity (e.g. PRODUCTION_OUTPUT in pcs) keeps the unit it has.
            canonical_unit=pl.coalesce("canonical_unit", "unit"),
            density_id=pl.when(by_density).then(pl.col("density_id")),
            energy_toe=pl.col("quantity") * pl.col("toe_per_unit"),
        )
        .drop("multiplier", "convert_by_density", "density_t_per_m3", "fuel_code", "toe_per_unit")
    )
