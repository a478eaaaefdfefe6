"""The station file contract, version ``station-1``: one file per transmission from a
wastewater monitoring station's datalogger. No IO here.

Circular 10/2021/TT-BTNMT, Art. 39 has the datalogger keep, for each result, the parameter,
the measured value, the unit, the time and the instrument status (measuring, calibrating,
fault), and send a file at most 5 minutes after it (``wastewater-monitoring.md``). The
transmission's own layout is not verified, so this is netzero's contract, modelled on those
five fields plus the outlet, and versioned:

    outlet_id,parameter,value,unit,measured_at,status
    WW-VSIP1,COD,42.5,mg/L,2026-10-01T07:05:00+07:00,measuring

- ``measured_at``: ISO 8601; without an offset it is Viet Nam's time (UTC+7). Stored as
  naive UTC, as every time in the warehouse.
- ``status``: ``measuring``, ``calibrating`` or ``fault``. A value taken while calibrating
  or in fault is kept but never judged (it counts against completeness).
- ``value``: a decimal point, no thousands separator; empty only when not measuring.

Each rule a reading can break is named here (``RULES``), with its reason in the catalogs.
"""

from __future__ import annotations

import polars as pl

from report_templates.words import N_

CONTRACT_VERSION = "station-1"
COLUMNS = ("outlet_id", "parameter", "value", "unit", "measured_at", "status")
STATUSES = ("measuring", "calibrating", "fault")
# Unit spellings a datalogger may use for the reference unit (ref_wastewater_parameters).
UNIT_ALIASES = {
    "mg/l": "mg/L",
    "m3/h": "m³/h",
    "m^3/h": "m³/h",
    "oc": "°C",
    "c": "°C",
    "degc": "°C",
    "ph": "pH",
    "mpn/100ml": "MPN/100mL",
}
# Plausible ranges a reading must fall in (the physics, not a limit): pH 0–14, temperature
# 0–100 °C, every other parameter non-negative.
RANGES = {"range": (0.0, 14.0), "measure": (0.0, 100.0)}
# Readings stamped later than this after the run started are refused as in the future.
FUTURE_TOLERANCE = pl.duration(minutes=10)

# rule → (field, msgid of the reason); the reasons are in the catalogs (words.pair).
RULES: dict[str, tuple[str, str]] = {
    "required_outlet_id": ("outlet_id", N_("Required value missing: {field}")),
    "required_parameter": ("parameter", N_("Required value missing: {field}")),
    "required_measured_at": ("measured_at", N_("Required value missing: {field}")),
    "required_status": ("status", N_("Required value missing: {field}")),
    "known_outlet": (
        "outlet_id",
        N_("This outlet is not in the register (monitoring_outlets.csv)"),
    ),
    "known_parameter": (
        "parameter",
        N_("The register does not list this parameter for this outlet's station"),
    ),
    "known_status": ("status", N_("The instrument status must be measuring, calibrating or fault")),
    "unit_fits_parameter": ("unit", N_("The unit does not fit the parameter: expected {expected}")),
    "value_is_number": ("value", N_("The value must be a number with a decimal point")),
    "value_when_measuring": ("value", N_("A reading taken while measuring needs a value")),
    "value_in_range": (
        "value",
        N_("The value is outside what the parameter can take ({low}–{high})"),
    ),
    "value_not_negative": ("value", N_("The value cannot be negative")),
    "time_readable": (
        "measured_at",
        N_("The time must be ISO 8601, e.g. 2026-10-01T07:05:00+07:00"),
    ),
    "time_not_future": ("measured_at", N_("The time is in the future")),
    "duplicate_reading": (
        "measured_at",
        N_("A reading of this outlet and parameter at this time was already received"),
    ),
}


def measured_at(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text as naive UTC; without an offset the time is Viet Nam's (UTC+7)."""
    cleaned = text.str.strip_chars().str.replace(" ", "T")
    with_offset = cleaned.str.contains(r"(Z|[+-]\d{2}:?\d{2})$")
    aware = (
        cleaned.str.replace(r"Z$", "+00:00")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False, time_zone="UTC")
        .dt.replace_time_zone(None)
    )
    local = cleaned.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False) - pl.duration(hours=7)
    return pl.when(with_offset).then(aware).otherwise(local)


