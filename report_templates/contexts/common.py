"""What every report's context is made of: indicator rows, progress, obligations, notes,
charts, the attached CSV rows and the method. Pure: rows in, dicts out."""

from __future__ import annotations

import calendar
import copy
from datetime import datetime
from typing import Any

from report_templates.contexts.labels import (
    ACTIONS,
    BIOGENIC_NOTE,
    COVERAGE_FIGURES,
    DPPA_FALLBACK_NOTE,
    ENTERPRISE_WHAT,
    GRID_FACTOR_PUBLISHED,
    GRID_POLICY_MSGIDS,
    INDICATORS,
    MARKET_BASED_NOTE,
    N_,
    OBLIGATION_MSGIDS,
    OPTIONAL,
    PROGRESS_MSGIDS,
    STATUS_MSGIDS,
    TOE_GAP_NOTE,
    UNKNOWN_FIGURES,
    WARNING_MSGIDS,
    WASTEWATER_ACTIONS,
    WASTEWATER_BASIS,
    WASTEWATER_VERDICTS,
    reason_msgid,
)
from transforms.periods import periods_ending

Row = dict[str, Any]

# Where each report of a period lives in the period's folder, without edition or extension.
REPORT_FILES = {
    "province": "province_{period}",
    "method": "method_{period}",
    "park": "parks/{code}_{period}",
    "enterprise": "enterprises/{code}_{period}",
}


def report_file(kind: str, period: str, code: str = "") -> str:
    """``report_file("park", "2026-10", "VSIP1")`` → ``parks/VSIP1_2026-10``."""
    return REPORT_FILES[kind].format(period=period, code=code)


def metrics(row: Row, with_year_ago: bool = False) -> list[Row]:
    """The indicator rows: this month, year to date and, for an enterprise, a year ago; an
    unknown month says why and, where known, the part it is at least; a roll-up's figures
    say how many enterprises they add up."""
    out = []
    for label, unit, column, digits in INDICATORS:
        values = [row.get(column), row.get(f"ytd_{column}")]
        if column in OPTIONAL and not any(values):
            continue
        reason, bound = UNKNOWN_FIGURES.get(column, (None, None))
        known = row.get(f"enterprises_known_{column}") if column in COVERAGE_FIGURES else None
        out.append(
            {
                "label": label,
                "column": column,
                "unit": unit,
                "digits": digits,
                "month": values[0],
                "ytd": values[1],
                "ytd_kept": f"ytd_{column}" in row,
                "year_ago": row.get(f"year_ago_{column}") if with_year_ago else None,
                "reason": row.get(reason) if values[0] is None and reason else None,
                "reason_msgid": reason_msgid(row.get(reason))
                if values[0] is None and reason
                else None,
                "lower_bound": row.get(bound) if values[0] is None and bound else None,
                "coverage": known,
            }
        )
    return out


# Page one's figures: the totals, the two scopes and the energy, with what they rest on.
HEADLINE = ("emissions_tco2e", "scope1_tco2e", "scope2_location_tco2e", "energy_toe")


def headline(items: list[Row]) -> list[Row]:
    """The page-one rows of ``metrics``, in the order of ``HEADLINE``."""
    rows = {m["column"]: m for m in items}
    return [rows[c] for c in HEADLINE if c in rows]


def member_rows(enterprises: list[Row]) -> list[Row]:
    """A roll-up's enterprises for its annex table: submission and progress in words,
    the largest emitter first (unknown emissions last)."""
    members = [
        _with(
            e,
            status_msgid=STATUS_MSGIDS[e["submission_status"]],
            progress_msgid=PROGRESS_MSGIDS[e.get("progress_status")],
            progress_reason_msgid=reason_msgid(e.get("progress_status_reason")),
            progress_to_confirm=bool(e.get("progress_to_confirm"))
            and e.get("progress_status") != "undetermined",
        )
        for e in enterprises
    ]
    return sorted(
        members,
        key=lambda e: (e.get("emissions_tco2e") is None, -(e.get("emissions_tco2e") or 0),
                       e["name_vi"], e["tax_code"]),
    )  # fmt: skip


def _with(row: Row, **values: Any) -> Row:
    """``row`` with ``values`` added, of the same mapping type (a copy)."""
    out = copy.copy(row)
    out.update(values)
    return out


def parts_differ(row: Row) -> bool:
    """Whether a roll-up's Scope 1, Scope 2 and totals rest on different enterprises."""
    counts = {row.get(f"enterprises_known_{c}") for c in COVERAGE_FIGURES[:5]}
    return len(counts) > 1


