"""Wastewater against QCVN 40, on tiny frames computed by hand: the permitted limits
(C × Kq × Kf, pH and coliforms not multiplied, the permit's own limit first), hourly and
daily averages, exceedances and episodes, completeness and gaps, volumes and loads."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from tests.conftest import reference
from transforms import wastewater as ww

QCVN_2011 = "QCVN 40:2011/BTNMT"
START, END = datetime(2026, 9, 30, 17), datetime(2026, 10, 31, 17)  # October in Viet Nam, UTC
OCTOBER = pl.LazyFrame({"period": ["2026-10"]})


def outlets() -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "outlet_id": ["O1", "O2", "O3"],
            "standard": [QCVN_2011, QCVN_2011, QCVN_2011],
            "column_code": ["B", "A", "B"],
            "kq": [0.9, None, 1.0],
            "kf": [1.0, 1.1, 1.0],
        }
    )


def outlet_parameters(interval: int = 5) -> pl.LazyFrame:
    pairs = [("O1", p) for p in ("pH", "COD", "NH4_N", "TEMP")]
    pairs += [("O2", "pH"), ("O2", "COD"), ("O3", "COD")]
    return pl.LazyFrame(
        {
            "outlet_id": [o for o, _ in pairs],
            "parameter": [p for _, p in pairs],
            "interval_minutes": [interval] * len(pairs),
        }
    )


PERMIT = pl.LazyFrame(
    {
        "outlet_id": ["O3"],
        "parameter": ["COD"],
        "limit_min": [None],
        "limit_max": [100.0],
        "source": ["Giấy phép môi trường 123/GP-UBND"],
    },
    schema_overrides={"limit_min": pl.Float64},
)


def limits() -> pl.DataFrame:
    return ww.permitted_limits(
        outlet_parameters(), outlets(), PERMIT, reference("ref_wastewater_limits")
    ).collect()


def test_a_limit_is_c_times_kq_times_kf_except_ph_and_the_permit_comes_first() -> None:
    got = {(r["outlet_id"], r["parameter"]): r for r in limits().to_dicts()}
    # B: COD 150 × 0.9 × 1.0; NH4+ 10 × 0.9, not verified; pH 5.5–9 not multiplied
    assert got["O1", "COD"]["limit_max"] == pytest.approx(135.0)
    assert got["O1", "COD"]["basis"] == "standard_kq_kf"
    assert got["O1", "pH"]["basis"] == "standard"
    assert got["O1", "NH4_N"]["limit_max"] == pytest.approx(9.0)
    assert got["O1", "NH4_N"]["not_verified"] == "all"
    assert (got["O1", "pH"]["limit_min"], got["O1", "pH"]["limit_max"]) == (5.5, 9.0)
    # temperature: no limit in the reference data, reported but never judged
    assert got["O1", "TEMP"]["basis"] == "none" and got["O1", "TEMP"]["limit_max"] is None
    # A, Kq missing: COD's limit is unknown, never the bare 75; pH needs no K factor
    assert got["O2", "COD"]["limit_max"] is None
    assert got["O2", "COD"]["limit_unknown_reason"] == "k_factors_missing"
    assert (got["O2", "pH"]["limit_min"], got["O2", "pH"]["limit_max"]) == (6.0, 9.0)
    # the permit's own limit, with the permit as its source
    assert got["O3", "COD"]["limit_max"] == 100.0 and got["O3", "COD"]["basis"] == "permit"
    assert got["O3", "COD"]["source"] == "Giấy phép môi trường 123/GP-UBND"


def readings(rows: list[tuple[str, str, datetime, float | None, str]]) -> pl.LazyFrame:
    return pl.LazyFrame(
        rows,
        schema={
            "outlet_id": pl.String,
            "parameter": pl.String,
            "measured_at": pl.Datetime("us"),
            "value": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Viet Nam wall-clock time in October 2026, as the naive UTC the warehouse keeps."""
    return datetime(2026, 10, day, hour, minute) - timedelta(hours=7)


def test_hourly_then_daily_averages_ignore_calibration_and_fault() -> None:
    rows = [
        # 1 Oct 00:xx local: 100 and 140 valid (mean 120); 900 while calibrating is ignored
        ("O1", "COD", local(1, 0, 5), 100.0, "measuring"),
        ("O1", "COD", local(1, 0, 10), 140.0, "measuring"),
        ("O1", "COD", local(1, 0, 15), 900.0, "calibrating"),
        # 1 Oct 01:xx local: one valid reading, 60; a fault value ignored
        ("O1", "COD", local(1, 1, 0), 60.0, "measuring"),
        ("O1", "COD", local(1, 1, 5), 5.0, "fault"),
    ]
    hourly = ww.hourly_averages(readings(rows)).collect()
    assert hourly["value"].to_list() == [120.0, 60.0]
    assert hourly["hour"].to_list() == [datetime(2026, 10, 1, 0), datetime(2026, 10, 1, 1)]
    daily = ww.daily_averages(hourly.lazy(), ww.Averaging(min_valid_hours=2)).collect()
    # the mean of the hourly means (90), not of the three readings (100)
    assert daily.select("day", "value", "valid_hours", "judged").rows() == [
        (date(2026, 10, 1), 90.0, 2, True)
    ]


