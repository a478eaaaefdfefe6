"""Hand-computed progress cases: paths, pro-rating, year boundaries, intensity targets."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.quality import WARNING_COLUMNS
from transforms.targets import fct_enterprise_progress, path_value

TARGET_SCHEMA = {
    "tax_code": pl.String,
    "target_type": pl.String,
    "baseline_year": pl.Int64,
    "baseline_tco2e": pl.Float64,
    "baseline_intensity": pl.Float64,
    "target_year": pl.Int64,
    "target_reduction_pct": pl.Float64,
    "net_zero_year": pl.Int64,
}


def target(
    baseline_year: int = 2020,
    baseline_tco2e: float | None = 1200.0,
    target_year: int | None = None,
    reduction_pct: float | None = None,
    target_type: str = "absolute",
    baseline_intensity: float | None = None,
) -> pl.LazyFrame:
    row = ("E01", target_type, baseline_year, baseline_tco2e, baseline_intensity)
    row += (target_year, reduction_pct, 2050)
    return pl.LazyFrame([row], schema=TARGET_SCHEMA, orient="row")


QUALITY_SCHEMA = {
    "tax_code": pl.String,
    "period": pl.String,
    "activity_code": pl.String,
    **dict.fromkeys(WARNING_COLUMNS, pl.Boolean),
}


def flagged(*months: tuple[str, str]) -> pl.LazyFrame:
    """Quality checks with a month-on-month warning on (period, activity) of E01."""
    rows = [("E01", p, a, True, False, False, False) for p, a in months]
    return pl.LazyFrame(rows, schema=QUALITY_SCHEMA, orient="row")


def progress(
    dim: pl.LazyFrame,
    months: list[tuple[str, float | None, float | None] | tuple[str, None, None, str]],
    tolerance: float = 0.05,
    quality: pl.LazyFrame | None = None,
) -> pl.DataFrame:
    """Progress rows for one enterprise from (period, tCO2e, output) per month: None tCO2e
    is a month with no file; a fourth item is why a submitted month's tCO2e is unknown."""
    status = pl.LazyFrame({"tax_code": ["E01"] * len(months), "period": [m[0] for m in months]})
    filed = [m for m in months if m[1] is not None or len(m) > 3]
    monthly = pl.LazyFrame(
        {
            "tax_code": ["E01"] * len(filed),
            "period": [m[0] for m in filed],
            "emissions_tco2e": [m[1] for m in filed],
            "output_quantity": [m[2] for m in filed],
            "emissions_unknown_reason": [m[3] if len(m) > 3 else None for m in filed],
        },
        schema={
            "tax_code": pl.String,
            "period": pl.String,
            "emissions_tco2e": pl.Float64,
            "output_quantity": pl.Float64,
            "emissions_unknown_reason": pl.String,
        },
    )
    checks = flagged() if quality is None else quality
    return fct_enterprise_progress(dim, status, monthly, checks, tolerance).collect().sort("period")


def annual(frame: pl.LazyFrame, year: int) -> float:
    expr = path_value(
        pl.lit(year),
        pl.col("baseline_year"),
        pl.col("baseline_tco2e"),
        pl.col("target_year"),
        pl.col("target_reduction_pct"),
        pl.col("net_zero_year"),
    )
    return float(frame.select(expr).collect().item())


def test_default_path_is_linear_from_baseline_to_net_zero_in_2050() -> None:
    """It draws 1,200 t in 2020 down to 0 in 2050: 40 t a year, so 1,000 t in 2025."""
    dim = target()
    assert annual(dim, 2019) == pytest.approx(1200.0)
    assert annual(dim, 2025) == pytest.approx(1000.0)
    assert annual(dim, 2050) == pytest.approx(0.0)
    assert annual(dim, 2060) == pytest.approx(0.0)


def test_interim_target_bends_the_path() -> None:
    """It goes 1,000 t (2020) → 500 t (2030, −50 %) → 0 (2050): 750 t in 2025, 250 t in 2040."""
    dim = target(baseline_tco2e=1000.0, target_year=2030, reduction_pct=50.0)
    assert annual(dim, 2025) == pytest.approx(750.0)
    assert annual(dim, 2030) == pytest.approx(500.0)
    assert annual(dim, 2040) == pytest.approx(250.0)


def test_progress_across_a_year_boundary() -> None:
    """It restarts year to date in January and lets the rolling window span both years.

    Path 1,200 t (2020) → 0 (2050): 2024 is 1,040 t (86.667 t/month), 2025 is 1,000 t
    (83.333 t/month). Four months of 80 t, Nov 2024 to Feb 2025:
    - Feb 2025 year to date: 160 t against 166.667 t, −4.0 %: on track (tolerance 5 %);
    - rolling: 320 t against 86.667 × 2 + 83.333 × 2 = 340 t, −5.88 %: ahead.
    """
    months = [(p, 80.0, None) for p in ("2024-11", "2024-12", "2025-01", "2025-02")]
    result = progress(target(), months)
    feb = result.row(-1, named=True)
    assert feb["ytd_months_known"] == 2
    assert feb["ytd_tco2e"] == pytest.approx(160.0)
    assert feb["ytd_path_tco2e"] == pytest.approx(1000.0 / 6)
    assert feb["ytd_vs_path_pct"] == pytest.approx(-4.0)
    assert feb["progress_status"] == "on_track"
    assert feb["rolling_12m_path_tco2e"] == pytest.approx(340.0)
    # Four months on record are not twelve: the rolling status waits, and says why.
    assert feb["rolling_12m_vs_path_pct"] is None
    assert feb["progress_status_rolling_12m"] == "undetermined"
    assert feb["progress_status_rolling_12m_reason"] == "history_short"
    dec = result.row(1, named=True)
    assert dec["ytd_path_tco2e"] == pytest.approx(2 * 1040.0 / 12)


