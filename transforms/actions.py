"""What each enterprise must do after a period's report, and by when: the table the reports'
first page, the period's index and the reminders will name enterprises from. No IO here.

Deadlines are rules, never guesses: what the next monthly report can still count is due by
the next due day (``next_due``); a GHG inventory newly owed under Decree 06/2022 (as
amended) is due by 31 March of the following year (``decree_06_31_march``, domain-facts
§2.3). An action with no cited deadline has none.
"""

from __future__ import annotations

import polars as pl

from transforms.periods import month_start, period_index_expr
from transforms.submissions import due_at

# action → what decides it, on rows of rpt_enterprise_monthly joined with the counts below
ACTIONS: dict[str, pl.Expr] = {
    "submit_missing": pl.col("submission_status") == "missing",
    "correct_rejected_lines": pl.col("lines_rejected") > 0,
    "confirm_flagged_figures": pl.col("figures_flagged") > 0,
    "noted_late": pl.col("is_late").fill_null(False),
    "behind_path": pl.col("progress_status") == "behind",
    "newly_ghg_inventory": (pl.col("ghg_inventory_rolling") == "over")
    & (pl.col("previous_ghg_inventory").fill_null("") != "over"),
    "newly_key_energy_user": (pl.col("key_energy_user_rolling") == "over")
    & (pl.col("previous_key_energy_user").fill_null("") != "over"),
}
NEXT_DUE = ("submit_missing", "correct_rejected_lines", "confirm_flagged_figures")


def rpt_action_items(
    rpt_enterprise_monthly: pl.LazyFrame,
    rpt_quarantined_lines: pl.LazyFrame,
    rpt_data_quality_warnings: pl.LazyFrame,
    due_day: int,
) -> pl.LazyFrame:
    """One row per period, enterprise and action its report asks of it: submit a missing
    month, correct rejected lines, confirm flagged figures, the month noted late, behind its
    path, newly over a Decree 06/2022 or Decree 21/2011 threshold; with how many lines or
    figures it concerns and the deadline, where a rule gives one (``deadline``, exclusive,
    as naive UTC; ``deadline_date``, the last day to act in Viet Nam)."""
    keys = ["tax_code", "period"]
    rejected = (
        rpt_quarantined_lines.drop_nulls("tax_code")
        .group_by(keys)
        .agg(lines_rejected=pl.col("line_no").n_unique())
    )
    flagged = rpt_data_quality_warnings.group_by(keys).agg(figures_flagged=pl.len())
    month = period_index_expr(pl.col("period"))
    rows = (
        rpt_enterprise_monthly.join(rejected, on=keys, how="left")
        .join(flagged, on=keys, how="left")
        .sort("tax_code", "period")
        .with_columns(
            pl.col("lines_rejected", "figures_flagged").fill_null(0),
            # every registered enterprise has a row each month: the previous row is last month
            previous_ghg_inventory=pl.col("ghg_inventory_rolling").shift(1).over("tax_code"),
            previous_key_energy_user=pl.col("key_energy_user_rolling").shift(1).over("tax_code"),
            next_period=pl.concat_str(
                ((month + 1) // 12).cast(pl.String).str.zfill(4),
                pl.lit("-"),
                ((month + 1) % 12 + 1).cast(pl.String).str.zfill(2),
            ),
        )
    )
    counted = {
        "correct_rejected_lines": pl.col("lines_rejected"),
        "confirm_flagged_figures": pl.col("figures_flagged"),
    }
    frames = [
        rows.filter(rule).select(
            "period",
            "tax_code",
            "name_vi",
            "name_en",
            "park_code",
            "park_name_vi",
            "park_name_en",
            "emissions_tco2e",
            pl.lit(action).alias("action"),
            counted.get(action, pl.lit(None)).cast(pl.Int64).alias("items"),
            _deadline(action, due_day).alias("deadline"),
            pl.lit(_deadline_rule(action), pl.String).alias("deadline_rule"),
        )
        for action, rule in ACTIONS.items()
    ]
    return (
        pl.concat(frames)
        .with_columns(deadline_date=_last_local_day(pl.col("deadline")))
        .sort("period", "action", "tax_code")
        .with_columns(month_start())
    )


def _last_local_day(deadline: pl.Expr) -> pl.Expr:
    """The last day, in Viet Nam (UTC+7, no daylight saving), a deadline leaves to act: a
    deadline is the exclusive end of a day there, as naive UTC (00:00 ICT the next day)."""
    return (deadline + pl.duration(hours=7) - pl.duration(microseconds=1)).dt.date()


def _deadline(action: str, due_day: int) -> pl.Expr:
    if action in NEXT_DUE:
        return due_at(pl.col("next_period"), due_day)
    if action == "newly_ghg_inventory":
        year = pl.col("period").str.slice(0, 4).cast(pl.Int32) + 1
        return pl.datetime(year, 3, 31, 17)  # the end of 31 March in Viet Nam, as UTC
    return pl.lit(None, pl.Datetime("us"))


def _deadline_rule(action: str) -> str | None:
    if action in NEXT_DUE:
        return "next_due"
    return "decree_06_31_march" if action == "newly_ghg_inventory" else None
