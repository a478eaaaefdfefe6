"""The province's long-range pathway: the path to 2050 as the sum of every enterprise's own,
and the actual points the chart sets against it (complete calendar years, the 12 months
ending at the period). No IO here."""

from __future__ import annotations

import polars as pl

from transforms.sums import stable_sum
from transforms.targets import IS_INTENSITY, TARGET_COLUMNS, declared_path

# The columns of rpt_enterprise_monthly that province_pathway reads (of its 144).
PATHWAY_COLUMNS = ("tax_code", "period", "output_quantity", *TARGET_COLUMNS)


def province_pathway(
    enterprises_12m: pl.DataFrame, period: str, last_year: int = 2050
) -> pl.DataFrame:
    """One row per calendar year from the earliest baseline year to ``last_year``: the
    province's path in tCO2e, the sum of every enterprise's own path.

    ``enterprises_12m`` holds rpt_enterprise_monthly rows of the 12 months ending at
    ``period``. An absolute target's path is its tCO2e; an intensity target's path is its
    path intensity × the enterprise's output of those months, annualised (months with
    output × 12 ÷ their count): the output is held where it is now, a stated projection.
    An intensity enterprise with no output in the 12 months adds nothing and is counted in
    ``enterprises_without_output``.
    """

    latest = enterprises_12m.filter(pl.col("period") == period)
    output = enterprises_12m.group_by("tax_code").agg(
        output_annual=pl.when(pl.col("output_quantity").is_not_null().sum() > 0).then(
            pl.col("output_quantity").sum() * 12 / pl.col("output_quantity").is_not_null().sum()
        )
    )
    targets = latest.select(TARGET_COLUMNS).join(output, on="tax_code", how="left")
    if targets.is_empty():
        return pl.DataFrame(
            schema={
                "year": pl.Int32,
                "path_tco2e": pl.Float64,
                "enterprises_in_path": pl.UInt32,
                "enterprises_without_output": pl.UInt32,
            }
        )
    first_year = int(targets["baseline_year"].min())  # type: ignore[arg-type]
    years = pl.DataFrame({"year": pl.int_range(first_year, last_year + 1, eager=True)})
    is_intensity = IS_INTENSITY
    annual = declared_path(pl.col("year"))
    tco2e = pl.when(is_intensity).then(annual * pl.col("output_annual")).otherwise(annual)
    return (
        targets.join(years, how="cross")
        .with_columns(path=tco2e)
        .group_by("year")
        .agg(
            path_tco2e=stable_sum(pl.col("path")),
            enterprises_in_path=pl.col("path").is_not_null().sum(),
            enterprises_without_output=(is_intensity & pl.col("output_annual").is_null()).sum(),
        )
        .with_columns(pl.col("year").cast(pl.Int32))
        .sort("year")
    )


def province_annual(rpt_province_monthly: pl.DataFrame, period: str) -> pl.DataFrame:
    """The actual points of the province's long-range pathway chart for ``period``: every
    complete calendar year before the period's year (kind ``calendar``) and the 12 months
    ending at the period (kind ``rolling_12m``, labelled with the period's year). A point
    rests on 12 months whose province total is known; with an unknown or missing month it has
    no total (never the sum of the months that are known)."""
    months = rpt_province_monthly.filter(pl.col("period") <= period).with_columns(
        year=pl.col("period").str.slice(0, 4).cast(pl.Int32)
    )
    known = pl.col("emissions_tco2e").is_not_null()
    points = [
        months.filter(pl.col("year") < int(period[:4]))
        .group_by("year")
        .agg(
            tco2e=pl.when(known.sum() == 12).then(stable_sum(pl.col("emissions_tco2e"))),
            months=pl.len().cast(pl.Int64),
            min_enterprises_with_emissions=pl.col("enterprises_with_emissions").min(),
        )
        .filter(pl.col("months") == 12)
        .with_columns(kind=pl.lit("calendar")),
        months.sort("period")
        .tail(12)
        .select(
            year=pl.lit(int(period[:4]), dtype=pl.Int32),
            tco2e=pl.when(known.sum() == 12).then(stable_sum(pl.col("emissions_tco2e"))),
            months=pl.len().cast(pl.Int64),
            min_enterprises_with_emissions=pl.col("enterprises_with_emissions").min(),
            kind=pl.lit("rolling_12m"),
        ),
    ]
    frame = pl.concat([p.select(ANNUAL_COLUMNS) for p in points])
    return frame.filter(pl.col("months") > 0).sort("year", "kind")


ANNUAL_COLUMNS = ["year", "tco2e", "months", "min_enterprises_with_emissions", "kind"]
