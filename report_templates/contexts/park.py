"""The context of one industrial park's monthly report. Pure: rows in, dicts out."""

from __future__ import annotations

from report_templates.contexts.attachments import enterprise_rows, indicator_rows, trend_rows
from report_templates.contexts.common import (
    Row,
    green_initiatives,
    metrics,
    notes,
    parts_differ,
    top_emitters,
    trend_chart,
    with_status,
)
from report_templates.contexts.labels import N_, PROGRESS_MSGIDS, TITLES, reason_msgid


def park_context(
    common: Row,
    park: Row,
    enterprises: list[Row],
    trend: list[Row] = (),  # type: ignore[assignment]
) -> Row:
    """Context of one industrial park's monthly report."""
    items = metrics(park)
    members = [
        with_status(e)
        | {
            "progress_msgid": PROGRESS_MSGIDS[e.get("progress_status")],
            "progress_reason_msgid": reason_msgid(e.get("progress_status_reason")),
            "progress_to_confirm": bool(e.get("progress_to_confirm"))
            and e.get("progress_status") != "undetermined",
        }
        for e in enterprises
    ]
    return common | {
        "title": TITLES["park_monthly"],
        "report_kind": "park",
        "subject": {"name_vi": park["park_name_vi"], "name_en": park.get("park_name_en")},
        "park": park,
        "metrics": items,
        "parts_differ": parts_differ(park),
        "enterprises": members,
        "eco": green_initiatives(park)
        + [
            {
                "label": N_("Enterprises with rooftop solar in use"),
                "month": sum(1 for e in enterprises if e.get("solar_self_consumed_mwh")),
                "ytd": None,
                "unit": f"/ {len(enterprises)}",
                "digits": 0,
            }
        ],
        "top_emitters": top_emitters(members, park.get("emissions_tco2e")),
        "trend_chart": trend_chart(list(trend), common["period"]),
        "notes": notes(park),
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            (
                "enterprises",
                N_("Every enterprise of the report, one row each"),
                enterprise_rows(enterprises),
            ),
            (
                "trend",
                N_("Monthly emissions and the path, last 24 months"),
                trend_rows(list(trend)),
            ),
        ],
    }
