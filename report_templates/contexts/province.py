"""The context of the province's monthly summary. Pure: rows in, dicts out."""

from __future__ import annotations

from report_templates.contexts.attachments import action_rows, enterprise_rows, indicator_rows
from report_templates.contexts.common import (
    Row,
    action_groups,
    headline,
    largest_changes,
    member_rows,
    metrics,
    notes,
    parts_differ,
    report_file,
    trend_chart,
    warning_rows,
)
from report_templates.contexts.labels import N_, SUMMARIES, TITLES
from report_templates.contexts.member_list import (
    NAMED_ON_PAGE_ONE,
    ROWS_PER_PART,
    member_files,
    member_parts,
)

PARK_TABLE_COLUMNS = (
    "park_code",
    "park_name_vi",
    "park_name_en",
    "enterprises",
    "enterprises_submitted",
    "enterprises_on_time",
    "enterprises_late",
    "enterprises_revised",
    "enterprises_rejected",
    "enterprises_missing",
    "emissions_tco2e",
    "ytd_emissions_tco2e",
    "renewable_share",
    "water_reuse_share",
    "waste_recycling_share",
)


def province_context(
    common: Row,
    province: Row,
    parks: list[Row],
    enterprises: list[Row],
    quality: list[Row],
    duplicates: list[str],
    restatements: list[Row],
    warnings: list[Row] = (),  # type: ignore[assignment]
    trend: list[Row] = (),  # type: ignore[assignment]
    pathway: list[Row] = (),  # type: ignore[assignment]
    annual: list[Row] = (),  # type: ignore[assignment]
    actions: list[Row] = (),  # type: ignore[assignment]
    wastewater: list[Row] = (),  # type: ignore[assignment]
    rows_per_part: int = ROWS_PER_PART,
) -> Row:
    """Context of the provincial summary. Its list of enterprises and its list of those over
    the GHG-inventory threshold are in its annexes, or in parts of their own
    (``member_parts``, ``obligated_parts``) beyond ``rows_per_part`` rows."""
    items = metrics(province)
    members = member_rows(enterprises)
    name = report_file("province", common["period"])
    parts = member_parts(members, rows_per_part, name)
    obligated = [e for e in enterprises if e.get("ghg_inventory_rolling") == "over"]
    groups = action_groups(list(actions), NAMED_ON_PAGE_ONE if parts else None)
    return common | {
        "title": TITLES["province_monthly"],
        "summary": SUMMARIES["province_monthly"],
        "report_kind": "province",
        "subject": {
            "name_vi": common["jurisdiction"]["province_vi"],
            "name_en": common["jurisdiction"]["province_en"],
        },
        "province": province,
        "metrics": items,
        "headline": headline(items),
        "actions": groups,
        "wastewater": list(wastewater),
        "members": members,
        "member_parts": parts,
        "member_files": member_files(members, parts),
        "parts_differ": parts_differ(province),
        "parks": parks,
        "park_chart": [
            (p["park_name_vi"], p.get("emissions_tco2e"), p.get("renewable_share")) for p in parks
        ],
        "missing": [e for e in enterprises if e["submission_status"] == "missing"],
        "obligated": obligated,
        "obligated_parts": member_parts(obligated, rows_per_part, name, "obligated"),
        "revised": [e for e in enterprises if e["submission_status"] == "revised"],
        "changes": largest_changes(enterprises),
        "quality": quality,
        "duplicates": duplicates,
        "restatements": restatements,
        "notes": notes(province),
        "warnings": warning_rows(list(warnings)),
        "trend_chart": trend_chart(list(trend), common["period"]),
        "pathway": pathway_chart(list(pathway), list(annual)),
        "data_files": [
            ("indicators", N_("The report's indicators for the month"), indicator_rows(items)),
            (
                "parks",
                N_("Industrial parks side by side"),
                [{c: p.get(c) for c in PARK_TABLE_COLUMNS} for p in parks],
            ),
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
            ("pathway", N_("The province's path to net zero by year"), list(pathway)),
        ],
    }


def pathway_chart(pathway: list[Row], annual: list[Row]) -> Row:
    """The long-range chart: the province's path by year and the actual points known."""
    return {
        "years": [p["year"] for p in pathway],
        "path": [p["path_tco2e"] for p in pathway],
        "actual": [
            (a["year"], a["tco2e"], a["kind"]) for a in annual if a.get("tco2e") is not None
        ],
        "without_output": max((p["enterprises_without_output"] for p in pathway), default=0),
    }
