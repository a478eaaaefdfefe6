"""Data-quality warnings: accepted lines that deserve a second look. No IO here.

One row per enterprise, month and activity (canonical quantities summed), with a boolean
mask per warning rule and the value it was compared with; flagged rows become
marts.fct_data_quality_warnings, with the rule's reason in both languages (``WARNING_RULES``
names it; the catalogs hold its Vietnamese). The GX warning suite (expectations/quality.py)
reports on the same masks, and the run checks that it finds what the table holds.
Thresholds are reference data (reference.ref_quality_thresholds), project choices stated as
such.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from transforms.periods import period_index_expr
from transforms.sums import stable_sum

WARNING_RULES_VERSION = "2026.11.1"
# rule (its mask column in int_quality_checks) → what the submitter is told: an English msgid,
# its Vietnamese in the gettext catalogs (the build passes both, ``warning_reasons``).
WARNING_RULES: dict[str, str] = {
    "mom_change": "Large change from the previous month: please confirm the figure and its unit",
    "far_from_history": "Far from the enterprise's own previous 12 months: please confirm",
    "solar_implausible": (
        "Solar generation beyond what the registered installed capacity can produce"
    ),
    "zero_electricity": "Zero grid electricity in a month with production output: please confirm",
}
WARNING_COLUMNS = tuple(WARNING_RULES)
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution × 1.4826 = its standard deviation


def _threshold(thresholds: pl.LazyFrame, rule: str) -> pl.LazyFrame:
    return thresholds.filter(pl.col("rule") == rule).select("activity_code", "threshold")


def int_quality_checks(
    stg_submissions__activity_lines: pl.LazyFrame,
    dim_enterprises: pl.LazyFrame,
    ref_quality_thresholds: pl.LazyFrame,
) -> pl.LazyFrame:
    """One row per enterprise, month and activity: quantity, what it was compared with, and
    one flag per warning rule (true: worth a second look)."""
    thresholds = ref_quality_thresholds
    monthly = (
        stg_submissions__activity_lines.group_by(KEYS)
        .agg(
            quantity=stable_sum(pl.col("quantity_canonical")), unit=pl.col("canonical_unit").first()
        )
        .sort(KEYS)
        .cache()
    )
    frame = _with_previous_month(monthly, thresholds).cache()
    # Solar: generation (self-consumed + exported) against the declared installed capacity.
    solar_limit = _threshold(thresholds, "solar_yield").filter(
        pl.col("activity_code") == "ELEC_SOLAR_SELF"
    )
    exported = monthly.filter(pl.col("activity_code") == "ELEC_SOLAR_EXPORTED").select(
        "tax_code", "period", exported_mwh="quantity"
    )
    # Zero electricity in a month the enterprise reports output: operating, so suspicious.
    operating = monthly.filter(
        (pl.col("activity_code") == "PRODUCTION_OUTPUT") & (pl.col("quantity") > 0)
    ).select("tax_code", "period", operating=pl.lit(True))
    solar_self = pl.col("activity_code") == "ELEC_SOLAR_SELF"
    return (
        frame.join(_history_spread(frame, thresholds), on=KEYS, how="left")
        .join(exported, on=["tax_code", "period"], how="left")
        .join(dim_enterprises.select("tax_code", "rooftop_solar_kwp"), on="tax_code", how="left")
        .join(solar_limit.select(solar_ceiling="threshold"), how="cross")
        .join(operating, on=["tax_code", "period"], how="left")
        .with_columns(
            mom_change=_mom_change(),
            far_from_history=_far_from_history(),
            solar_yield_kwh_per_kwp=pl.when(solar_self).then(_solar_yield()),
            solar_implausible=(
                solar_self
                & (pl.col("rooftop_solar_kwp") > 0)
                & (_solar_yield() > pl.col("solar_ceiling"))
            ).fill_null(False),
            zero_electricity=(pl.col("activity_code") == "ELEC_GRID")
            & (pl.col("quantity") == 0)
            & pl.col("operating").fill_null(False),
        )
        .drop("exported_mwh", "operating", "history_limit")
        .sort(KEYS)
    )


KEYS = ["tax_code", "period", "activity_code"]


def _with_previous_month(monthly: pl.LazyFrame, thresholds: pl.LazyFrame) -> pl.LazyFrame:
    """Each month with the previous calendar month's quantity (when it was submitted) and
    the month-on-month threshold of its activity."""
    previous_period = (
        pl.col("period").str.strptime(pl.Date, "%Y-%m").dt.offset_by("-1mo").dt.strftime("%Y-%m")
    )
    previous = monthly.select(
        "tax_code",
        "activity_code",
        pl.col("period").alias("previous_period"),
        pl.col("quantity").alias("previous_quantity"),
    )
    mom = _threshold(thresholds, "mom_change")
    default_mom = mom.filter(pl.col("activity_code") == "*").select(
        pl.col("threshold").alias("default_mom")
    )
    return (
        monthly.with_columns(previous_period=previous_period)
        .join(previous, on=["tax_code", "activity_code", "previous_period"], how="left")
        .join(mom.rename({"threshold": "mom_threshold"}), on="activity_code", how="left")
        .join(default_mom, how="cross")
        .with_columns(pl.coalesce("mom_threshold", "default_mom").alias("mom_threshold"))
        .drop("default_mom", "previous_period")
    )


def _mom_change() -> pl.Expr:
    ratio = 1 + pl.col("mom_threshold")
    return (
        pl.col("previous_quantity").is_not_null()
        & (pl.col("previous_quantity") > 0)
        & (
            (pl.col("quantity") > pl.col("previous_quantity") * ratio)
            | (pl.col("quantity") < pl.col("previous_quantity") / ratio)
        )
    )


HISTORY_MONTHS = 12


def _history_spread(frame: pl.LazyFrame, thresholds: pl.LazyFrame) -> pl.LazyFrame:
    """Own history: the 12 calendar months before each month, robustly (median and MAD); a
    month with none of them has no row. Each activity's months are laid out one row per
    calendar month, gaps included, so the 12 before a month are its 12 previous rows
    (joining every month with every other of its activity took 4 GiB and 68 s of CPU at
    10,000 enterprises × 24 months)."""
    limits = _threshold(thresholds, "history")
    default_limit = limits.filter(pl.col("activity_code") == "*").select(
        pl.col("threshold").alias("default_limit")
    )
    activity = ["tax_code", "activity_code"]
    months = frame.select(*KEYS, "quantity").with_columns(index=period_index_expr(pl.col("period")))
    calendar = (
        months.group_by(activity)
        .agg(index=pl.int_ranges(pl.col("index").min(), pl.col("index").max() + 1))
        .explode("index")
        .join(months, on=[*activity, "index"], how="left")
        .sort(*activity, "index")
        .with_columns(run=pl.struct(activity).rle_id())
    )
    before = [
        pl.when(pl.col("run").shift(k) == pl.col("run")).then(pl.col("quantity").shift(k))
        for k in range(1, HISTORY_MONTHS + 1)
    ]
    past = pl.col("past")
    return (
        calendar.with_columns(past=pl.concat_list(before).list.drop_nulls())
        .filter(pl.col("period").is_not_null())  # the months submitted, not the gaps
        .with_columns(
            history_months=past.list.len(),
            history_median=past.list.median(),
            history_mad=past.list.eval((pl.element() - pl.element().median()).abs()).list.median(),
        )
        .filter(pl.col("history_months") > 0)
        .select(*KEYS, "history_months", "history_median", "history_mad")
        .join(limits.rename({"threshold": "history_limit"}), on="activity_code", how="left")
        .join(default_limit, how="cross")
        .with_columns(pl.coalesce("history_limit", "default_limit").alias("history_limit"))
        .drop("default_limit")
    )


def _far_from_history() -> pl.Expr:
    """At least 6 of the 12 months known, and a robust z-score beyond the limit."""
    robust_z = (pl.col("quantity") - pl.col("history_median")).abs() / (
        MAD_TO_SIGMA * pl.col("history_mad")
    )
    return (
        (pl.col("history_months") >= 6)
        & (pl.col("history_mad") > 0)
        & (robust_z > pl.col("history_limit"))
    ).fill_null(False)


def _solar_yield() -> pl.Expr:
    """kWh generated (self-consumed + exported) per declared kWp."""
    generated = pl.col("quantity") + pl.col("exported_mwh").fill_null(0)
    return generated * 1000 / pl.col("rooftop_solar_kwp")


FLAGGED_COLUMNS = [
    "tax_code",
    "period",
    "activity_code",
    "rule",
    "severity",
    "quantity",
    "unit",
    "compared_with",
    "reason_vi",
    "reason_en",
    "suite_version",
]


def fct_data_quality_warnings(
    int_quality_checks: pl.LazyFrame,
    warning_reasons: Mapping[str, tuple[str, str]],
    suite_version: str = WARNING_RULES_VERSION,
) -> pl.LazyFrame:
    """One row per enterprise, month, activity and warning rule: accepted figures worth a
    second look (the flags of marts.int_quality_checks, which the GX warning suite reports
    on), each with its bilingual reason and the value its rule compared with."""
    compared = (
        pl.when(pl.col("rule") == "mom_change")
        .then(pl.col("previous_quantity"))
        .when(pl.col("rule") == "far_from_history")
        .then(pl.col("history_median"))
        .when(pl.col("rule") == "solar_implausible")
        .then(pl.col("solar_yield_kwh_per_kwp"))
    )
    flagged = [
        int_quality_checks.filter(pl.col(rule)).with_columns(
            rule=pl.lit(rule),
            severity=pl.lit("warning"),
            reason_vi=pl.lit(reason_vi),
            reason_en=pl.lit(reason_en),
        )
        for rule, (reason_vi, reason_en) in ((r, warning_reasons[r]) for r in WARNING_RULES)
    ]
    return (
        pl.concat(flagged, how="vertical")
        .with_columns(compared_with=compared, suite_version=pl.lit(suite_version))
        .select(FLAGGED_COLUMNS)
        .sort("tax_code", "period", "activity_code", "rule")
    )
