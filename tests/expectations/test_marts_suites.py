"""The critical mart suites stop what they claim to."""

import polars as pl

from expectations import run_suite
from expectations.marts import rpt_rollup_reconciliation
from transforms.reports import SUMMED, rpt_park_monthly, rpt_province_monthly
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
            "submission_status": ["submitted"] * n,
            "lines_quarantined": [0] * n,
            "has_provisional_grid_factor": [True] * n,
            "ghg_inventory_rolling": ["over"] * n,
            "key_energy_user_rolling": ["under"] * n,
        }
        | {
            f"ytd_{c}": [1.0] * n
            for c in (
                "emissions_tco2e",
                "scope1_tco2e",
                "scope2_location_tco2e",
                "grid_electricity_mwh",
                "solar_self_consumed_mwh",
                "energy_toe",
            )
        }
    )


def check(frame: pl.DataFrame) -> bool:
    keyed = frame.with_row_index("row_key").with_columns(pl.col("row_key").cast(pl.Int64))
    return run_suite(keyed, rpt_rollup_reconciliation()).success


def test_rollups_that_add_up_pass() -> None:
    """It passes when parks and province add up to their enterprises."""
    rows = enterprise_rows([100.0, 250.5, 3.25])
    result = reconcile(rows, rpt_park_monthly(rows), rpt_province_monthly(rows)).collect()
    emissions = result.filter(pl.col("measure") == "emissions_tco2e").row(0, named=True)
    assert emissions["province_total"] == 353.75
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
    result = reconcile(rows, parks, rpt_province_monthly(rows)).collect()
    assert not check(result)
