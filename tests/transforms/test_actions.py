"""What a report asks of each enterprise, given tiny report tables: exactly the enterprises
the marts say are missing, rejected, flagged, late, behind or newly over, with deadlines
only where a rule gives one."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from transforms.actions import rpt_action_items


def months(*rows: dict[str, object]) -> pl.LazyFrame:
    base = {
        "name_vi": "Công ty",
        "name_en": "Company",
        "park_code": "P1",
        "park_name_vi": "KCN Một",
        "park_name_en": "Park One",
        "emissions_tco2e": 10.0,
        "submission_status": "on_time",
        "is_late": False,
        "progress_status": "on_track",
        "ghg_inventory_rolling": "under",
        "key_energy_user_rolling": "under",
    }
    return pl.LazyFrame([base | row for row in rows])


def test_each_action_names_its_enterprise_and_the_deadline_a_rule_gives() -> None:
    report = months(
        {"tax_code": "E1", "period": "2026-09"},
        {"tax_code": "E1", "period": "2026-10", "submission_status": "missing"},
        {"tax_code": "E2", "period": "2026-09", "ghg_inventory_rolling": "over"},
        {"tax_code": "E2", "period": "2026-10", "ghg_inventory_rolling": "over"},  # not new
        {"tax_code": "E3", "period": "2026-09"},
        {
            "tax_code": "E3",
            "period": "2026-10",
            "submission_status": "revised",
            "is_late": True,
            "progress_status": "behind",
            "ghg_inventory_rolling": "over",  # newly over
        },
    )
    quarantined = pl.LazyFrame(
        {
            "tax_code": ["E3", "E3", "E3", None],
            "period": ["2026-10"] * 4,
            "line_no": [4, 4, 7, None],  # two rules on line 4: one line; a whole file: no one
        }
    )
    warnings = pl.LazyFrame({"tax_code": ["E3"], "period": ["2026-10"]})
    got = rpt_action_items(report, quarantined, warnings, due_day=15).collect()
    october = got.filter(pl.col("period") == "2026-10").select(
        "action", "tax_code", "items", "deadline", "deadline_rule"
    )
    next_due = datetime(2026, 12, 15, 17)  # November's files fall due on 15 December, 24:00 ICT
    assert october.rows() == [
        ("behind_path", "E3", None, None, None),
        ("confirm_flagged_figures", "E3", 1, next_due, "next_due"),
        ("correct_rejected_lines", "E3", 2, next_due, "next_due"),
        ("newly_ghg_inventory", "E3", None, datetime(2027, 3, 31, 17), "decree_06_31_march"),
        ("noted_late", "E3", None, None, None),
        ("submit_missing", "E1", None, next_due, "next_due"),
    ]
    # September: E2 is over for the first month on record: newly owed then, not again.
    assert got.filter(pl.col("period") == "2026-09")["action"].to_list() == ["newly_ghg_inventory"]
    assert got["reporting_month"].dtype == pl.Date
    # the last day to act, in Viet Nam: the deadline is 00:00 ICT the day after
    assert dict(
        got.filter(pl.col("period") == "2026-10").select("action", "deadline_date").rows()
    ) == {
        "behind_path": None,
        "confirm_flagged_figures": date(2026, 12, 15),
        "correct_rejected_lines": date(2026, 12, 15),
        "newly_ghg_inventory": date(2027, 3, 31),
        "noted_late": None,
        "submit_missing": date(2026, 12, 15),
    }
