"""The critical mart suites stop what they claim to."""

import polars as pl

from expectations import marts as marts_suites
from expectations import run_suite
from expectations.marts import REASONED, rpt_rollup_reconciliation
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
    base = {c: [1.0] * n for c in SUMMED} | {
        "emissions_tco2e": values,
        "electricity_mwh": [2.0] * n,
    }
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
            "progress_to_confirm": [False] * n,
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


def monthly_frame(**changes: object) -> pl.DataFrame:
    """One enterprise-month whose every figure is known and consistent."""
    row: dict[str, object] = {
        "tax_code": "3700000001",
        "period": "2026-10",
        "scope1_tco2e": 2.0,
        "biogenic_co2_t": 0.0,
        "scope2_location_tco2e": 65.92,
        "scope2_market_tco2e": 65.92,
        "emissions_tco2e": 67.92,
        "emissions_market_tco2e": 67.92,
        "grid_electricity_mwh": 100.0,
        "solar_self_consumed_mwh": None,
        "energy_toe": 15.43,
        "energy_gj": 360.0,
    }
    row |= {reason: None for reason in REASONED.values()}
    row |= changes
    schema = {
        k: pl.String if k in ("tax_code", "period") or k.endswith("_reason") else pl.Float64
        for k in row
    }
    return pl.DataFrame([row], schema=schema)


def failed_rules(frame: pl.DataFrame, suite: object) -> set[str]:
    keyed = frame.with_row_index("row_key").with_columns(pl.col("row_key").cast(pl.Int64))
    outcome = run_suite(keyed, suite)
    return set(outcome.results.filter(~pl.col("success"))["rule"].to_list())


def test_a_total_with_an_unknown_part_stops_the_run() -> None:
    """It fails a month whose total is 67.92 t while Scope 2 is unknown, or whose TOE is
    given while its reason says unknown; a month known throughout, or unknown throughout,
    passes."""
    suite = marts_suites.fct_enterprise_monthly()
    assert failed_rules(monthly_frame(), suite) == set()
    unknown = monthly_frame(
        scope2_location_tco2e=None,
        emissions_tco2e=None,
        scope2_location_unknown_reason="line_rejected",
        emissions_unknown_reason="line_rejected",
    )
    assert failed_rules(unknown, suite) == set()
    assert failed_rules(monthly_frame(scope2_location_tco2e=None), suite) == {
        "emissions_tco2e_unknown_with_a_part"
    }
    assert failed_rules(monthly_frame(energy_toe_unknown_reason="no_toe_factor"), suite) == {
        "energy_toe_unknown_with_its_reason"
    }


def status_frame(**changes: object) -> pl.DataFrame:
    row: dict[str, object] = {
        "submission_status": "on_time",
        "emissions_tco2e": 67.92,
        "progress_status": "on_track",
        "progress_status_rolling_12m": "behind",
        "ghg_inventory_rolling": "under",
        "key_energy_user_rolling": "under",
        "ghg_inventory_calendar": "undetermined",
        "key_energy_user_calendar": "undetermined",
        "rolling_12m_months_known": 12,
        "rolling_12m_energy_months_known": 12,
        "calendar_ytd_months_known": 10,
        "calendar_ytd_energy_months_known": 10,
    } | changes
    return pl.DataFrame([row])


def test_a_status_for_a_missing_month_stops_the_run() -> None:
    """It fails 'on track' for a missing month or a month with unknown emissions, and
    'under' on 11 known months; it passes 'undetermined' for them."""
    suite = marts_suites.rpt_enterprise_monthly()
    assert failed_rules(status_frame(), suite) == set()
    missing = status_frame(submission_status="missing", emissions_tco2e=None)
    assert failed_rules(missing, suite) == {
        "progress_status_undetermined_when_month_unknown",
        "progress_status_rolling_12m_undetermined_when_month_unknown",
    }
    settled = status_frame(
        submission_status="missing",
        emissions_tco2e=None,
        progress_status="undetermined",
        progress_status_rolling_12m="undetermined",
    )
    assert failed_rules(settled, suite) == set()
    assert failed_rules(status_frame(emissions_tco2e=None), suite) >= {
        "progress_status_undetermined_when_month_unknown"
    }
    assert failed_rules(status_frame(rolling_12m_months_known=11), suite) == {
        "ghg_inventory_rolling_under_only_on_twelve_known_months"
    }
    assert failed_rules(status_frame(rolling_12m_energy_months_known=11), suite) == {
        "key_energy_user_rolling_under_only_on_twelve_known_months"
    }


def test_a_suite_names_its_columns_or_says_it_cannot() -> None:
    """The columns a check reads come from its expectations and their row conditions; a
    condition written as a query string cannot be read, and then every column is read."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    from expectations import suite_columns

    suite = gx.ExpectationSuite(
        name="columns",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(
                column="a", row_condition=(Column("b") > 1) | Column("c").is_null()
            ),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["d", "e"]),
        ],
    )
    assert suite_columns(suite) == {"a", "b", "c", "d", "e"}
    queried = gx.ExpectationSuite(
        name="queried",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(
                column="a", row_condition="b > 1", condition_parser="pandas"
            )
        ],
    )
    assert suite_columns(queried) is None
