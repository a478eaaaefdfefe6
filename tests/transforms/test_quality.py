"""Warning masks by hand: month-on-month, own history, solar capacity, zero electricity."""

from __future__ import annotations

import polars as pl

from tests.conftest import reference
from transforms.quality import int_quality_checks


def checks(rows: list[tuple[str, str, float, str]], kwp: float | None = None) -> pl.DataFrame:
    """Masks for enterprise E01 from (period, activity, canonical quantity, unit) rows."""
    lines = pl.LazyFrame(
        [("E01", p, a, q, u) for p, a, q, u in rows],
        schema={
            "tax_code": pl.String,
            "period": pl.String,
            "activity_code": pl.String,
            "quantity_canonical": pl.Float64,
            "canonical_unit": pl.String,
        },
        orient="row",
    )
    dim = pl.LazyFrame(
        {"tax_code": ["E01"], "rooftop_solar_kwp": [kwp]},
        schema={"tax_code": pl.String, "rooftop_solar_kwp": pl.Float64},
    )
    return int_quality_checks(lines, dim, reference("ref_quality_thresholds")).collect()


def flagged(frame: pl.DataFrame, rule: str) -> list[tuple[str, str]]:
    return frame.filter(pl.col(rule)).select("period", "activity_code").rows()


def test_month_on_month_uses_the_activity_threshold() -> None:
    """It flags grid electricity beyond ×1.6 (threshold 0.6) and water beyond ×2 (default 1.0),
    and says nothing without a previous month."""
    result = checks(
        [
            ("2026-08", "ELEC_GRID", 100.0, "MWh"),
            ("2026-09", "ELEC_GRID", 150.0, "MWh"),  # ×1.5: fine
            ("2026-10", "ELEC_GRID", 350.0, "MWh"),  # ×2.33: flagged
            ("2026-09", "WATER_SUPPLY", 100.0, "m3"),
            ("2026-10", "WATER_SUPPLY", 190.0, "m3"),  # ×1.9: fine for water
        ]
    )
    assert flagged(result, "mom_change") == [("2026-10", "ELEC_GRID")]
    row = result.filter(pl.col("period") == "2026-10", pl.col("activity_code") == "ELEC_GRID")
    assert row["previous_quantity"].item() == 150.0


def test_far_from_its_own_history() -> None:
    """It flags a month 6 robust deviations from the 12 before (median 100, MAD 2)."""
    history = [
        (f"2025-{m:02d}", "WATER_SUPPLY", 100.0 + (m % 3) * 2 - 2, "m3") for m in range(1, 13)
    ]
    result = checks([*history, ("2026-01", "WATER_SUPPLY", 130.0, "m3")])
    # |130 − 100| / (1.4826 × 2) ≈ 10.1 > 6
    assert flagged(result, "far_from_history") == [("2026-01", "WATER_SUPPLY")]
    assert result.row(-1, named=True)["history_median"] == 100.0


def test_own_history_is_the_12_calendar_months_before_gaps_included() -> None:
    """The window is calendar months, not rows: a month 13 months back is out, a missing
    month is simply not in it, and the first month of an activity has no history at all
    (unknown, not zero). By hand for 2026-03: the months 2025-03 … 2026-02 known are
    2025-03 (7), 2025-06 (1), 2025-07 (3), 2026-02 (10); 2025-02 (1,000) is 13 months back.
    Median (3 + 7) / 2 = 5; deviations 2, 4, 2, 5 → MAD (2 + 4) / 2 = 3."""
    result = checks(
        [
            ("2025-02", "WATER_SUPPLY", 1000.0, "m3"),
            ("2025-03", "WATER_SUPPLY", 7.0, "m3"),
            ("2025-06", "WATER_SUPPLY", 1.0, "m3"),
            ("2025-07", "WATER_SUPPLY", 3.0, "m3"),
            ("2026-02", "WATER_SUPPLY", 10.0, "m3"),
            ("2026-03", "WATER_SUPPLY", 4.0, "m3"),
            ("2026-03", "ELEC_GRID", 5.0, "MWh"),  # first month of its activity
        ]
    )
    rows = {(r["period"], r["activity_code"]): r for r in result.to_dicts()}
    march = rows[("2026-03", "WATER_SUPPLY")]
    assert (march["history_months"], march["history_median"], march["history_mad"]) == (4, 5.0, 3.0)
    first = rows[("2025-02", "WATER_SUPPLY")]
    assert first["history_months"] is None and first["history_median"] is None
    grid = rows[("2026-03", "ELEC_GRID")]
    assert grid["history_months"] is None and grid["history_mad"] is None
    # 2025-03's window holds 2025-02 only: one month, median 1,000, MAD 0
    assert (
        rows[("2025-03", "WATER_SUPPLY")]["history_months"],
        rows[("2025-03", "WATER_SUPPLY")]["history_median"],
    ) == (1, 1000.0)


