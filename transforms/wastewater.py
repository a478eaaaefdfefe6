"""Wastewater discharge against its permitted limits (QCVN 40): the limits of each outlet,
hourly and daily averages, exceedances and their episodes, data completeness and loads.
Pure: frames in, frames out; no IO here.

Times: a reading's ``measured_at`` is naive UTC, as every time in the warehouse; hours and
days are Viet Nam's (Asia/Ho_Chi_Minh, UTC+7, no daylight saving), as the permit and the
agency count them.

The averaging rule (``Averaging``, configuration; the default is a project choice, printed
with the results, not a rule found in QCVN 40 or Circular 10/2021):

- an **hourly average** is the mean of the hour's valid readings (instrument status
  ``measuring``; a value taken while calibrating or in fault is kept but never averaged);
- a **daily average** is the mean of the day's hourly averages, and a day is **judged** only
  when at least ``min_valid_hours`` hours (default 18 of 24, three quarters) have one. Hourly
  first, so that a burst of readings in one hour (a station sending what it held during an
  outage) weighs as one hour; three quarters, so that a day known only in its clean hours is
  not called compliant. A day not judged is ``insufficient_data``: unknown, never compliant.
- an **exceedance** is a judged daily average above the permitted maximum, or, for pH, outside
  its range; a lab sample above the limit is one too.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.periods import month_start
from transforms.sums import stable_mean, stable_sum

VIETNAM = pl.duration(hours=7)
VALID = "measuring"
STATUSES = ("measuring", "calibrating", "fault")


@dataclass(frozen=True)
class Averaging:
    """How readings become the figures judged (see the module's docstring)."""

    min_valid_hours: int = 18  # of 24, for a daily average to be judged
    gap_minutes: int = 60  # a longer stretch without a valid reading is listed as a gap


def outlet_parameters(ref_monitoring_outlets: pl.LazyFrame) -> pl.LazyFrame:
    """One row per outlet and parameter its station must report (the register's
    ";"-separated list), with the reporting interval."""
    return (
        ref_monitoring_outlets.select(
            "outlet_id",
            parameter=pl.col("parameters").str.split(";"),
            interval_minutes="interval_minutes",
        )
        .explode("parameter")
        .with_columns(pl.col("parameter").str.strip_chars())
        .filter(pl.col("parameter") != "")
        .unique()
        .sort("outlet_id", "parameter")
    )


def fct_wastewater_limits(
    ref_monitoring_outlets: pl.LazyFrame,
    ref_outlet_permit_limits: pl.LazyFrame,
    ref_wastewater_limits: pl.LazyFrame,
    ref_wastewater_parameters: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per monitoring outlet and parameter of the reference (a laboratory may test
    what the station does not; ``on_station``: the station must report it): the permitted
    minimum and maximum, on what basis (permit, standard × Kq × Kf, none) and from which
    source; unknown, with the reason, when the register lacks what the limit rests on."""
    station = outlet_parameters(ref_monitoring_outlets).select(
        "outlet_id", "parameter", on_station=pl.lit(True)
    )
    pairs = (
        ref_monitoring_outlets.select("outlet_id")
        .join(ref_wastewater_parameters.select("parameter"), how="cross")
        .join(station, on=["outlet_id", "parameter"], how="left")
        .with_columns(pl.col("on_station").fill_null(False))
    )
    return permitted_limits(
        pairs, ref_monitoring_outlets, ref_outlet_permit_limits, ref_wastewater_limits
    ).join(pairs, on=["outlet_id", "parameter"], how="left", maintain_order="left")


def permitted_limits(
    outlet_parameters: pl.LazyFrame,
    outlets: pl.LazyFrame,
    permit_limits: pl.LazyFrame,
    ref_wastewater_limits: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per outlet and parameter it must report: the permitted minimum and maximum
    and where they come from.

    - ``permit``: the outlet's environmental permit sets the limit itself (``permit_limits``);
    - ``standard_kq_kf`` / ``standard``: the applicable standard and column of the permit,
      C × Kq × Kf for a parameter the standard multiplies, C for pH and coliforms; a multiplied
      limit with Kq or Kf missing from the register is unknown (``limit_unknown_reason``
      ``k_factors_missing``), never the bare C;
    - ``standard_not_held``: the permit names a standard whose table the reference does not
      hold (QCVN 40:2025, not verified) for a parameter some standard limits: the limit is
      unknown (``limit_unknown_reason`` ``standard_not_held``) until the permit's own limits
      are registered, never "no limit";
    - ``none``: no limit for the parameter (flow, temperature where the reference data holds
      none): reported, never judged.
    """
    reference = ref_wastewater_limits.select(
        "standard",
        "column_code",
        "parameter",
        pl.col("limit_min").cast(pl.Float64).alias("c_min"),
        pl.col("limit_max").cast(pl.Float64).alias("c_max"),
        "multiplied",
        "source",
        "not_verified",
    )
    held = reference.select("standard", "column_code").unique().with_columns(held=pl.lit(True))
    limited = (
        reference.filter(pl.col("c_min").is_not_null() | pl.col("c_max").is_not_null())
        .select("parameter")
        .unique()
        .with_columns(limited=pl.lit(True))
    )
    standard = (
        outlet_parameters.join(
            outlets.select("outlet_id", "standard", "column_code", "kq", "kf"),
            on="outlet_id",
            how="left",
        )
        .join(reference, on=["standard", "column_code", "parameter"], how="left")
        .join(held, on=["standard", "column_code"], how="left")
        .join(limited, on="parameter", how="left")
        .with_columns(
            factor=pl.when(pl.col("multiplied")).then(pl.col("kq") * pl.col("kf")).otherwise(1.0),
            not_held=pl.col("held").is_null() & pl.col("limited").fill_null(False),
        )
    )
    permit = permit_limits.select(
        "outlet_id",
        "parameter",
        pl.col("limit_min").cast(pl.Float64).alias("permit_min"),
        pl.col("limit_max").cast(pl.Float64).alias("permit_max"),
        pl.col("source").alias("permit_source"),
    )
    has_permit = pl.col("permit_min").is_not_null() | pl.col("permit_max").is_not_null()
    has_standard = pl.col("c_min").is_not_null() | pl.col("c_max").is_not_null()
    missing_k = has_standard & pl.col("multiplied") & pl.col("factor").is_null()
    return (
        standard.join(permit, on=["outlet_id", "parameter"], how="left")
        .with_columns(
            basis=pl.when(has_permit)
            .then(pl.lit("permit"))
            .when(has_standard & pl.col("multiplied"))
            .then(pl.lit("standard_kq_kf"))
            .when(has_standard)
            .then(pl.lit("standard"))
            .when(pl.col("not_held"))
            .then(pl.lit("standard_not_held"))
            .otherwise(pl.lit("none")),
        )
        .select(
            "outlet_id",
            "parameter",
            limit_min=pl.when(has_permit).then("permit_min").otherwise("c_min"),
            limit_max=pl.when(has_permit)
            .then("permit_max")
            .otherwise(pl.col("c_max") * pl.col("factor")),
            basis="basis",
            c_max="c_max",
            kq="kq",
            kf="kf",
            source=pl.when(has_permit).then("permit_source").otherwise("source"),
            not_verified=pl.when(has_permit).then(None).otherwise("not_verified"),
            limit_unknown_reason=pl.when(~has_permit & missing_k)
            .then(pl.lit("k_factors_missing"))
            .when(~has_permit & pl.col("not_held"))
            .then(pl.lit("standard_not_held"))
            .otherwise(None),
        )
        .sort("outlet_id", "parameter")
    )


def local_time(column: str) -> pl.Expr:
    """A naive UTC time as Viet Nam's wall clock (naive)."""
    return pl.col(column) + VIETNAM


def hourly_averages(readings: pl.LazyFrame) -> pl.LazyFrame:
    """One row per outlet, parameter and local hour with a valid reading: the hour's mean
    and how many readings it rests on."""
    valid = readings.filter((pl.col("status") == VALID) & pl.col("value").is_not_null())
    return (
        valid.with_columns(hour=local_time("measured_at").dt.truncate("1h"))
        .group_by("outlet_id", "parameter", "hour")
        .agg(value=stable_mean(pl.col("value")), readings=pl.len())
        .sort("outlet_id", "parameter", "hour")
    )


def daily_averages(hourly: pl.LazyFrame, rules: Averaging = Averaging()) -> pl.LazyFrame:
    """One row per outlet, parameter and local day with an hourly average: the mean of the
    hourly averages, how many hours it rests on, and whether the day is judged."""
    return (
        hourly.group_by("outlet_id", "parameter", day=pl.col("hour").dt.date())
        .agg(value=stable_mean(pl.col("value")), valid_hours=pl.len(), peak=pl.col("value").max())
        .with_columns(judged=pl.col("valid_hours") >= rules.min_valid_hours)
        .sort("outlet_id", "parameter", "day")
    )


def daily_compliance(daily: pl.LazyFrame, limits: pl.LazyFrame) -> pl.LazyFrame:
    """One row per outlet, parameter and day: the daily average against the permitted limit.

    ``status``: ``exceeded`` (above the maximum, or outside pH's range), ``compliant``,
    ``insufficient_data`` (too few valid hours to judge), ``limit_unknown`` (a limit is due
    but the register lacks what it rests on) or ``no_limit``. ``ratio`` is the average over
    the maximum (null for a minimum breached or no maximum)."""
    joined = daily.join(
        limits.select("outlet_id", "parameter", "limit_min", "limit_max", "basis",
                      "limit_unknown_reason"),
        on=["outlet_id", "parameter"],
        how="left",
    )  # fmt: skip
    return joined.with_columns(**against_limit(pl.col("judged"))).sort(
        "outlet_id", "parameter", "day"
    )


def against_limit(judged: pl.Expr | None = None) -> dict[str, pl.Expr]:
    """A ``value`` against its row's limit (``limit_min``, ``limit_max``, ``basis``,
    ``limit_unknown_reason``), the one rule for a day and a lab sample: ``status`` no_limit,
    limit_unknown, insufficient_data (when ``judged`` is false), exceeded (above the
    maximum or below the minimum) or compliant; ``ratio``: value over the maximum."""
    above = pl.col("limit_max").is_not_null() & (pl.col("value") > pl.col("limit_max"))
    below = pl.col("limit_min").is_not_null() & (pl.col("value") < pl.col("limit_min"))
    status = (
        pl.when(pl.col("basis").is_null() | (pl.col("basis") == "none"))
        .then(pl.lit("no_limit"))
        .when(pl.col("limit_unknown_reason").is_not_null())
        .then(pl.lit("limit_unknown"))
        .when(~judged if judged is not None else pl.lit(False))
        .then(pl.lit("insufficient_data"))
        .when(above | below)
        .then(pl.lit("exceeded"))
        .otherwise(pl.lit("compliant"))
    )
    return {
        "status": status,
        "ratio": pl.when(pl.col("limit_max") > 0).then(pl.col("value") / pl.col("limit_max")),
    }


def episodes(compliance: pl.LazyFrame) -> pl.LazyFrame:
    """One row per run of consecutive exceedance days of an outlet and parameter: first and
    last day, how many days, the peak daily average and its ratio to the maximum (for pH:
    the value furthest outside the range, no ratio). A day not judged breaks a run: it is
    not known to exceed."""
    exceeded = compliance.filter(pl.col("status") == "exceeded").sort(
        "outlet_id", "parameter", "day"
    )
    gap = pl.col("day").diff().over("outlet_id", "parameter") != pl.duration(days=1)
    deviation = pl.max_horizontal(
        pl.col("value") - pl.col("limit_max").fill_null(float("inf")),
        pl.col("limit_min").fill_null(float("-inf")) - pl.col("value"),
    )
    return (
        exceeded.with_columns(
            episode=gap.fill_null(True).cast(pl.Int32).cum_sum().over("outlet_id", "parameter"),
            deviation=deviation,
        )
        .group_by("outlet_id", "parameter", "episode")
        .agg(
            first_day=pl.col("day").min(),
            last_day=pl.col("day").max(),
            days=pl.len(),
            peak_value=pl.col("value").sort_by("deviation").last(),
            peak_ratio=pl.col("ratio").filter(pl.col("value") > pl.col("limit_max")).max(),
            limit_min=pl.col("limit_min").first(),
            limit_max=pl.col("limit_max").first(),
        )
        .drop("episode")
        .sort("outlet_id", "parameter", "first_day")
    )


def slots_with(status: str) -> pl.Expr:
    return pl.col("slot").filter(pl.col("status") == status).n_unique()


def period_bounds(periods: pl.LazyFrame) -> pl.LazyFrame:
    """Each period ("YYYY-MM", a month in Viet Nam) with its bounds as naive UTC: from
    00:00 of its first day to 00:00 of the next month's, Viet Nam's time."""
    first = pl.col("period").str.to_date("%Y-%m").cast(pl.Datetime("us"))
    return periods.select("period").with_columns(
        period_start=first - VIETNAM,
        period_end=first.dt.offset_by("1mo") - VIETNAM,
    )


def local_period(column: str = "measured_at") -> pl.Expr:
    """The month ("YYYY-MM") a naive UTC time falls in, in Viet Nam."""
    return local_time(column).dt.strftime("%Y-%m")


def completeness(
    readings: pl.LazyFrame, outlet_parameters: pl.LazyFrame, periods: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per outlet, parameter it must report and period: the intervals expected at
    its reporting interval, those with a valid reading, those flagged calibrating or in
    fault, and the share valid. An outlet that sent nothing has 0 valid of its expected
    intervals, never a missing row."""
    expected = outlet_parameters.join(period_bounds(periods), how="cross")
    slot = (pl.col("measured_at") - pl.col("period_start")).dt.total_minutes() // pl.col(
        "interval_minutes"
    )
    counted = (
        readings.with_columns(period=local_period())
        .join(expected, on=["outlet_id", "parameter", "period"], how="inner")
        .with_columns(slot=slot)
        .group_by("outlet_id", "parameter", "period")
        .agg(
            valid_intervals=pl.col("slot")
            .filter((pl.col("status") == VALID) & pl.col("value").is_not_null())
            .n_unique(),
            calibrating_intervals=slots_with("calibrating"),
            fault_intervals=slots_with("fault"),
        )
    )
    minutes = (pl.col("period_end") - pl.col("period_start")).dt.total_minutes()
    return (
        expected.join(counted, on=["outlet_id", "parameter", "period"], how="left")
        .with_columns(
            expected_intervals=(minutes // pl.col("interval_minutes")).cast(pl.Int64),
            valid_intervals=pl.col("valid_intervals").fill_null(0).cast(pl.Int64),
            calibrating_intervals=pl.col("calibrating_intervals").fill_null(0).cast(pl.Int64),
            fault_intervals=pl.col("fault_intervals").fill_null(0).cast(pl.Int64),
        )
        .with_columns(valid_share=pl.col("valid_intervals") / pl.col("expected_intervals"))
        .select(
            "period",
            "outlet_id",
            "parameter",
            "interval_minutes",
            "expected_intervals",
            "valid_intervals",
            "calibrating_intervals",
            "fault_intervals",
            "valid_share",
        )
        .sort("period", "outlet_id", "parameter")
    )


def gaps(
    readings: pl.LazyFrame,
    outlet_parameters: pl.LazyFrame,
    periods: pl.LazyFrame,
    rules: Averaging = Averaging(),
) -> pl.LazyFrame:
    """One row per stretch longer than ``rules.gap_minutes`` without a valid reading, per
    outlet, parameter it must report and period: from the last valid reading (or the
    period's start) to the next (or its end). An outlet that sent nothing has one gap, the
    whole period."""
    bounds = period_bounds(periods)
    keys = outlet_parameters.select("outlet_id", "parameter").join(bounds, how="cross")
    valid = (
        readings.filter((pl.col("status") == VALID) & pl.col("value").is_not_null())
        .with_columns(period=local_period())
        .join(keys, on=["outlet_id", "parameter", "period"], how="inner")
        .select("outlet_id", "parameter", "period", "measured_at")
    )
    edges = pl.concat(
        [
            keys.select("outlet_id", "parameter", "period", measured_at="period_start"),
            keys.select("outlet_id", "parameter", "period", measured_at="period_end"),
        ]
    )
    times = (
        pl.concat([valid, edges]).unique().sort("outlet_id", "parameter", "period", "measured_at")
    )
    group = ["outlet_id", "parameter", "period"]
    return (
        times.with_columns(gap_start=pl.col("measured_at").shift(1).over(group))
        .rename({"measured_at": "gap_end"})
        .drop_nulls("gap_start")
        .with_columns(minutes=(pl.col("gap_end") - pl.col("gap_start")).dt.total_minutes())
        .filter(pl.col("minutes") > rules.gap_minutes)
        .select("period", "outlet_id", "parameter", "gap_start", "gap_end", "minutes")
        .sort("period", "outlet_id", "parameter", "gap_start")
    )


def daily_volumes(hourly: pl.LazyFrame, flow_parameter: str = "FLOW_OUT") -> pl.LazyFrame:
    """One row per outlet and local day with a flow reading: the volume discharged (m³),
    the sum of the hourly mean flows (m³/h × 1 h), known only when all 24 hours have a
    flow; otherwise the hours known give ``volume_lower_bound_m3``."""
    return (
        hourly.filter(pl.col("parameter") == flow_parameter)
        .group_by("outlet_id", day=pl.col("hour").dt.date())
        .agg(hours=pl.len(), known=stable_sum(pl.col("value")))
        .select(
            "outlet_id",
            "day",
            "hours",
            volume_m3=pl.when(pl.col("hours") == 24).then("known"),
            volume_lower_bound_m3="known",
        )
        .sort("outlet_id", "day")
    )


def monthly_loads(
    daily: pl.LazyFrame,
    volumes: pl.LazyFrame,
    days_in_period: int,
    parameters: tuple[str, ...] = ("COD", "TSS", "NH4_N"),
) -> pl.LazyFrame:
    """One row per outlet and pollutant: the month's load in kg, the sum over the days of
    the daily average concentration (mg/L = g/m³) × the day's volume (m³) / 1,000. Known
    only when every day of the period has both; otherwise ``load_lower_bound_kg`` holds
    what the known days add up to, and ``days_known`` says how many they are. Unknown is
    never zero."""
    day_loads = daily.filter(pl.col("parameter").is_in(parameters)).join(
        volumes, on=["outlet_id", "day"], how="inner"
    )
    return (
        day_loads.group_by("outlet_id", "parameter")
        .agg(
            days_known=(pl.col("value").is_not_null() & pl.col("volume_m3").is_not_null()).sum(),
            known_kg=stable_sum(pl.col("value") * pl.col("volume_m3") / 1000),
        )
        .select(
            "outlet_id",
            "parameter",
            "days_known",
            load_kg=pl.when(pl.col("days_known") == days_in_period).then("known_kg"),
            load_lower_bound_kg="known_kg",
        )
        .sort("outlet_id", "parameter")
    )


# The models (transforms/models.py): the wastewater marts, every row with its period (a
# month in Viet Nam) so a report reads its month and nothing else.


def stg_station_readings(raw_station_readings: pl.LazyFrame) -> pl.LazyFrame:
    """One row per station reading landed, with its file and line, and the month it falls
    in (Viet Nam's time)."""
    return raw_station_readings.with_columns(period=local_period()).sort(
        "outlet_id", "parameter", "measured_at"
    )


def fct_wastewater_hourly(stg_station_readings: pl.LazyFrame) -> pl.LazyFrame:
    """One row per outlet, parameter and hour (Viet Nam's) with a valid reading: the mean of
    the hour's valid readings and how many they are."""
    return hourly_averages(stg_station_readings).with_columns(
        period=pl.col("hour").dt.strftime("%Y-%m")
    )


def fct_wastewater_daily(
    fct_wastewater_hourly: pl.LazyFrame,
    fct_wastewater_limits: pl.LazyFrame,
    averaging: Averaging,
) -> pl.LazyFrame:
    """One row per outlet, parameter and day (Viet Nam's) with an hourly average: the daily
    average, the hours it rests on, whether it is judged, and its status against the
    permitted limit (exceeded, compliant, insufficient_data, limit_unknown, no_limit)."""
    daily = daily_averages(fct_wastewater_hourly, averaging)
    return daily_compliance(daily, fct_wastewater_limits).with_columns(
        period=pl.col("day").dt.strftime("%Y-%m")
    )


def fct_wastewater_episodes(fct_wastewater_daily: pl.LazyFrame) -> pl.LazyFrame:
    """One row per run of consecutive exceedance days of an outlet and parameter, under the
    month of its first day: first and last day, days, peak daily average and its ratio to
    the maximum."""
    return episodes(fct_wastewater_daily).with_columns(
        period=pl.col("first_day").dt.strftime("%Y-%m")
    )


def _registered(outlets: pl.LazyFrame, periods: pl.LazyFrame) -> pl.LazyFrame:
    """The periods each outlet must report in: from the month of its permit on."""
    since = pl.col("permit_date").str.slice(0, 7)
    return (
        outlets.select("outlet_id", since=since)
        .join(periods.select("period"), how="cross")
        .filter(pl.col("since").is_null() | (pl.col("period") >= pl.col("since")))
        .select("outlet_id", "period")
    )


def fct_wastewater_completeness(
    stg_station_readings: pl.LazyFrame,
    ref_monitoring_outlets: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per outlet, parameter its station must report and period from its permit on:
    intervals expected, valid, calibrating and in fault, and the share valid."""
    found = completeness(
        stg_station_readings, outlet_parameters(ref_monitoring_outlets), dim_periods
    )
    return found.join(_registered(ref_monitoring_outlets, dim_periods), on=["outlet_id", "period"])


def fct_wastewater_gaps(
    stg_station_readings: pl.LazyFrame,
    ref_monitoring_outlets: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
    averaging: Averaging,
) -> pl.LazyFrame:
    """One row per stretch longer than the configured gap without a valid reading, per
    outlet, parameter and period from its permit on."""
    found = gaps(
        stg_station_readings, outlet_parameters(ref_monitoring_outlets), dim_periods, averaging
    )
    return found.join(_registered(ref_monitoring_outlets, dim_periods), on=["outlet_id", "period"])


def fct_wastewater_loads(
    fct_wastewater_daily: pl.LazyFrame,
    fct_wastewater_hourly: pl.LazyFrame,
    ref_monitoring_outlets: pl.LazyFrame,
    dim_periods: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per outlet, period and pollutant (COD, TSS, NH4+): the month's discharged
    volume and load, known only when every day has a volume and an average; otherwise the
    known days' sums as lower bounds, and how many days are known."""
    volumes = daily_volumes(fct_wastewater_hourly).with_columns(
        period=pl.col("day").dt.strftime("%Y-%m")
    )
    days = dim_periods.select(
        "period",
        days_in_period=pl.col("period").str.to_date("%Y-%m").dt.month_end().dt.day().cast(pl.Int64),
    )
    keys = (
        _registered(ref_monitoring_outlets, dim_periods)
        .join(pl.LazyFrame({"parameter": list(LOAD_PARAMETERS)}), how="cross")
        .join(days, on="period")
    )
    volume = volumes.group_by("outlet_id", "period").agg(
        volume_days=pl.col("volume_m3").is_not_null().sum(),
        known_volume_m3=stable_sum(pl.col("volume_lower_bound_m3")),
    )
    day_loads = (
        fct_wastewater_daily.filter(pl.col("parameter").is_in(LOAD_PARAMETERS))
        .join(volumes.select("outlet_id", "day", "volume_m3"), on=["outlet_id", "day"])
        .filter(pl.col("value").is_not_null() & pl.col("volume_m3").is_not_null())
        .group_by("outlet_id", "period", "parameter")
        .agg(days_known=pl.len(), known_kg=stable_sum(pl.col("value") * pl.col("volume_m3") / 1000))
    )
    return (
        keys.join(volume, on=["outlet_id", "period"], how="left")
        .join(day_loads, on=["outlet_id", "period", "parameter"], how="left")
        .with_columns(
            pl.col("volume_days").fill_null(0),
            pl.col("days_known").fill_null(0),
        )
        .select(
            "period",
            "outlet_id",
            "parameter",
            "days_in_period",
            volume_m3=pl.when(pl.col("volume_days") == pl.col("days_in_period")).then(
                "known_volume_m3"
            ),
            volume_lower_bound_m3=pl.col("known_volume_m3").fill_null(0.0),
            days_known="days_known",
            load_kg=pl.when(pl.col("days_known") == pl.col("days_in_period")).then("known_kg"),
            load_lower_bound_kg=pl.col("known_kg").fill_null(0.0),
        )
        .sort("period", "outlet_id", "parameter")
    )


LOAD_PARAMETERS = ("COD", "TSS", "NH4_N")


def lab_compliance(results: pl.LazyFrame, limits: pl.LazyFrame) -> pl.LazyFrame:
    """One row per laboratory result against the permitted limit: ``status`` exceeded
    (above the maximum, or outside pH's range), compliant, limit_unknown or no_limit, and
    ``ratio`` to the maximum. A sample is judged alone: it is a spot check, not a day."""
    joined = results.join(
        limits.select("outlet_id", "parameter", "limit_min", "limit_max", "basis", "source",
                      "limit_unknown_reason"),
        on=["outlet_id", "parameter"],
        how="left",
    )  # fmt: skip
    return joined.with_columns(**against_limit())


def stg_lab_results(raw_lab_results: pl.LazyFrame) -> pl.LazyFrame:
    """One row per laboratory result landed, with its file and line, and the month of its
    sampling (Viet Nam's time)."""
    return raw_lab_results.with_columns(period=local_period("sampled_at")).sort(
        "outlet_id", "sampled_at", "parameter"
    )


def fct_wastewater_lab_results(
    stg_lab_results: pl.LazyFrame, fct_wastewater_limits: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per laboratory result: the sample, its laboratory and method, the permitted
    limit and its basis, and its status (exceeded, compliant, limit_unknown, no_limit) with
    its ratio to the maximum."""
    return lab_compliance(stg_lab_results, fct_wastewater_limits).sort(
        "period", "outlet_id", "sampled_at", "parameter"
    )


# What the reports read (issue 17): per period, each outlet and each of its parameters.
# Unknown is never favourable: a parameter whose days were not judged, or whose limit is
# unknown, is said so, never "compliant".


def rpt_wastewater_parameters(
    fct_wastewater_limits: pl.LazyFrame,
    fct_wastewater_daily: pl.LazyFrame,
    fct_wastewater_completeness: pl.LazyFrame,
    fct_wastewater_loads: pl.LazyFrame,
    ref_wastewater_parameters: pl.LazyFrame,
    fct_wastewater_lab_results: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per period, outlet and parameter its station reports (with its label and
    unit): the limit and where it comes from, the days judged, exceeded and not judgeable,
    the highest and lowest daily averages and the highest's ratio to the maximum (none for
    a range such as pH's when its highest is inside: a dip below the minimum is then the
    lowest), the share of intervals with a valid reading, the calibrating and fault
    intervals, the month's load (COD, TSS, NH4+), the laboratory's samples and those over
    the limit, and a ``verdict``: exceeded (a day or a lab sample over), compliant (every
    day of the month judged and none over), incomplete (no day over, but days not judged),
    limit_unknown, no_limit, and for a parameter only the laboratory tested (its station
    does not report it) lab_within: every sample within the limit, which says nothing of
    the days between them, so never "compliant"."""
    days = fct_wastewater_daily.group_by("period", "outlet_id", "parameter").agg(
        days_judged=(pl.col("judged") & pl.col("status").is_in(["exceeded", "compliant"])).sum(),
        days_exceeded=(pl.col("status") == "exceeded").sum(),
        days_insufficient=(pl.col("status") == "insufficient_data").sum(),
        max_daily=pl.col("value").max(),
        min_daily=pl.col("value").min(),
        max_ratio=pl.col("ratio").max(),
    )
    lab = fct_wastewater_lab_results.group_by("period", "outlet_id", "parameter").agg(
        lab_samples=pl.len(),
        lab_exceeded=(pl.col("status") == "exceeded").sum(),
        lab_max_value=pl.col("value").max(),
        lab_max_ratio=pl.col("ratio").max(),
    )
    lab_only = lab.join(
        fct_wastewater_completeness.select("period", "outlet_id", "parameter"),
        on=["period", "outlet_id", "parameter"],
        how="anti",
    ).select("period", "outlet_id", "parameter")
    base = pl.concat([fct_wastewater_completeness, lab_only], how="diagonal_relaxed").join(
        fct_wastewater_limits.select(
            "outlet_id", "parameter", "limit_min", "limit_max", "basis", "source",
            "not_verified", "limit_unknown_reason", "on_station",
        ),
        on=["outlet_id", "parameter"],
        how="left",
    )  # fmt: skip
    days_in = pl.col("period").str.to_date("%Y-%m").dt.month_end().dt.day().cast(pl.Int64)
    verdict = (
        pl.when(pl.col("basis").is_null() | (pl.col("basis") == "none"))
        .then(pl.lit("no_limit"))
        .when(pl.col("limit_unknown_reason").is_not_null())
        .then(pl.lit("limit_unknown"))
        .when((pl.col("days_exceeded") > 0) | (pl.col("lab_exceeded") > 0))
        .then(pl.lit("exceeded"))
        .when(~pl.col("on_station"))
        .then(pl.lit("lab_within"))
        .when(pl.col("days_judged") == days_in)
        .then(pl.lit("compliant"))
        .otherwise(pl.lit("incomplete"))
    )
    return (
        base.join(days, on=["period", "outlet_id", "parameter"], how="left")
        .join(
            fct_wastewater_loads.select(
                "period", "outlet_id", "parameter", "load_kg", "load_lower_bound_kg"
            ),
            on=["period", "outlet_id", "parameter"],
            how="left",
        )
        .join(lab, on=["period", "outlet_id", "parameter"], how="left")
        .with_columns(
            pl.col("days_judged").fill_null(0),
            pl.col("days_exceeded").fill_null(0),
            pl.col("days_insufficient").fill_null(0),
            pl.col("lab_samples").fill_null(0).cast(pl.Int64),
            pl.col("lab_exceeded").fill_null(0).cast(pl.Int64),
        )
        .with_columns(
            verdict=verdict,
            max_ratio=pl.when(
                pl.col("limit_min").is_null() | (pl.col("max_daily") > pl.col("limit_max"))
            ).then(pl.col("max_ratio")),
        )
        .join(
            ref_wastewater_parameters.select("parameter", "unit", "label_vi", "label_en"),
            on="parameter",
            how="left",
        )
        .with_columns(month_start())
        .sort("period", "outlet_id", "parameter")
    )


VERDICT_ORDER = ("exceeded", "limit_unknown", "incomplete", "compliant", "lab_within", "no_limit")


def rpt_wastewater_outlets(
    rpt_wastewater_parameters: pl.LazyFrame,
    fct_wastewater_loads: pl.LazyFrame,
    ref_monitoring_outlets: pl.LazyFrame,
    fct_wastewater_episodes: pl.LazyFrame,
    ref_enterprises: pl.LazyFrame,
    ref_industrial_parks: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per period and outlet: whose outlet (park or exempted enterprise), its permit
    and standard, the worst verdict over its parameters (exceeded, limit unknown,
    incomplete, compliant), the parameters exceeded, the exceedance days and episodes, the
    laboratory's results and those over the limit, the
    lowest share of valid intervals among the parameters with a limit, and the month's
    volume (null unless every day is known, with its lower bound); ``in_park``: the park
    the outlet is in (its own, or its exempted enterprise's)."""
    rank = pl.col("verdict").replace_strict(
        {v: i for i, v in enumerate(VERDICT_ORDER)}, return_dtype=pl.Int32
    )
    judged = pl.col("basis").is_not_null() & (pl.col("basis") != "none")
    per_outlet = (
        rpt_wastewater_parameters.with_columns(rank=rank)
        .group_by("period", "outlet_id")
        .agg(
            verdict=pl.col("verdict").sort_by("rank").first(),
            parameters_exceeded=pl.col("parameter")
            .filter(pl.col("verdict") == "exceeded")
            .sort()
            .str.join(", "),
            days_exceeded=pl.col("days_exceeded").sum(),
            lab_samples=pl.col("lab_samples").sum(),
            lab_exceeded=pl.col("lab_exceeded").sum(),
            lowest_valid_share=pl.col("valid_share").filter(judged).min(),
        )
    )
    counted = fct_wastewater_episodes.group_by("period", "outlet_id").agg(episodes=pl.len())
    volume = fct_wastewater_loads.group_by("period", "outlet_id").agg(
        volume_m3=pl.col("volume_m3").first(),
        volume_lower_bound_m3=pl.col("volume_lower_bound_m3").first(),
    )
    # the park an outlet is in: its own (a central plant), or its enterprise's (exempted)
    enterprise_park = ref_enterprises.select(
        "tax_code", enterprise_park=pl.col("park_code"), enterprise_vi="name_vi",
        enterprise_en="name_en",
    )  # fmt: skip
    outlets = (
        ref_monitoring_outlets.select(
            "outlet_id",
            "name_vi",
            "name_en",
            "park_code",
            "tax_code",
            "permit_number",
            "permit_date",
            "standard",
            "column_code",
        )  # fmt: skip
        .with_columns(pl.col("park_code", "tax_code").cast(pl.String).replace("", None))
        .join(enterprise_park, on="tax_code", how="left")
        .with_columns(in_park=pl.coalesce("park_code", "enterprise_park"))
        .drop("enterprise_park")
        .join(
            ref_industrial_parks.select(
                in_park="park_code", park_name_vi="name_vi", park_name_en="name_en"
            ),
            on="in_park",
            how="left",
        )
    )
    return (
        per_outlet.join(counted, on=["period", "outlet_id"], how="left")
        .join(volume, on=["period", "outlet_id"], how="left")
        .join(outlets, on="outlet_id", how="left")
        .with_columns(pl.col("episodes").fill_null(0).cast(pl.Int64))
        .with_columns(month_start())
        .sort("period", "outlet_id")
    )


def rpt_wastewater_events(
    fct_wastewater_episodes: pl.LazyFrame,
    fct_wastewater_lab_results: pl.LazyFrame,
    fct_wastewater_gaps: pl.LazyFrame,
    ref_wastewater_parameters: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per thing the month's reader is told about an outlet, in time order
    (``starts``, UTC): ``episode`` (consecutive exceedance days of a parameter: first and
    last day, days, peak daily average and its ratio to the limit), ``lab_exceedance`` (a
    laboratory sample over the limit: the sample, its time, value, ratio, laboratory and
    method) and ``gap`` (a stretch without a valid reading from ``starts`` to ``ends``, the
    parameters silent over the same stretch together: a station outage is one gap, not
    six). Each names its parameters by their labels."""
    labels = ref_wastewater_parameters.select("parameter", "unit", "label_vi", "label_en")
    episodes = fct_wastewater_episodes.join(labels, on="parameter", how="left").select(
        "period",
        "outlet_id",
        kind=pl.lit("episode"),
        starts=pl.col("first_day").cast(pl.Datetime("us")) - VIETNAM,
        first_day="first_day",
        last_day="last_day",
        parameters=pl.col("parameter"),
        label_vi="label_vi",
        label_en="label_en",
        unit="unit",
        days=pl.col("days").cast(pl.Int64),
        value=pl.col("peak_value"),
        ratio=pl.col("peak_ratio"),
        limit_min="limit_min",
        limit_max="limit_max",
    )
    lab = (
        fct_wastewater_lab_results.filter(pl.col("status") == "exceeded")
        .join(labels.drop("unit"), on="parameter", how="left")
        .select(
            "period",
            "outlet_id",
            kind=pl.lit("lab_exceedance"),
            starts="sampled_at",
            parameters=pl.col("parameter"),
            label_vi="label_vi",
            label_en="label_en",
            unit="unit",
            value="value",
            ratio="ratio",
            limit_min="limit_min",
            limit_max="limit_max",
            sample_id="sample_id",
            laboratory="laboratory",
            method="method",
        )
    )
    gaps = (
        fct_wastewater_gaps.join(labels, on="parameter", how="left")
        .sort("parameter")
        .group_by("period", "outlet_id", "gap_start", "gap_end")
        .agg(
            parameters=pl.col("parameter").str.join(", "),
            label_vi=pl.col("label_vi").str.join(", "),
            label_en=pl.col("label_en").str.join(", "),
            minutes=pl.col("minutes").first(),
        )
        .select(
            "period",
            "outlet_id",
            kind=pl.lit("gap"),
            starts="gap_start",
            ends="gap_end",
            parameters="parameters",
            label_vi="label_vi",
            label_en="label_en",
            hours=pl.col("minutes") / 60,
        )
    )
    return (
        pl.concat([episodes, lab, gaps], how="diagonal_relaxed")
        .with_columns(month_start())
        .sort("period", "outlet_id", "starts", "kind", "parameters")
    )


def rpt_wastewater_daily(
    fct_wastewater_daily: pl.LazyFrame, rpt_wastewater_parameters: pl.LazyFrame
) -> pl.LazyFrame:
    """One row per day of each parameter whose month was exceeded: the daily average, its
    status and the permitted limit: what the reports chart, day by day, against the
    limit."""
    exceeded = rpt_wastewater_parameters.filter(pl.col("verdict") == "exceeded").select(
        "period", "outlet_id", "parameter", "unit", "label_vi", "label_en"
    )
    return (
        fct_wastewater_daily.join(exceeded, on=["period", "outlet_id", "parameter"])
        .select(
            "period",
            "outlet_id",
            "parameter",
            "label_vi",
            "label_en",
            "unit",
            "day",
            "value",
            "judged",
            "status",
            "limit_min",
            "limit_max",
        )  # fmt: skip
        .with_columns(month_start())
        .sort("period", "outlet_id", "parameter", "day")
    )