def day_of(values: dict[int, float], parameter: str = "COD", outlet: str = "O1") -> pl.LazyFrame:
    """A daily-average frame: one judged day per entry (day of October → value)."""
    return pl.LazyFrame(
        {
            "outlet_id": [outlet] * len(values),
            "parameter": [parameter] * len(values),
            "day": [date(2026, 10, d) for d in values],
            "value": list(values.values()),
            "valid_hours": [24] * len(values),
            "peak": list(values.values()),
            "judged": [True] * len(values),
        }
    )


def test_consecutive_exceedance_days_make_one_episode_with_its_peak() -> None:
    # O1 COD limit 135: days 3, 4, 5 above (peak 162 = 1.2×), 6 below, 8 above alone
    daily = day_of({3: 140.0, 4: 162.0, 5: 136.0, 6: 120.0, 8: 150.0})
    compliance = ww.daily_compliance(daily, limits().lazy()).collect()
    assert compliance["status"].to_list() == [
        "exceeded", "exceeded", "exceeded", "compliant", "exceeded",
    ]  # fmt: skip
    got = ww.episodes(compliance.lazy()).collect()
    assert got.select("first_day", "last_day", "days", "peak_value").rows() == [
        (date(2026, 10, 3), date(2026, 10, 5), 3, 162.0),
        (date(2026, 10, 8), date(2026, 10, 8), 1, 150.0),
    ]
    assert got["peak_ratio"].to_list() == pytest.approx([1.2, 150 / 135])


def test_ph_outside_its_range_either_way_and_unknowns_are_never_compliant() -> None:
    ph = day_of({1: 5.0, 2: 7.0, 3: 9.5}, parameter="pH")
    compliance = ww.daily_compliance(ph, limits().lazy()).collect()
    assert compliance["status"].to_list() == ["exceeded", "compliant", "exceeded"]
    episodes = ww.episodes(compliance.lazy()).collect()
    assert episodes.select("first_day", "peak_value", "peak_ratio").rows() == [
        (date(2026, 10, 1), 5.0, None),  # below the minimum: no ratio to a maximum
        (date(2026, 10, 3), 9.5, pytest.approx(9.5 / 9.0)),
    ]
    thin = day_of({1: 500.0}).with_columns(judged=pl.lit(False), valid_hours=pl.lit(10))
    assert ww.daily_compliance(thin, limits().lazy()).collect()["status"].to_list() == [
        "insufficient_data"
    ]
    unknown_k = day_of({1: 500.0}, outlet="O2")
    assert ww.daily_compliance(unknown_k, limits().lazy()).collect()["status"].to_list() == [
        "limit_unknown"
    ]
    temp = day_of({1: 45.0}, parameter="TEMP")
    assert ww.daily_compliance(temp, limits().lazy()).collect()["status"].to_list() == ["no_limit"]


def test_a_day_not_judged_breaks_an_episode() -> None:
    daily = day_of({3: 140.0, 4: 500.0, 5: 140.0}).with_columns(
        judged=pl.col("day") != date(2026, 10, 4)
    )
    compliance = ww.daily_compliance(daily, limits().lazy())
    assert ww.episodes(compliance).collect()["days"].to_list() == [1, 1]


def test_completeness_counts_valid_calibrating_and_fault_intervals_and_lists_gaps() -> None:
    # October: 31 days × 288 five-minute intervals = 8,928 expected per parameter
    rows = [("O1", "COD", local(1, 0, 5 * i), 50.0, "measuring") for i in range(12)]
    rows += [
        ("O1", "COD", local(1, 0, 5 * i + 1), 50.0, "measuring") for i in range(3)
    ]  # same slots
    rows += [("O1", "COD", local(1, 3, 0), 50.0, "calibrating")]
    rows += [
        ("O1", "COD", local(1, 4, 0), None, "fault"),
        ("O1", "COD", local(2, 0, 0), 50.0, "measuring"),
    ]
    got = {
        (r["outlet_id"], r["parameter"]): r
        for r in ww.completeness(readings(rows), outlet_parameters(), OCTOBER).collect().to_dicts()
    }
    cod = got["O1", "COD"]
    assert cod["expected_intervals"] == 8928
    assert (cod["valid_intervals"], cod["calibrating_intervals"], cod["fault_intervals"]) == (
        13,
        1,
        1,
    )
    assert cod["valid_share"] == pytest.approx(13 / 8928)
    # a parameter that sent nothing: 0 of 8,928, not a missing row
    assert (got["O3", "COD"]["valid_intervals"], got["O3", "COD"]["valid_share"]) == (0, 0.0)
    found = ww.gaps(readings(rows), outlet_parameters(), OCTOBER).collect()
    cod_gaps = found.filter(pl.col("parameter") == "COD", pl.col("outlet_id") == "O1")
    # 00:55 local 1 Oct → 00:00 local 2 Oct, then → the end of October
    assert cod_gaps.select("gap_start", "gap_end").rows() == [
        (local(1, 0, 55), local(2, 0, 0)),
        (local(2, 0, 0), END),
    ]
    whole = found.filter(pl.col("outlet_id") == "O3")
    assert whole.select("gap_start", "gap_end", "minutes").rows() == [(START, END, 31 * 24 * 60)]


