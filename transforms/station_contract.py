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

A laboratory's results come the same way, in contract ``lab-1`` (below).

The rules a line must keep, and what a station's operator is told when it does not, are the
suites of expectations/station_readings.py.
"""

from __future__ import annotations

import polars as pl

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
FUTURE_TOLERANCE_MINUTES = 10
# A reading is one per outlet, parameter and time.
KEY = ("outlet_id", "parameter", "measured_at")

# Contract ``lab-1``: a laboratory's results of periodic samples, one line per sample and
# parameter, told apart from a station file by its first line:
#
#     sample_id,outlet_id,sampled_at,parameter,value,unit,laboratory,method
#     VSIP1-2026-10-07,WW-VSIP1,2026-10-07T09:30:00+07:00,COD,48.1,mg/L,Lab A,SMEWW 5220C
#
# The same rules as a reading (a lab result is always a measured value), plus the sample,
# the laboratory and any parameter of the reference (a lab may test what the station does
# not); a result is one per sample, outlet and parameter.
LAB_CONTRACT_VERSION = "lab-1"
LAB_COLUMNS = (
    "sample_id",
    "outlet_id",
    "sampled_at",
    "parameter",
    "value",
    "unit",
    "laboratory",
    "method",
)
LAB_KEY = ("outlet_id", "parameter", "sample_id")


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
