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
from datetime import datetime, timedelta

import polars as pl

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
) -> pl.LazyFrame:
    """One row per monitoring outlet and parameter its station reports: the permitted
    minimum and maximum, on what basis (permit, standard × Kq × Kf, none) and from which
    source; unknown, with the reason, when the register lacks what the limit rests on."""
    return permitted_limits(
        outlet_parameters(ref_monitoring_outlets),
        ref_monitoring_outlets,
        ref_outlet_permit_limits,
        ref_wastewater_limits,
    )


def permitted_limits(
    outlet_parameters: pl.LazyFrame,
    outlets: pl.LazyFrame,
    permit_limits: pl.LazyFrame,
    ref_wastewater_limits: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per outlet and parameter it must report: the permitted minimum and maximum
    and where they come from.

    - ``permit``: the outlet's environmental permit sets the limit itself (``permit_limits``);
    - ``standard``: the applicable standard and column of the permit, C × Kq × Kf for a
      parameter the standard multiplies (not pH, not coliforms), C otherwise; a multiplied
      limit with Kq or Kf missing from the register is unknown (``limit_unknown_reason``
      ``k_factors_missing``), never the bare C;
    - ``none``: no limit for the parameter (flow, temperature where the reference data holds
      none): reported, never judged.
    """
    standard = (
        outlet_parameters.join(
            outlets.select("outlet_id", "standard", "column_code", "kq", "kf"),
            on="outlet_id",
            how="left",
        )
        .join(
            ref_wastewater_limits.select(
                "standard",
                "column_code",
                "parameter",
                pl.col("limit_min").cast(pl.Float64).alias("c_min"),
                pl.col("limit_max").cast(pl.Float64).alias("c_max"),
                "multiplied",
                "source",
                "not_verified",
            ),
            on=["standard", "column_code", "parameter"],
            how="left",
        )
        .with_columns(
            factor=pl.when(pl.col("multiplied")).then(pl.col("kq") * pl.col("kf")).otherwise(1.0)
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
            .when(has_standard)
            .then(pl.lit("standard"))
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
        .agg(value=pl.col("value").mean(), readings=pl.len())
        .sort("outlet_id", "parameter", "hour")
    )


def daily_averages(hourly: pl.LazyFrame, rules: Averaging = Averaging()) -> pl.LazyFrame:
    """One row per outlet, parameter and local day with an hourly average: the mean of the
    hourly averages, how many hours it rests on, and whether the day is judged."""
    return (
        hourly.group_by("outlet_id", "parameter", day=pl.col("hour").dt.date())
        .agg(value=pl.col("value").mean(), valid_hours=pl.len(), peak=pl.col("value").max())
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
    above = pl.col("limit_max").is_not_null() & (pl.col("value") > pl.col("limit_max"))
    below = pl.col("limit_min").is_not_null() & (pl.col("value") < pl.col("limit_min"))
    no_limit = pl.col("basis").is_null() | (pl.col("basis") == "none")
    status = (
        pl.when(no_limit)
        .then(pl.lit("no_limit"))
        .when(pl.col("limit_unknown_reason").is_not_null())
        .then(pl.lit("limit_unknown"))
        .when(~pl.col("judged"))
        .then(pl.lit("insufficient_data"))
        .when(above | below)
        .then(pl.lit("exceeded"))
        .otherwise(pl.lit("compliant"))
    )
    return joined.with_columns(
        status=status,
        ratio=pl.when(pl.col("limit_max") > 0).then(pl.col("value") / pl.col("limit_max")),
    ).sort("outlet_id", "parameter", "day")


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


def completeness(
    readings: pl.LazyFrame,
    outlet_parameters: pl.LazyFrame,
    start: datetime,
    end: datetime,
) -> pl.LazyFrame:
    """One row per outlet and parameter it must report, over [start, end) (naive UTC): the
    intervals expected at its reporting interval, those with a valid reading, those flagged
    calibrating or in fault, and the share valid. An outlet that sent nothing has 0 valid
    of its expected intervals, never a missing row."""
    minutes = (end - start) / timedelta(minutes=1)
    slot = (pl.col("measured_at") - pl.lit(start)).dt.total_minutes() // pl.col("interval_minutes")
    inside = (pl.col("measured_at") >= start) & (pl.col("measured_at") < end)
    counted = (
        readings.filter(inside)
        .join(outlet_parameters, on=["outlet_id", "parameter"], how="inner")
        .with_columns(slot=slot)
        .group_by("outlet_id", "parameter")
        .agg(
            valid_intervals=pl.col("slot")
            .filter((pl.col("status") == VALID) & pl.col("value").is_not_null())
            .n_unique(),
            calibrating_intervals=pl.col("slot")
            .filter(pl.col("status") == "calibrating")
            .n_unique(),
            fault_intervals=pl.col("slot").filter(pl.col("status") == "fault").n_unique(),
        )
    )
    return (
        outlet_parameters.join(counted, on=["outlet_id", "parameter"], how="left")
        .with_columns(
            expected_intervals=(pl.lit(minutes) // pl.col("interval_minutes")).cast(pl.Int64),
            valid_intervals=pl.col("valid_intervals").fill_null(0).cast(pl.Int64),
            calibrating_intervals=pl.col("calibrating_intervals").fill_null(0).cast(pl.Int64),
            fault_intervals=pl.col("fault_intervals").fill_null(0).cast(pl.Int64),
        )
        .with_columns(valid_share=pl.col("valid_intervals") / pl.col("expected_intervals"))
        .select(
            "outlet_id",
            "parameter",
            "interval_minutes",
            "expected_intervals",
            "valid_intervals",
            "calibrating_intervals",
            "fault_intervals",
            "valid_share",
        )
        .sort("outlet_id", "parameter")
    )


def gaps(
    readings: pl.LazyFrame,
    outlet_parameters: pl.LazyFrame,
    start: datetime,
    end: datetime,
    rules: Averaging = Averaging(),
) -> pl.LazyFrame:
    """One row per stretch longer than ``rules.gap_minutes`` without a valid reading, over
    [start, end) (naive UTC), per outlet and parameter it must report: from the last valid
    reading (or ``start``) to the next (or ``end``). An outlet that sent nothing has one
    gap, the whole period."""
    valid = readings.filter(
        (pl.col("status") == VALID)
        & pl.col("value").is_not_null()
        & (pl.col("measured_at") >= start)
        & (pl.col("measured_at") < end)
    ).select("outlet_id", "parameter", "measured_at")
    bounds = outlet_parameters.select("outlet_id", "parameter").join(
        pl.LazyFrame({"measured_at": [start, end]}), how="cross"
    )
    times = (
        pl.concat([valid, bounds])
        .join(outlet_parameters.select("outlet_id", "parameter"), on=["outlet_id", "parameter"])
        .unique()
        .sort("outlet_id", "parameter", "measured_at")
    )
    return (
        times.with_columns(
            gap_start=pl.col("measured_at").shift(1).over("outlet_id", "parameter"),
        )
        .rename({"measured_at": "gap_end"})
        .drop_nulls("gap_start")
        .with_columns(minutes=(pl.col("gap_end") - pl.col("gap_start")).dt.total_minutes())
        .filter(pl.col("minutes") > rules.gap_minutes)
        .select("outlet_id", "parameter", "gap_start", "gap_end", "minutes")
        .sort("outlet_id", "parameter", "gap_start")
    )


def daily_volumes(hourly: pl.LazyFrame, flow_parameter: str = "FLOW_OUT") -> pl.LazyFrame:
    """One row per outlet and local day with a flow reading: the volume discharged (m³),
    the sum of the hourly mean flows (m³/h × 1 h), known only when all 24 hours have a
    flow; otherwise the hours known give ``volume_lower_bound_m3``."""
    return (
        hourly.filter(pl.col("parameter") == flow_parameter)
        .group_by("outlet_id", day=pl.col("hour").dt.date())
        .agg(hours=pl.len(), known=pl.col("value").sum())
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
            known_kg=(pl.col("value") * pl.col("volume_m3") / 1000).sum(),
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