def test_a_missing_month_is_left_out_of_both_sides_and_leaves_the_status_open() -> None:
    """It compares two known months with two months of path, not with three, and claims no
    status while February is missing: February could change where the year stands."""
    months = [("2025-01", 90.0, None), ("2025-02", None, None), ("2025-03", 90.0, None)]
    mar = progress(target(), months).row(-1, named=True)
    assert (mar["ytd_months_known"], mar["ytd_months"]) == (2, 3)
    assert mar["ytd_path_tco2e"] == pytest.approx(2 * 1000.0 / 12)
    assert mar["ytd_vs_path_pct"] is None
    assert mar["progress_status"] == "undetermined"
    assert mar["progress_status_reason"] == "not_submitted"


def test_a_month_with_an_unknown_total_leaves_the_status_open() -> None:
    """It says 'undetermined: line rejected' for a month whose grid line was rejected,
    never 'ahead' on the strength of the fuel alone."""
    months = [("2025-01", 90.0, None), ("2025-02", None, None, "line_rejected")]
    feb = progress(target(), months).row(-1, named=True)
    assert feb["progress_status"] == "undetermined"
    assert feb["progress_status_reason"] == "line_rejected"
    assert feb["yoy_change_pct"] is None


def test_a_flagged_month_keeps_its_status_marked_to_confirm() -> None:
    """It keeps 'behind' for a year whose March grid electricity was flagged, and marks it
    to confirm for the rest of the year; a water warning does not, nor an output warning
    for an absolute target."""
    months = [("2025-02", 90.0, None), ("2025-03", 90.0, None), ("2025-04", 90.0, None)]
    result = progress(
        target(), months, quality=flagged(("2025-03", "ELEC_GRID"), ("2025-02", "WATER_SUPPLY"))
    )
    assert result["progress_status"].to_list() == ["behind"] * 3
    assert result["progress_to_confirm"].to_list() == [False, True, True]
    # Output matters only to an intensity target.
    output = flagged(("2025-03", "PRODUCTION_OUTPUT"))
    assert not progress(target(), months, quality=output)["progress_to_confirm"].any()
    dim = target(baseline_tco2e=None, target_type="intensity", baseline_intensity=0.5)
    months = [(p, 60.0, 120.0) for p in ("2025-02", "2025-03")]
    assert progress(dim, months, quality=output)["progress_to_confirm"].to_list() == [False, True]


def test_tolerance_is_configuration() -> None:
    """It calls +8 % on track under a 10 % tolerance."""
    months = [("2025-01", 90.0, None)]
    assert progress(target(), months, tolerance=0.10)["progress_status"].item() == "on_track"


def test_intensity_target_becomes_a_budget_from_output() -> None:
    """It turns 0.5 tCO2e/unit (2020) → 0 (2050) into 0.41667 in 2025; 120 units → 50 t.

    60 t emitted for those 120 units is 20 % over: behind.
    """
    dim = target(baseline_tco2e=None, target_type="intensity", baseline_intensity=0.5)
    row = progress(dim, [("2025-06", 60.0, 120.0)]).row(0, named=True)
    assert row["path_annual"] == pytest.approx(0.5 * 25 / 30)
    assert row["ytd_path_tco2e"] == pytest.approx(50.0)
    assert row["ytd_vs_path_pct"] == pytest.approx(20.0)
    assert row["progress_status"] == "behind"


def test_year_on_year_and_against_baseline() -> None:
    """It compares a month with the same month a year before, and 12 known months with the
    baseline: 12 × 90 = 1,080 t is 10 % below 1,200 t."""
    months = [(f"2024-{m:02d}", 90.0, None) for m in range(1, 13)] + [("2025-01", 99.0, None)]
    result = progress(target(), months)
    assert result.row(11, named=True)["rolling_12m_vs_baseline_pct"] == pytest.approx(-10.0)
    assert result.row(-1, named=True)["yoy_change_pct"] == pytest.approx(10.0)
    # Fewer than 12 known months cannot be set against an annual baseline.
    assert result.row(10, named=True)["rolling_12m_vs_baseline_pct"] is None


def test_no_known_month_is_undetermined() -> None:
    """It will not call an enterprise with nothing submitted on track."""
    assert progress(target(), [("2025-01", None, None)])["progress_status"].item() == (
        "undetermined"
    )