def test_loads_are_concentration_times_volume_and_a_missing_day_leaves_a_lower_bound() -> None:
    # 2 days: flow 10 m³/h all 24 hours each day → 240 m³/day
    hours = [datetime(2026, 10, d, h) for d in (1, 2) for h in range(24)]
    hourly = pl.LazyFrame(
        {
            "outlet_id": ["O1"] * len(hours),
            "parameter": ["FLOW_OUT"] * len(hours),
            "hour": hours,
            "value": [10.0] * len(hours),
            "readings": [12] * len(hours),
        }
    )
    volumes = ww.daily_volumes(hourly).collect()
    assert volumes["volume_m3"].to_list() == [240.0, 240.0]
    # COD 100 mg/L on day 1, 50 on day 2: 100 × 240 / 1000 + 50 × 240 / 1000 = 36 kg
    daily = day_of({1: 100.0, 2: 50.0})
    two_days = ww.monthly_loads(daily, volumes.lazy(), days_in_period=2).collect()
    assert two_days.select("load_kg", "load_lower_bound_kg", "days_known").rows() == [
        (pytest.approx(36.0), pytest.approx(36.0), 2)
    ]
    # over October (31 days) the same two days are a lower bound, never the month's load
    month = ww.monthly_loads(daily, volumes.lazy(), days_in_period=31).collect()
    assert month["load_kg"].to_list() == [None]
    assert month["load_lower_bound_kg"].to_list() == [pytest.approx(36.0)]
    # a day with 23 hours of flow has no volume, only a lower bound
    short = ww.daily_volumes(hourly.filter(pl.col("hour") != datetime(2026, 10, 2, 5))).collect()
    assert short.select("volume_m3", "volume_lower_bound_m3").rows() == [
        (240.0, 240.0),
        (None, 230.0),
    ]


def test_the_register_list_of_parameters_becomes_one_limit_row_each() -> None:
    register = pl.LazyFrame(
        {
            "outlet_id": ["WW-VSIP1"],
            "standard": [QCVN_2011],
            "column_code": ["A"],
            "kq": [0.9],
            "kf": [1.1],
            "parameters": ["pH; COD;TSS;FLOW_OUT;"],
            "interval_minutes": [5],
        }
    )
    none = pl.LazyFrame(
        schema={
            "outlet_id": pl.String,
            "parameter": pl.String,
            "limit_min": pl.Float64,
            "limit_max": pl.Float64,
            "source": pl.String,
        }
    )
    got = ww.fct_wastewater_limits(
        register,
        none,
        reference("ref_wastewater_limits"),
        reference("ref_wastewater_parameters"),
    ).collect()
    station = got.filter("on_station")
    assert station.select("parameter", "limit_min", "limit_max", "basis").rows() == [
        ("COD", None, pytest.approx(75 * 0.9 * 1.1), "standard_kq_kf"),
        ("FLOW_OUT", None, None, "none"),
        ("TSS", None, pytest.approx(50 * 0.9 * 1.1), "standard_kq_kf"),
        ("pH", 6.0, 9.0, "standard"),
    ]
    # a parameter only a laboratory tests has its limit too: BOD5 30 × 0.9 × 1.1 (column A)
    bod = got.filter(pl.col("parameter") == "BOD5").row(0, named=True)
    assert (bod["on_station"], bod["basis"]) == (False, "standard_kq_kf")
    assert bod["limit_max"] == pytest.approx(30 * 0.9 * 1.1)


