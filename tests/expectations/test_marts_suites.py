"""The critical mart suites stop what they claim to."""

import polars as pl

from expectations import run_suite
from expectations.marts import rpt_rollup_reconciliation
from transforms.reports import (
    SUMMED,
    YTD,
    rpt_park_monthly,
    rpt_province_monthly,
    rpt_sector_monthly,
)
from transforms.reports import rpt_rollup_reconciliation as reconcile


def enterprise_rows(values: list[float]) -> pl.LazyFrame:
    n = len(values)
    base = {c: [1.0] * n for c in SUMMED} | {"emissions_tco2e": values}
    return pl.LazyFrame(
        base
        | {
            "period": ["2026-10"] * n,
            "park_code": ["VSIP3"] * (n - 1) + ["MP3"],
            "park_name_vi": ["a"] * n,
            "park_name_en": ["a"] * n,
            "vsic_code": ["1520"] * (n - 2) + ["2610"] * 2,
            "sector_label_vi": ["a"] * n,
            "sector_label_en": ["a"] * n,
            "months_reported_ytd": [10] * n,
            "months_expected_ytd": [10] * n,
            "progress_status": ["on_track"] * n,
            "has_dppa_grid_fallback": [False] * n,
            "has_energy_without_toe": [False] * n,
            "submission_status": ["on_time"] * n,
            "lines_quarantined": [0] * n,
            "has_provisional_grid_factor": [True] * n,
            "ghg_inventory_rolling": ["over"] * n,
            "key_energy_user_rolling": ["under"] * n,
        }
        | {f"ytd_{c}": [1.0] * n for c in YTD}
    )


def sectors(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rpt_sector_monthly(rows)


def check(frame: pl.DataFrame) -> bool:
    keyed = frame.with_row_index("row_key").with_columns(pl.col("row_key").cast(pl.Int64))
    return run_suite(keyed, rpt_rollup_reconciliation()).success


def test_rollups_that_add_up_pass() -> None:
    """It passes when parks and province add up to their enterprises."""
    rows = enterprise_rows([100.0, 250.5, 3.25])
    result = reconcile(
        rows, rpt_park_monthly(rows), sectors(rows), rpt_province_monthly(rows)
    ).collect()
    emissions = result.filter(pl.col("measure") == "emissions_tco2e").row(0, named=True)
    assert emissions["province_total"] == 353.75
    assert emissions["sectors_total"] == 353.75
    assert check(result)


def test_a_park_total_that_drifts_is_stopped() -> None:
    """It fails when a park total differs from the sum of its enterprises."""
    rows = enterprise_rows([100.0, 250.5, 3.25])
    parks = rpt_park_monthly(rows).with_columns(
        pl.when(pl.col("park_code") == "MP3")
        .then(pl.col("emissions_tco2e") + 0.01)
        .otherwise(pl.col("emissions_tco2e"))
        .alias("emissions_tco2e")
    )
    result = reconcile(rows, parks, sectors(rows), rpt_province_monthly(rows)).collect()
    assert not check(result)


def test_a_sector_total_that_drifts_is_stopped() -> None:
    """It fails when a sector (VSIC) total differs from the sum of its enterprises."""
    rows = enterprise_rows([100.0, 250.5, 3.25])
    drifted = sectors(rows).with_columns(pl.col("scope2_market_tco2e") * 1.001)
    result = reconcile(rows, rpt_park_monthly(rows), drifted, rpt_province_monthly(rows))
    assert not check(result.collect())


def test_progress_suite_stops_an_unknown_status_and_a_missing_target() -> None:
    """It fails a status outside the four, and an enterprise with no declared target type."""
    from expectations.marts import fct_enterprise_progress as suite

    good = pl.DataFrame(
        {
            "tax_code": ["E01", "E02"],
            "period": ["2026-10"] * 2,
            "progress_status": ["ahead", "undetermined"],
            "target_type": ["absolute", "intensity"],
        }
    )

    def passes(frame: pl.DataFrame) -> bool:
        keyed = frame.with_row_index("row_key").with_columns(pl.col("row_key").cast(pl.Int64))
        return run_suite(keyed, suite()).success

    assert passes(good)
    assert not passes(good.with_columns(progress_status=pl.lit("fine")))
    assert not passes(good.with_columns(target_type=pl.lit(None, dtype=pl.String)))


def test_register_suite_stops_an_unknown_park_or_sector_or_a_repeated_tax_code() -> None:
    """It fails a register row whose park or sector is unknown, or a tax code listed twice."""
    from expectations.marts import dim_enterprises as suite

    good = pl.DataFrame(
        {
            "tax_code": ["E1", "E2"],
            "park_name_vi": ["KCN A", "KCN B"],
            "sector_label_vi": ["x", "y"],
        }
    )

    def passes(frame: pl.DataFrame) -> bool:
        keyed = frame.with_row_index("row_key").with_columns(pl.col("row_key").cast(pl.Int64))
        return run_suite(keyed, suite()).success

    assert passes(good)
    assert not passes(good.with_columns(park_name_vi=pl.Series([None, "KCN B"])))
    assert not passes(good.with_columns(sector_label_vi=pl.Series(["x", None])))
    assert not passes(good.with_columns(tax_code=pl.lit("E1")))