def test_solar_beyond_the_installed_capacity() -> None:
    """It flags 20 MWh self-consumed + 1 MWh exported from 100 kWp: 210 kWh/kWp > 180."""
    rows = [
        ("2026-10", "ELEC_SOLAR_SELF", 20.0, "MWh"),
        ("2026-10", "ELEC_SOLAR_EXPORTED", 1.0, "MWh"),
    ]
    result = checks(rows, kwp=100.0)
    assert flagged(result, "solar_implausible") == [("2026-10", "ELEC_SOLAR_SELF")]
    assert checks(rows, kwp=200.0)["solar_implausible"].sum() == 0
    assert checks(rows, kwp=None)["solar_implausible"].sum() == 0


def test_zero_electricity_in_an_operating_month() -> None:
    """It flags zero grid electricity when the month has production output."""
    result = checks(
        [
            ("2026-10", "ELEC_GRID", 0.0, "MWh"),
            ("2026-10", "PRODUCTION_OUTPUT", 5000.0, "pcs"),
            ("2026-09", "ELEC_GRID", 0.0, "MWh"),  # no output: closed, not suspicious
        ]
    )
    assert flagged(result, "zero_electricity") == [("2026-10", "ELEC_GRID")]


def test_each_warning_carries_the_value_its_rule_compared_with() -> None:
    """Given the checks' flags, the warnings name the enterprise, month, activity and rule,
    its reason in both languages, and the value compared with: the previous month for
    month-on-month, the median for own history, the yield for solar; none for zero
    electricity. A row with no flag gives no warning."""
    from transforms.quality import WARNING_RULES, fct_data_quality_warnings

    no, yes = False, True
    frame = pl.LazyFrame(
        {
            "tax_code": ["E01", "E01", "E02", "E02"],
            "period": ["2026-10"] * 4,
            "activity_code": ["ELEC_GRID", "ELEC_SOLAR_SELF", "ELEC_GRID", "WATER_SUPPLY"],
            "quantity": [300.0, 90.0, 0.0, 10.0],
            "unit": ["MWh", "MWh", "MWh", "m3"],
            "previous_quantity": [100.0, None, 5.0, 9.0],
            "history_median": [110.0, None, None, 10.0],
            "solar_yield_kwh_per_kwp": [None, 410.0, None, None],
            "mom_change": [yes, no, no, no],
            "far_from_history": [yes, no, no, no],
            "solar_implausible": [no, yes, no, no],
            "zero_electricity": [no, no, yes, no],
        }
    )
    reasons = {rule: (f"vi {rule}", f"en {rule}") for rule in WARNING_RULES}
    warnings = fct_data_quality_warnings(frame, reasons, "v1").collect()
    assert warnings.select("tax_code", "activity_code", "rule", "compared_with").rows() == [
        ("E01", "ELEC_GRID", "far_from_history", 110.0),
        ("E01", "ELEC_GRID", "mom_change", 100.0),
        ("E01", "ELEC_SOLAR_SELF", "solar_implausible", 410.0),
        ("E02", "ELEC_GRID", "zero_electricity", None),
    ]
    assert set(warnings["suite_version"]) == {"v1"}
    assert set(warnings["severity"]) == {"warning"}
    solar = warnings.filter(pl.col("rule") == "solar_implausible").row(0, named=True)
    assert (solar["reason_vi"], solar["reason_en"]) == reasons["solar_implausible"]
