"""The context of one industrial park's monthly report. Pure: rows in, dicts out."""

from __future__ import annotations

from report_templates.contexts.attachments import (
    action_rows,
    enterprise_rows,
    indicator_rows,
    trend_rows,
)
from report_templates.contexts.common import (
    Row,
    action_groups,
    green_initiatives,
    headline,
    member_rows,
    metrics,
    notes,
    parts_differ,
    report_file,
    trend_chart,
)
from report_templates.contexts.labels import N_, SUMMARIES, TITLES
from report_templates.contexts.member_list import (
    NAMED_ON_PAGE_ONE,
    ROWS_PER_PART,
    member_files,
    member_parts,
)


def park_context(
    common: Row,
    park: Row,
    enterprises: list[Row],
    trend: list[Row] = (),  # type: ignore[assignment]
    actions: list[Row] = (),  # type: ignore[assignment]
    wastewater: list[Row] = (),  # type: ignore[assignment]
    rows_per_part: int = ROWS_PER_PART,
) -> Row:
    """Context of one industrial park's monthly report. Its list of enterprises is in its
    annex, or in parts of its own (``member_parts``) beyond ``rows_per_part`` rows."""
    items = metrics(park)
    total = park.get("emissions_tco2e")
    members = member_rows(enterprises)
    for m in members:
        known = total and m.get("emissions_tco2e") is not None
        m["share"] = m["emissions_tco2e"] / total if known else None
    name = report_file("park", common["period"], park["park_code"]).rsplit("/", 1)[-1]
    parts = member_parts(members, rows_per_part, name)
    groups = action_groups(list(actions), NAMED_ON_PAGE_ONE if parts else None)
    return common | {
        "title": TITLES["park_monthly"],
        "summary": SUMMARIES["park_monthly"],
        "report_kind": "park",
        "subject": {"name_vi": park["park_name_vi"], "name_en": park.get("park_name_en")},
        "park": park,
        "metrics": items,
        "parts_differ": parts_differ(park),
        "members": members,
        "member_parts": parts,
        "member_files": member_files(members, parts),
        "eco": green_initiatives(park)
        + [
            {
                "label": N_("Enterprises with rooftop solar in use"),
                "month": sum(1 for e in enterprises if e.get("solar_self_consumed_mwh")),
                "ytd": None,
                "unit": "",
                "of": len(enterprises),
                "digits": 0,
            }
        ],
        "headline": headline(items),
        "wastewater": list(wastewater),
        "actions": groups,
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
                "actions",
                N_("What to act on: every enterprise of page one's lists"),
                action_rows(groups),
            ),
            (
                "trend",
                N_("Monthly emissions and the path, last 24 months"),
                trend_rows(list(trend)),
            ),
        ],
    }