def progress(row: Row) -> Row:
    """Where the enterprise stands against its path to net zero: a status, why it is not
    determined, and whether a figure it rests on is to be confirmed."""
    status = row.get("progress_status")
    return {
        "status": status or "undetermined",
        "status_msgid": PROGRESS_MSGIDS[status],
        "reason_msgid": reason_msgid(row.get("progress_status_reason")),
        # A status stands, to be confirmed; an undetermined one has nothing to confirm.
        "to_confirm": bool(row.get("progress_to_confirm")) and status != "undetermined",
        "rolling_msgid": PROGRESS_MSGIDS[row.get("progress_status_rolling_12m")],
        "rolling_reason_msgid": reason_msgid(row.get("progress_status_rolling_12m_reason")),
        "rolling_to_confirm": bool(row.get("progress_rolling_12m_to_confirm"))
        and row.get("progress_status_rolling_12m") != "undetermined",
        "months_on_record": row.get("ytd_months"),
        "tolerance": row.get("progress_tolerance"),
        "ytd_known": row.get("ytd_known_tco2e"),
        "ytd_path": row.get("ytd_path_tco2e"),
        "months": row.get("ytd_months_known"),
        "ytd_vs_path_pct": row.get("ytd_vs_path_pct"),
        "rolling_vs_path_pct": row.get("rolling_12m_vs_path_pct"),
        "yoy_pct": row.get("yoy_change_pct"),
        "vs_baseline_pct": row.get("rolling_12m_vs_baseline_pct"),
        "per_output": row.get("intensity_tco2e_per_output"),
        "output_unit": row.get("output_unit"),
        "per_revenue": row.get("intensity_tco2e_per_bn_vnd"),
    }


def notes(row: Row) -> list[str]:
    """Disclosures the figures of ``row`` need."""
    out = [MARKET_BASED_NOTE]
    if row.get("has_dppa_grid_fallback"):
        out.append(DPPA_FALLBACK_NOTE)
    if row.get("biogenic_co2_t"):
        out.append(BIOGENIC_NOTE)
    if row.get("has_energy_without_toe"):
        out.append(TOE_GAP_NOTE)
    return out


def obligations(row: Row) -> list[Row]:
    """Decree 06/2022 and Decree 21/2011 status, rolling 12 months and calendar year: a
    window's total where every month is known, else the part known ("at least")."""
    prefix = {"rolling": "rolling_12m", "calendar": "calendar_ytd"}
    return [
        {
            "label": label,
            "window_msgid": N_("Last 12 months")
            if window == "rolling"
            else N_("Calendar year to date"),
            "status": row.get(f"{column}_{window}") or "undetermined",
            "status_msgid": OBLIGATION_MSGIDS[row.get(f"{column}_{window}")],
            "reason_msgid": reason_msgid(row.get(f"{column}_{window}_reason")),
            "tco2e": row.get(f"{prefix[window]}_tco2e"),
            "toe": row.get(f"{prefix[window]}_toe"),
            "tco2e_at_least": row.get(f"{prefix[window]}_lower_bound_tco2e"),
            "toe_at_least": row.get(f"{prefix[window]}_lower_bound_toe"),
            "months": row.get(
                "rolling_12m_months_known" if window == "rolling" else "calendar_ytd_months_known"
            ),
        }
        for column, label in (
            (
                "ghg_inventory",
                N_("GHG inventory (Decree 06/2022: at least 3,000 tCO₂e or 1,000 TOE a year)"),
            ),
            ("key_energy_user", N_("Key energy user (Decree 21/2011: at least 1,000 TOE a year)")),
        )
        for window in ("rolling", "calendar")
    ]


def with_status(row: Row) -> Row:
    return row | {"status_msgid": STATUS_MSGIDS[row["submission_status"]]}


def warning_rows(warnings: list[Row]) -> list[Row]:
    return [w | {"label_msgid": WARNING_MSGIDS[w["rule"]]} for w in warnings]


LARGEST_CHANGES = 10


def trend_chart(rows: list[Row], period: str, months: int = 24) -> Row:
    """The last ``months`` months ending at ``period``: emissions and the path, gaps kept."""
    by_period = {r["period"]: r for r in rows}
    labels = periods_ending(period, months)
    return {
        "months": labels,
        "actual": [by_period.get(p, {}).get("emissions_tco2e") for p in labels],
        "path": [by_period.get(p, {}).get("path_month_tco2e") for p in labels],
    }


