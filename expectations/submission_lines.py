"""Suite for landed submission lines (raw.submission_lines): errors quarantine the line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from expectations import meta
from expectations.line_rules import (
    DUPLICATE_LINE,
    KNOWN_ACTIVITY,
    KNOWN_ENTERPRISE,
    KNOWN_UNIT,
    LINE_OF_FILE_ENTERPRISE,
    LINE_OF_FILE_MONTH,
    MAX_NOTE,
    NOTE_LENGTH,
    PERIOD_FORMAT,
    PERIOD_NOT_FUTURE,
    PLAIN_RULES,
    QUANTITY_CLEAR_IN_FILE,
    QUANTITY_NON_NEGATIVE,
    QUANTITY_NUMERIC,
    QUANTITY_PLAUSIBLE,
    QUANTITY_UNAMBIGUOUS,
    REQUIRED_RULES,
    REVISION_FORMAT,
    REVISION_NEWER,
    UNIT_FITS_ACTIVITY,
    period_covered,
)
from transforms.periods import period_index_expr
from transforms.submission_contract import (
    MAX_QUANTITY,
    PLAIN_FIELDS,
    odd_character,
    quantity_parse_in_file,
    quantity_value,
    writes_decimal_comma,
)

SUITE_NAME = "raw.submission_lines.error"
# Bump when a rule changes: it is recorded with every validation result.
SUITE_VERSION = "2026.11.6"

PERIOD_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
DUPLICATE_KEY = ("tax_code", "period", "revision", "activity_code", "quantity", "unit", "note")
REVISION_PATTERN = r"^[1-9][0-9]*$"


@dataclass(frozen=True)
class KnownCodes:
    """What the register and the reference data accept this run."""

    tax_codes: list[str]
    activity_codes: list[str]
    unit_codes: list[str]
    activity_units: list[str]  # "ACTIVITY|unit" pairs that fit
    latest_period_index: int  # year * 12 + month - 1 of the latest acceptable period
    first_factor_year: int  # the first year with a published grid emission factor


def known_codes(
    ref_enterprises: pl.DataFrame,
    ref_activities: pl.DataFrame,
    ref_activity_units: pl.DataFrame,
    ref_grid_emission_factors: pl.DataFrame,
    latest_period_index: int,
) -> KnownCodes:
    """What the register and the reference data accept: one rule for the intake (from the
    warehouse's reference tables) and `netzero check` (from the register and the shipped
    CSVs)."""
    units = ref_activity_units
    return KnownCodes(
        tax_codes=ref_enterprises["tax_code"].cast(pl.String).to_list(),
        activity_codes=ref_activities["activity_code"].to_list(),
        unit_codes=units["unit_code"].unique().sort().to_list(),
        activity_units=(units["activity_code"] + "|" + units["unit_code"]).to_list(),
        latest_period_index=latest_period_index,
        first_factor_year=int(ref_grid_emission_factors["grid_year"].min()),  # type: ignore[arg-type]
    )


def prepared_lines(raw_lines: pl.DataFrame, known: KnownCodes) -> pl.DataFrame:
    """The landed lines with the derived columns the suite checks, keyed by ``row_key``."""
    quantity = pl.col("quantity")
    period_ok = pl.col("period").str.contains(PERIOD_PATTERN)
    period_index = pl.when(period_ok).then(period_index_expr(pl.col("period")))
    # The pair is judged only when both halves are known, so one mistake gives one reason.
    both_known = pl.col("activity_code").is_in(known.activity_codes) & pl.col("unit").is_in(
        known.unit_codes
    )
    activity_unit = pl.when(both_known).then(
        pl.concat_str(pl.col("activity_code"), pl.lit("|"), pl.col("unit"))
    )
    keyed = raw_lines.with_row_index("row_key")
    # A line identical to an earlier one of its file: counted twice otherwise. In file order
    # (sha256, line_no), then back to row order: 3x faster than a window over the key.
    duplicate = (
        keyed.sort("sha256", "line_no", maintain_order=True)
        .select("row_key", dup=~pl.struct("sha256", *DUPLICATE_KEY).is_first_distinct())
        .sort("row_key")["dup"]
    )
    return keyed.with_columns(
        pl.col("row_key").cast(pl.Int64),
        *(odd_character(pl.col(field)).alias(f"{field}_odd_character") for field in PLAIN_FIELDS),
        quantity_parse=quantity_parse_in_file(
            quantity, writes_decimal_comma(quantity).any().over("sha256")
        ),
        is_duplicate_line=duplicate,
        # Judged only on a registered tax code and a well-formed period: a missing or
        # malformed one is its own rule's business (one mistake, one reason).
        names_file_enterprise=~pl.col("tax_code").is_in(known.tax_codes).fill_null(False)
        | (pl.col("tax_code") == pl.col("file_tax_code")).fill_null(True),
        names_file_month=~(period_ok & (period_index <= known.latest_period_index)).fill_null(False)
        | (pl.col("period") == pl.col("file_period")).fill_null(True),
        quantity_value=quantity_value(quantity),
        period_index=period_index,
        activity_unit=activity_unit,
    )


def suite(known: KnownCodes) -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    expectations: list[Any] = [
        gxe.ExpectColumnValuesToNotBeNull(column=r.field, meta=meta(r)) for r in REQUIRED_RULES
    ]
    expectations += [
        gxe.ExpectColumnValuesToBeNull(column=f"{field}_odd_character", meta=meta(rule))
        for field, rule in PLAIN_RULES.items()
    ]
    expectations += _known_codes(gxe, known) + _quantities(gxe) + _one_file_one_month(gxe)
    return gx.ExpectationSuite(
        name=SUITE_NAME, expectations=expectations, meta={"suite_version": SUITE_VERSION}
    )


def _known_codes(gxe: Any, known: KnownCodes) -> list[Any]:
    """The enterprise, period, activity and unit are ones the register and reference know."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column="tax_code", value_set=known.tax_codes, meta=meta(KNOWN_ENTERPRISE)
        ),
        gxe.ExpectColumnValuesToMatchRegex(
            column="period", regex=PERIOD_PATTERN, meta=meta(PERIOD_FORMAT)
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="period_index", max_value=known.latest_period_index, meta=meta(PERIOD_NOT_FUTURE)
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="period_index",
            min_value=known.first_factor_year * 12,
            meta=meta(period_covered(known.first_factor_year)),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="activity_code", value_set=known.activity_codes, meta=meta(KNOWN_ACTIVITY)
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="unit", value_set=known.unit_codes, meta=meta(KNOWN_UNIT)
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="activity_unit", value_set=known.activity_units, meta=meta(UNIT_FITS_ACTIVITY)
        ),
    ]


