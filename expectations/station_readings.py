"""Suites for the lines of the wastewater stations' files (contract ``station-1``,
transforms/station_contract.py): every rule a reading can break, with what the station's
operator is told (an English msgid; its Vietnamese in the catalogs).

Two suites, run on each batch of files as it lands (flows/stations.py):

- ``raw.station_lines.error``: the line's own shape — required fields, a registered outlet
  and a parameter on its station's list, a known instrument status, a unit that fits the
  parameter, a number, in the parameter's physical range (pH 0–14, temperature 0–100 °C,
  anything else not negative), a readable time not in the future;
- ``raw.station_readings.unique``: on the lines that passed, no second reading of the same
  outlet, parameter and time — earlier in the batch or landed before. Run apart so a line
  refused for its shape never makes a good one a duplicate.

A value taken while calibrating or in fault is kept (it passes) but is never judged: the
marts count it as missing (transforms/wastewater.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from report_templates import words
from report_templates.words import N_
from transforms import station_contract as contract

SUITE_NAME = "raw.station_lines.error"
UNIQUE_SUITE_NAME = "raw.station_readings.unique"
# Bump when a rule changes.
SUITE_VERSION = "2026.12.1"

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
    # a laboratory's results (contract lab-1)
    "required_sample_id": ("sample_id", N_("Required value missing: {field}")),
    "required_laboratory": ("laboratory", N_("Required value missing: {field}")),
    "required_value": ("value", N_("Required value missing: {field}")),
    "known_lab_parameter": (
        "parameter",
        N_("This parameter is not in the reference list of wastewater parameters"),
    ),
    "duplicate_result": (
        "sample_id",
        N_("A result of this sample for this outlet and parameter was already received"),
    ),
}
LAB_SUITE_NAME = "raw.lab_lines.error"
LAB_UNIQUE_SUITE_NAME = "raw.lab_results.unique"


@dataclass(frozen=True)
class KnownStations:
    """What the register and the reference data accept this run."""

    outlets: list[str]
    outlet_parameters: list[str]  # "OUTLET|PARAMETER" pairs on the station's list
    parameter_units: list[str]  # "PARAMETER|unit" in the reference unit
    started_at: datetime  # naive UTC: the run's start, against which "the future" is judged


def known_stations(
    outlet_parameters: pl.DataFrame,
    parameters: pl.DataFrame,
    started_at: datetime,
    lab: bool = False,
) -> KnownStations:
    """``outlet_parameters``: outlet_id, parameter (the register's lists);
    ``parameters``: reference.ref_wastewater_parameters. For a laboratory's results
    (``lab``), any parameter of the reference is accepted for a registered outlet."""
    if lab:
        outlet_parameters = (
            outlet_parameters.select("outlet_id")
            .unique()
            .join(parameters.select("parameter"), how="cross")
        )
    pairs = outlet_parameters.select(pl.concat_str("outlet_id", pl.lit("|"), "parameter"))
    units = parameters.select(pl.concat_str("parameter", pl.lit("|"), "unit"))
    return KnownStations(
        outlets=sorted(outlet_parameters["outlet_id"].unique().to_list()),
        outlet_parameters=sorted(pairs.to_series().to_list()),
        parameter_units=sorted(units.to_series().to_list()),
        started_at=started_at,
    )


def prepared(lines: pl.DataFrame, known: KnownStations, parameters: pl.DataFrame) -> pl.DataFrame:
    """The lines (text, with ``sha256`` and ``line_no``), stripped, typed where they can be,
    with the derived columns the suite checks, keyed by ``row_key``. Each derived column is
    null where another rule already speaks (one mistake, one reason)."""
    units = parameters.select("parameter", expected="unit", kind="kind")
    stripped = lines.with_columns(
        [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in contract.COLUMNS]
    )
    typed = stripped.with_row_index("row_key").with_columns(
        pl.col("row_key").cast(pl.Int64),
        unit_key=pl.col("unit").str.to_lowercase().str.replace_all(" ", ""),
        number=pl.col("value").cast(pl.Float64, strict=False),
        time=contract.measured_at(pl.col("measured_at")),
    )
    typed = typed.join(units, on="parameter", how="left", maintain_order="left")
    outlet_known = pl.col("outlet_id").is_in(known.outlets)
    in_reference = pl.col("unit_key").replace_strict(
        contract.UNIT_ALIASES, default=pl.col("unit"), return_dtype=pl.String
    )
    kind_of = {k: v for k, v in contract.RANGES.items()}
    return typed.with_columns(
        outlet_parameter=pl.when(outlet_known & pl.col("parameter").is_not_null()).then(
            pl.concat_str("outlet_id", pl.lit("|"), "parameter")
        ),
        parameter_unit=pl.when(pl.col("expected").is_not_null() & pl.col("value").is_not_null())
        .then(pl.concat_str("parameter", pl.lit("|"), in_reference.fill_null("")))
        .otherwise(None),
        value_read=pl.when(pl.col("value").is_not_null()).then(pl.col("number").is_not_null()),
        measuring_has_value=pl.when(pl.col("status") == "measuring").then(
            pl.col("value").is_not_null()
        ),
        **{
            f"{kind}_value": pl.when(pl.col("kind") == kind).then(pl.col("number"))
            for kind in kind_of
        },
        amount_value=pl.when(~pl.col("kind").is_in(list(kind_of))).then(pl.col("number")),
        low=pl.col("kind").replace_strict(
            {k: v[0] for k, v in kind_of.items()}, default=None, return_dtype=pl.Float64
        ),
        high=pl.col("kind").replace_strict(
            {k: v[1] for k, v in kind_of.items()}, default=None, return_dtype=pl.Float64
        ),
        time_read=pl.when(pl.col("measured_at").is_not_null()).then(pl.col("time").is_not_null()),
        minutes_ahead=(pl.col("time") - pl.lit(known.started_at)).dt.total_seconds() / 60,
    )


def prepared_lab(
    lines: pl.DataFrame, known: KnownStations, parameters: pl.DataFrame
) -> pl.DataFrame:
    """A laboratory's lines (contract lab-1) as :func:`prepared` sees a reading: its time is
    the sampling time, and a result is always a measured value (its absence is its own
    rule, ``required_value``)."""
    as_reading = lines.with_columns(
        [
            pl.col(c).str.strip_chars().replace("", None).alias(c)
            for c in ("sample_id", "laboratory", "method")
        ],
        measured_at=pl.col("sampled_at"),
        status=pl.lit("measuring"),
    ).drop("sampled_at")
    return prepared(as_reading, known, parameters).with_columns(
        measuring_has_value=pl.lit(None, dtype=pl.Boolean)
    )


LAB_CHECKED = (
    "row_key",
    "sample_id",
    "laboratory",
    "value",
    "outlet_id",
    "parameter",
    "measured_at",
    "outlet_parameter",
    "parameter_unit",
    "value_read",
    "amount_value",
    "time_read",
    "minutes_ahead",
    *(f"{kind}_value" for kind in contract.RANGES),
)

CHECKED = (
    "row_key",
    "outlet_id",
    "parameter",
    "measured_at",
    "status",
    "outlet_parameter",
    "parameter_unit",
    "value_read",
    "measuring_has_value",
    "amount_value",
    "time_read",
    "minutes_ahead",
    *(f"{kind}_value" for kind in contract.RANGES),
)


def _meta(rule: str, **values: object) -> dict[str, str]:
    field, msgid = RULES[rule]
    vi, en = words.pair(msgid, field=field, **values)
    return {"rule": rule, "field": field, "severity": "error", "reason_vi": vi, "reason_en": en}


def suite(known: KnownStations, lab: bool = False) -> Any:
    """The shape of a station file's line, or (``lab``) of a laboratory's result."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    if lab:
        required = [
            gxe.ExpectColumnValuesToNotBeNull(column=RULES[rule][0], meta=_meta(rule))
            for rule in (
                "required_sample_id",
                "required_outlet_id",
                "required_parameter",
                "required_measured_at",
                "required_value",
                "required_laboratory",
            )
        ]
    else:
        required = [
            gxe.ExpectColumnValuesToNotBeNull(column=RULES[rule][0], meta=_meta(rule))
            for rule in ("required_outlet_id", "required_parameter", "required_measured_at")
        ] + [gxe.ExpectColumnValuesToNotBeNull(column="status", meta=_meta("required_status"))]
    ranges = [
        gxe.ExpectColumnValuesToBeBetween(
            column=f"{kind}_value",
            min_value=low,
            max_value=high,
            meta=_meta("value_in_range", low=f"{low:g}", high=f"{high:g}"),
        )
        for kind, (low, high) in contract.RANGES.items()
    ]
    status = [
        gxe.ExpectColumnValuesToBeInSet(
            column="status", value_set=list(contract.STATUSES), meta=_meta("known_status")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="measuring_has_value", value_set=[True], meta=_meta("value_when_measuring")
        ),
    ]
    expectations = required + [
        gxe.ExpectColumnValuesToBeInSet(
            column="outlet_id", value_set=known.outlets, meta=_meta("known_outlet")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="outlet_parameter",
            value_set=known.outlet_parameters,
            meta=_meta("known_lab_parameter" if lab else "known_parameter"),
        ),
        *([] if lab else status),
        gxe.ExpectColumnValuesToBeInSet(
            column="parameter_unit",
            value_set=known.parameter_units,
            meta=_meta("unit_fits_parameter", expected="…"),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="value_read", value_set=[True], meta=_meta("value_is_number")
        ),
        *ranges,
        gxe.ExpectColumnValuesToBeBetween(
            column="amount_value", min_value=0, meta=_meta("value_not_negative")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="time_read", value_set=[True], meta=_meta("time_readable")
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="minutes_ahead",
            max_value=contract.FUTURE_TOLERANCE_MINUTES,
            meta=_meta("time_not_future"),
        ),
    ]
    return gx.ExpectationSuite(
        name=LAB_SUITE_NAME if lab else SUITE_NAME,
        expectations=expectations,
        meta={"suite_version": SUITE_VERSION},
    )


def with_repeats(
    readings: pl.DataFrame, landed: pl.DataFrame, key: tuple[str, ...] = contract.KEY
) -> pl.DataFrame:
    """The readings that passed (in arrival order, keyed by ``row_key``) with ``is_repeat``:
    the same ``key`` (outlet, parameter and time; for a lab, outlet, parameter and sample)
    landed before (``landed``) or earlier in the batch. The first wins."""
    columns = list(key)
    first = readings.group_by(columns).agg(first=pl.col("row_key").min())
    seen = landed.select(columns).unique().with_columns(seen=pl.lit(True))
    return (
        readings.join(first, on=columns, how="left", maintain_order="left")
        .join(seen, on=columns, how="left", maintain_order="left")
        .with_columns(
            is_repeat=(pl.col("row_key") > pl.col("first")) | pl.col("seen").fill_null(False)
        )
        .drop("first", "seen")
    )


def unique_suite(lab: bool = False) -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    rule = "duplicate_result" if lab else "duplicate_reading"
    return gx.ExpectationSuite(
        name=LAB_UNIQUE_SUITE_NAME if lab else UNIQUE_SUITE_NAME,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="is_repeat", value_set=[False], meta=_meta(rule))
        ],
        meta={"suite_version": SUITE_VERSION},
    )


def reason(
    rule: str,
    expected: object = None,
    low: object = None,
    high: object = None,
    field: object = None,
) -> tuple[str, str]:
    """A failing line's reason, (Vietnamese, English), with the values its line names
    (``field``: the field as its file names it, when not the rule's)."""
    ruled, msgid = RULES[rule]
    return words.pair(
        msgid,
        field=field or ruled,
        expected=expected or "",
        low=f"{low:g}" if isinstance(low, float) else "",
        high=f"{high:g}" if isinstance(high, float) else "",
    )