def scope_split(row: Row) -> list[tuple[str, Any]]:
    stationary = row.get("scope1_stationary_tco2e")
    if stationary is None and row.get("scope1_tco2e") is not None:
        stationary = (row.get("scope1_tco2e") or 0) - (row.get("scope1_mobile_tco2e") or 0)
    return [
        (N_("Scope 1, stationary combustion"), stationary),
        (N_("Scope 1, mobile combustion"), row.get("scope1_mobile_tco2e")),
        (N_("Scope 2, location-based"), row.get("scope2_location_tco2e")),
    ]


def green_initiatives(row: Row) -> list[Row]:
    """Rooftop solar, rainwater reuse, EV charging, recycling, instruments: what the
    enterprise (or the group) does, this month and year to date where kept."""
    items = [
        (N_("Rooftop solar capacity declared"), row.get("rooftop_solar_kwp"), None, "kWp", 0),
        (
            N_("Rooftop solar, self-consumed"),
            row.get("solar_self_consumed_mwh"),
            row.get("ytd_solar_self_consumed_mwh"),
            "MWh",
            1,
        ),
        (
            N_("Rooftop solar exported (not subtracted)"),
            row.get("solar_exported_mwh"),
            None,
            "MWh",
            1,
        ),
        (N_("Renewable share of electricity"), row.get("renewable_share"), None, "%", -1),
        (
            N_("Grid electricity covered by retired I-RECs"),
            row.get("irec_retired_mwh"),
            None,
            "MWh",
            1,
        ),
        (N_("Electricity bought under a DPPA"), row.get("dppa_mwh"), None, "MWh", 1),
        (N_("Rainwater reused"), row.get("rainwater_reused_m3"), None, "m³", 0),
        (N_("Share of water reused"), row.get("water_reuse_share"), None, "%", -1),
        (N_("EV charging on site"), row.get("ev_charging_mwh"), None, "MWh", 1),
        (N_("Solid waste recycled"), row.get("waste_recycled_t"), None, "t", 2),
        (N_("Share of solid waste recycled"), row.get("waste_recycling_share"), None, "%", -1),
    ]
    return [
        {"label": label, "month": month, "ytd": ytd, "unit": unit, "digits": digits}
        for label, month, ytd, unit, digits in items
        if month
    ]


def largest_changes(enterprises: list[Row], n: int = LARGEST_CHANGES) -> list[Row]:
    """Enterprises whose emissions moved most from the previous month (absolute tCO2e)."""
    moved = [
        e
        | {
            "change_tco2e": e["emissions_tco2e"] - e["prior_month_emissions_tco2e"],
            "change_pct": (e["emissions_tco2e"] / e["prior_month_emissions_tco2e"] - 1) * 100
            if e["prior_month_emissions_tco2e"]
            else None,
        }
        for e in enterprises
        if e.get("emissions_tco2e") is not None and e.get("prior_month_emissions_tco2e") is not None
    ]
    return sorted(moved, key=lambda e: (-abs(e["change_tco2e"]), e["tax_code"]))[:n]


