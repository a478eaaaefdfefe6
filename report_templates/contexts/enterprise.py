"""The context of one enterprise's monthly report. Pure: rows in, dicts out."""

from __future__ import annotations

from report_templates import words
from report_templates.contexts.attachments import factor_rows, indicator_rows, trend_rows
from report_templates.contexts.common import (
    Row,
    action_groups,
    green_initiatives,
    metrics,
    notes,
    obligations,
    progress,
    scope_split,
    trend_chart,
    warning_rows,
    with_status,
)
from report_templates.contexts.labels import N_, STATUS_MSGIDS, SUMMARIES, TITLES

TREND_TABLE_MONTHS = 12


def enterprise_context(
    common: Row,
    row: Row,
    trend: list[Row],
    quality: list[Row],
    restatements: list[Row],
    warnings: list[Row] = (),  # type: ignore[assignment]
    actions: list[Row] = (),  # type: ignore[assignment]
    wastewater: list[Row] = (),  # type: ignore[assignment]
) -> Row:
    """Context of one enterprise's monthly report; ``wastewater``: its own monitoring
    outlet, when it is exempted from connecting to its park's central plant."""
    items = metrics(row, with_year_ago=True)
    table = [with_status(t) for t in trend[-TREND_TABLE_MONTHS:]]
    return common | {
        "title": TITLES["enterprise_monthly"],
        "summary": SUMMARIES["enterprise_monthly"],
        "report_kind": "enterprise",
        "subject": {
            "name_vi": f"{row['name_vi']} ({row['tax_code']})",
            "name_en": f"{row.get('name_en') or row['name_vi']} ({row['tax_code']})",
        },
        "enterprise": row,
        "wastewater": list(wastewater),
        # the enterprise receives its report first, to act on it
        "recipients": [
            words.pair("{name} (to act on it)", name=words.Each(row["name_vi"], row["name_en"])),
            *common["recipients"],
        ],
        "submission": {
            "status": row["submission_status"],
            "status_msgid": STATUS_MSGIDS[row["submission_status"]],
            "file_name": row.get("file_name"),
        },
        "metrics": items,
        "actions": action_groups(list(actions)),
        "obligations": obligations(row),
        "renewable_share": row.get("renewable_share"),
        "ytd_months": row.get("months_reported_ytd") or 0,
        "month_of_year": int(common["period"][5:7]),
        "trend": table,
        "trend_chart": trend_chart(trend, common["period"]),
        "scope_split": scope_split(row),
        "green": green_initiatives(row),
        "quality": quality,
        "progress": progress(row),
        "notes": notes(row),
        "restatements": restatements,
        "warnings": warning_rows(list(warnings)),
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            ("trend", N_("Monthly emissions and the path, last 24 months"), trend_rows(trend)),
            ("factors", N_("Emission factors applied"), factor_rows(common["method"])),
        ],
    }