def test_the_report_row_of_a_ph_dip_shows_the_lowest_day_not_a_ratio_inside_the_range() -> None:
    """pH 6–9 (QCVN 40:2011 column A): daily averages 5.0, 7.0, 7.2 → exceeded, shown as
    lowest–highest 5.0–7.2 with no ratio (7.2 / 9 = 0.80 would read as within); COD limit
    75 × 0.9 × 1.1 = 74.25 with days 60 and 89.1 → 89.1 / 74.25 = 1.2 × the limit."""
    register = pl.LazyFrame(
        {
            "outlet_id": ["W"],
            "standard": [QCVN_2011],
            "column_code": ["A"],
            "kq": [0.9],
            "kf": [1.1],
            "parameters": ["pH;COD"],
            "interval_minutes": [5],
        }
    )
    no_permit = pl.LazyFrame(
        schema={"outlet_id": pl.String, "parameter": pl.String, "limit_min": pl.Float64,
                "limit_max": pl.Float64, "source": pl.String}
    )  # fmt: skip
    limits = ww.fct_wastewater_limits(
        register, no_permit, reference("ref_wastewater_limits"),
        reference("ref_wastewater_parameters"),
    )  # fmt: skip
    daily = pl.concat(
        [day_of({1: 5.0, 2: 7.0, 3: 7.2}, "pH", "W"), day_of({1: 60.0, 2: 89.1}, "COD", "W")]
    )
    compliance = ww.daily_compliance(daily, limits).with_columns(period=pl.lit("2026-10"))
    keys = pl.LazyFrame({"period": ["2026-10"] * 2, "outlet_id": ["W"] * 2,
                         "parameter": ["COD", "pH"], "valid_share": [1.0, 1.0]})  # fmt: skip
    loads = keys.select("period", "outlet_id", "parameter").with_columns(
        load_kg=pl.lit(None, pl.Float64), load_lower_bound_kg=pl.lit(None, pl.Float64)
    )
    lab = pl.LazyFrame(
        schema={"period": pl.String, "outlet_id": pl.String, "parameter": pl.String,
                "status": pl.String, "value": pl.Float64, "ratio": pl.Float64}
    )  # fmt: skip
    got = ww.rpt_wastewater_parameters(
        limits, compliance, keys, loads, reference("ref_wastewater_parameters"), lab
    ).collect()
    rows = {r["parameter"]: r for r in got.iter_rows(named=True)}
    ph, cod = rows["pH"], rows["COD"]
    assert (ph["verdict"], ph["days_exceeded"]) == ("exceeded", 1)
    assert (ph["min_daily"], ph["max_daily"], ph["max_ratio"]) == (5.0, 7.2, None)
    assert (cod["verdict"], cod["days_exceeded"], cod["max_daily"]) == ("exceeded", 1, 89.1)
    assert cod["max_ratio"] == pytest.approx(89.1 / (75 * 0.9 * 1.1))


def test_a_permit_under_a_standard_whose_table_is_not_held_leaves_its_limits_unknown() -> None:
    """QCVN 40:2025's table is not in the reference (not verified): an outlet permitted
    under it has COD and pH limits we do not know — unknown with their reason, judged
    never, and never 'no limit'; flow has no limit under any standard; a limit its permit
    states itself still applies."""
    outlets = pl.LazyFrame(
        {"outlet_id": ["N"], "standard": ["QCVN 40:2025/BTNMT"], "column_code": ["A"],
         "kq": [0.9], "kf": [1.0]}
    )  # fmt: skip
    parameters = pl.LazyFrame(
        {"outlet_id": ["N"] * 4, "parameter": ["COD", "pH", "FLOW_OUT", "TSS"],
         "interval_minutes": [5] * 4}
    )  # fmt: skip
    permit = pl.LazyFrame(
        {"outlet_id": ["N"], "parameter": ["TSS"], "limit_min": [None], "limit_max": [40.0],
         "source": ["GPMT 9/2026"]},
        schema_overrides={"limit_min": pl.Float64},
    )  # fmt: skip
    got = {
        r["parameter"]: r
        for r in ww.permitted_limits(
            parameters, outlets, permit, reference("ref_wastewater_limits")
        )
        .collect()
        .to_dicts()
    }
    for parameter in ("COD", "pH"):
        assert got[parameter]["limit_min"] is None and got[parameter]["limit_max"] is None
        assert got[parameter]["limit_unknown_reason"] == "standard_not_held"
        assert got[parameter]["basis"] == "standard_not_held"
    assert got["FLOW_OUT"]["basis"] == "none" and got["FLOW_OUT"]["limit_unknown_reason"] is None
    assert (got["TSS"]["basis"], got["TSS"]["limit_max"]) == ("permit", 40.0)
    daily = pl.concat([day_of({1: 500.0}, "COD", "N"), day_of({1: 7.0}, "pH", "N")])
    limits = ww.permitted_limits(parameters, outlets, permit, reference("ref_wastewater_limits"))
    statuses = ww.daily_compliance(daily, limits).collect()["status"].to_list()
    assert statuses == ["limit_unknown", "limit_unknown"]