def dated(common: Row, when: datetime | None) -> Row:
    """The common context dated by ``when``: a report carries the date its own data last
    changed, so new data for one enterprise leaves the other enterprises' reports unchanged."""
    if when is None:
        return common
    return common | {
        "as_of_date": when.date(),
        "stamp": common["stamp"] | {"as_of": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }


def for_enterprise(common: Row, tax_code: str, factor_users: dict[str, set[str]]) -> Row:
    """The common context with only the factor rows applied to this enterprise (rules that
    apply to everyone, such as the residual fallback, stay)."""
    factors = [
        f
        for f in common["method"]["factors"]
        if f["factor_id"] not in factor_users or tax_code in factor_users[f["factor_id"]]
    ]
    return common | {"method": common["method"] | {"factors": factors}}


# A gas as the reports print it: the chemical formula with subscripts.
GAS_FORMULAS = {"CO2": "CO₂", "CH4": "CH₄", "N2O": "N₂O"}


def method(
    grid_policy: str,
    provisional: bool,
    gwp_set: str,
    gwp_values: list[tuple[str, float, int]],
    factors: list[Row],
) -> Row:
    return {
        "grid_policy": grid_policy,
        "provisional": provisional,
        "grid_policy_msgid": GRID_POLICY_MSGIDS[grid_policy]
        if provisional
        else GRID_FACTOR_PUBLISHED,
        "gwp_set": gwp_set,
        "gwp_values": [(GAS_FORMULAS.get(gas, gas), value, d) for gas, value, d in gwp_values],
        "factors": factors,
    }


def action_groups(items: list[Row], named: int | None = None) -> list[Row]:
    """Page one's named lists: one group per action that has an enterprise, in the order of
    ``ACTIONS``, its enterprises largest emitter first (unknown emissions last), with the
    deadline the group shares (else each row keeps its own). With ``named``, a group prints
    that many names at most (``rows``) and says how many more (``more``); ``all_rows`` has
    every one."""
    groups = []
    for action, (title, what, counted) in ACTIONS.items():
        rows = sorted(
            (r for r in items if r["action"] == action),
            key=lambda r: (r.get("emissions_tco2e") is None, -(r.get("emissions_tco2e") or 0),
                           r["name_vi"], r["tax_code"]),
        )  # fmt: skip
        if not rows:
            continue
        deadlines = {r.get("deadline_date") for r in rows}
        groups.append(
            {
                "action": action,
                "title_msgid": title,
                "what_msgid": what,
                "enterprise_msgid": ENTERPRISE_WHAT.get(action, what),
                "items_msgid": counted,
                "deadline": deadlines.pop() if len(deadlines) == 1 else None,
                "rows": rows[:named] if named is not None else rows,
                "all_rows": rows,
                "count": len(rows),
                "more": len(rows) - named if named is not None and len(rows) > named else 0,
            }
        )
    return groups


def wastewater_outlets(
    outlets: list[Row],
    parameters: list[Row],
    events: list[Row] = (),  # type: ignore[assignment]
    daily: list[Row] = (),  # type: ignore[assignment]
) -> list[Row]:
    """Each outlet with its verdict's words and the action it asks for, its parameters
    (those with a limit first), the month's events in time order (episodes, lab samples over
    the limit, gaps) and a chart for each parameter exceeded (reports.rpt_wastewater_outlets,
    _parameters, _events, _daily). The worst outlets first: exceeded, limit unknown,
    incomplete, then within their limits."""
    rows = []
    order = ("exceeded", "limit_unknown", "incomplete", "compliant", "lab_within", "no_limit")
    for outlet in sorted(outlets, key=lambda o: (order.index(o["verdict"]), o["outlet_id"])):
        mine = [p for p in parameters if p["outlet_id"] == outlet["outlet_id"]]
        # the station's parameters with a limit, then those only a laboratory tested, then
        # those reported without a limit
        mine.sort(
            key=lambda p: (p["basis"] == "none", not p.get("on_station", True), p["parameter"])
        )
        rows.append(
            outlet
            | {
                "verdict_msgid": WASTEWATER_VERDICTS[outlet["verdict"]],
                "action_msgid": WASTEWATER_ACTIONS.get(outlet["verdict"]),
                "parameters": [
                    p
                    | {
                        "verdict_msgid": WASTEWATER_VERDICTS[p["verdict"]],
                        "basis_msgid": WASTEWATER_BASIS[p["basis"] or "none"],
                    }
                    for p in mine
                ],
                "exceeded_vi": ", ".join(p["label_vi"] for p in mine if p["verdict"] == "exceeded"),
                "exceeded_en": ", ".join(p["label_en"] for p in mine if p["verdict"] == "exceeded"),
                "events": [e for e in events if e["outlet_id"] == outlet["outlet_id"]],
                "charts": _daily_charts(
                    [d for d in daily if d["outlet_id"] == outlet["outlet_id"]]
                ),
            }
        )
    return rows


def _daily_charts(days: list[Row]) -> list[Row]:
    """One chart per parameter: every day of the month, the daily average where the day
    was judged (None otherwise), exceeded or not, and the limit."""
    charts = []
    for parameter in sorted({d["parameter"] for d in days}):
        mine = {d["day"]: d for d in days if d["parameter"] == parameter}
        first = min(mine)
        last = calendar.monthrange(first.year, first.month)[1]
        month_days = [first.replace(day=n) for n in range(1, last + 1)]
        any_row = next(iter(mine.values()))
        charts.append(
            {
                "parameter": parameter,
                "label_vi": any_row["label_vi"],
                "label_en": any_row["label_en"],
                "unit": any_row["unit"],
                "limit_min": any_row["limit_min"],
                "limit_max": any_row["limit_max"],
                "days": [f"{d.day:02d}" for d in month_days],
                "values": [
                    mine[d]["value"] if d in mine and mine[d]["judged"] else None
                    for d in month_days
                ],
                "exceeded": [d in mine and mine[d]["status"] == "exceeded" for d in month_days],
            }
        )
    return charts