def _quantities(gxe: Any) -> list[Any]:
    """The quantity reads as one number, not negative, not absurd."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column="quantity_parse",
            value_set=["ok", "ambiguous", "ambiguous_in_file"],
            meta=meta(QUANTITY_NUMERIC),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="quantity_parse",
            value_set=["ok", "not_a_number", "ambiguous_in_file"],
            meta=meta(QUANTITY_UNAMBIGUOUS),
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="quantity_parse",
            value_set=["ok", "not_a_number", "ambiguous"],
            meta=meta(QUANTITY_CLEAR_IN_FILE),
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="quantity_value", min_value=0, meta=meta(QUANTITY_NON_NEGATIVE)
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="quantity_value", max_value=MAX_QUANTITY, meta=meta(QUANTITY_PLAUSIBLE)
        ),
    ]


def _one_file_one_month(gxe: Any) -> list[Any]:
    """A line is not repeated, names its file's enterprise and month, comes in a newer
    revision, and its note and revision are well formed."""
    return [
        gxe.ExpectColumnValuesToBeInSet(
            column="is_duplicate_line", value_set=[False], meta=meta(DUPLICATE_LINE)
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="names_file_enterprise", value_set=[True], meta=meta(LINE_OF_FILE_ENTERPRISE)
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="names_file_month", value_set=[True], meta=meta(LINE_OF_FILE_MONTH)
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="revision_is_newer", value_set=[True], meta=meta(REVISION_NEWER)
        ),
        gxe.ExpectColumnValueLengthsToBeBetween(
            column="note", max_value=MAX_NOTE, meta=meta(NOTE_LENGTH)
        ),
        gxe.ExpectColumnValuesToMatchRegex(
            column="revision", regex=REVISION_PATTERN, meta=meta(REVISION_FORMAT)
        ),
    ]