def checked(
    lines: pl.DataFrame,
    outlet_parameters: pl.DataFrame,
    parameters: pl.DataFrame,
    started_at: object,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The lines of a batch of station files (text, with ``sha256`` and ``line_no``) as the
    readings that pass every rule, typed, and the problems: one row per line and rule broken
    (``rule``, ``field``, ``value``, and the values its reason names). A line with a problem
    is not a reading; nothing is dropped without a row saying why.

    ``outlet_parameters``: outlet_id, parameter (the register); ``parameters``: parameter,
    unit, kind (reference.ref_wastewater_parameters)."""
    units = parameters.select("parameter", expected="unit", kind="kind")
    typed = (
        lines.with_columns(
            [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in COLUMNS]
        )
        .with_columns(
            unit_key=pl.col("unit").str.to_lowercase().str.replace_all(" ", ""),
            number=pl.col("value").cast(pl.Float64, strict=False),
            time=measured_at(pl.col("measured_at")),
        )
        .join(units, on="parameter", how="left")
        .join(
            outlet_parameters.select("outlet_id", "parameter", listed=pl.lit(True)),
            on=["outlet_id", "parameter"],
            how="left",
        )
        .join(
            outlet_parameters.select("outlet_id", known=pl.lit(True)).unique(),
            on="outlet_id",
            how="left",
        )
    )
    unit_as_reference = pl.col("unit_key").replace_strict(
        UNIT_ALIASES, default=pl.col("unit"), return_dtype=pl.String
    )
    low = pl.col("kind").replace_strict(
        {k: v[0] for k, v in RANGES.items()}, default=0.0, return_dtype=pl.Float64
    )
    high = pl.col("kind").replace_strict(
        {k: v[1] for k, v in RANGES.items()}, default=None, return_dtype=pl.Float64
    )
    broken = {
        "required_outlet_id": pl.col("outlet_id").is_null(),
        "required_parameter": pl.col("parameter").is_null(),
        "required_measured_at": pl.col("measured_at").is_null(),
        "required_status": pl.col("status").is_null(),
        "known_outlet": pl.col("outlet_id").is_not_null() & pl.col("known").is_null(),
        "known_parameter": pl.col("known").is_not_null()
        & pl.col("parameter").is_not_null()
        & pl.col("listed").is_null(),
        "known_status": pl.col("status").is_not_null() & ~pl.col("status").is_in(STATUSES),
        "unit_fits_parameter": pl.col("expected").is_not_null()
        & pl.col("value").is_not_null()
        & (unit_as_reference.fill_null("") != pl.col("expected")),
        "value_is_number": pl.col("value").is_not_null() & pl.col("number").is_null(),
        "value_when_measuring": (pl.col("status") == "measuring") & pl.col("value").is_null(),
        "value_in_range": pl.col("kind").is_in(list(RANGES))
        & ((pl.col("number") < low) | (pl.col("number") > high)),
        "value_not_negative": ~pl.col("kind").is_in(list(RANGES)) & (pl.col("number") < 0),
        "time_readable": pl.col("measured_at").is_not_null() & pl.col("time").is_null(),
        "time_not_future": pl.col("time") > pl.lit(started_at) + FUTURE_TOLERANCE,
    }
    flags = typed.with_columns(
        [expr.fill_null(False).alias(f"broken_{rule}") for rule, expr in broken.items()],
        low=low,
        high=high,
    )
    problems = pl.concat(
        [
            flags.filter(pl.col(f"broken_{rule}")).select(
                "sha256",
                "line_no",
                pl.lit(rule).alias("rule"),
                pl.lit(RULES[rule][0]).alias("field"),
                pl.col(RULES[rule][0]).cast(pl.String).alias("value"),
                pl.col("expected").alias("expected"),
                pl.col("low").alias("low"),
                pl.col("high").alias("high"),
            )
            for rule in broken
        ],
        how="vertical_relaxed",
    ).sort("sha256", "line_no", "rule")
    bad = pl.any_horizontal([pl.col(f"broken_{rule}") for rule in broken])
    readings = flags.filter(~bad).select(
        "sha256",
        "line_no",
        "outlet_id",
        "parameter",
        pl.col("time").alias("measured_at"),
        pl.col("number").alias("value"),
        pl.col("expected").alias("unit"),
        "status",
    )
    return readings, problems


KEY = ["outlet_id", "parameter", "measured_at"]


def duplicates(readings: pl.DataFrame, landed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The readings of a batch (in arrival order) split into the new ones and those already
    received: the same outlet, parameter and time landed before (``landed``) or earlier in
    the batch. The first wins; each later one is a ``duplicate_reading`` problem."""
    ordered = readings.with_row_index("order")
    first = ordered.group_by(KEY).agg(first=pl.col("order").min())
    seen = landed.select(KEY).unique().with_columns(seen=pl.lit(True))
    marked = ordered.join(first, on=KEY).join(seen, on=KEY, how="left")
    again = (pl.col("order") > pl.col("first")) | pl.col("seen").fill_null(False)
    problems = marked.filter(again).select(
        "sha256",
        "line_no",
        rule=pl.lit("duplicate_reading"),
        field=pl.lit("measured_at"),
        value=pl.col("measured_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    kept = marked.filter(~again).sort("order").drop("order", "first", "seen")
    return kept, problems
