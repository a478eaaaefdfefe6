"""Read what one period's reports need from the warehouse, as plain rows."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import duckdb
import polars as pl

from expectations.submission_lines import SUITE_VERSION
from flows import warehouse as wh
from flows.settings import Agency, Settings
from report_templates import contexts, words
from transforms.periods import period_from_index, period_index

Row = dict[str, Any]

# Each report table read for one period; every one is a model (transforms/models.py).
FOR_PERIOD = {
    "quality": "reports.rpt_quarantined_lines",
    "duplicates": "reports.rpt_duplicate_files",
    "restatements": "reports.rpt_restatements",
    "warnings": "reports.rpt_data_quality_warnings",
    "factor_users": "reports.rpt_factor_users",
    "factors": "reports.rpt_method_factors",
    "pathway": "reports.rpt_province_pathway",
    "annual": "reports.rpt_province_annual",
    "as_of": "reports.rpt_data_as_of",
    "actions": "reports.rpt_action_items",
    "receipts": "reports.rpt_receipts",
    "ww_outlets": "reports.rpt_wastewater_outlets",
    "ww_parameters": "reports.rpt_wastewater_parameters",
    "ww_events": "reports.rpt_wastewater_events",
    "ww_daily": "reports.rpt_wastewater_daily",
}
ORDER = {
    "quality": "file_name, line_no, rule",
    "duplicates": "file_name",
    "restatements": "tax_code, restated_period, revision",
    "warnings": "tax_code, activity_code, rule",
    "factor_users": "factor_id, tax_code",
    "factors": "section, factor_id, part_no",
    "pathway": "year",
    "annual": "year, kind",
    "as_of": "tax_code",
    "actions": "action, tax_code",
    "receipts": "tax_code, seen_at, file_name",
    "ww_outlets": "outlet_id",
    "ww_parameters": "outlet_id, parameter",
    "ww_events": "outlet_id, starts, kind, parameters",
    "ww_daily": "outlet_id, parameter, day",
}


TREND_MONTHS = 24


class NoDataForPeriod(LookupError):
    pass


class RowsBy(Mapping[str, list[Row]]):
    """The rows of a frame sorted by ``key``, by key, made into dicts only when one key's are
    asked for. The 24 months of 10,000 enterprises held as dicts took about 1.7 GB of a
    month's run; as one frame they take a tenth of that, and an enterprise's 24 dicts live
    while its report is being made."""

    def __init__(self, frame: pl.DataFrame, key: str) -> None:
        runs = (
            frame.select(pl.col(key), pl.int_range(pl.len()).alias("at"))
            .group_by(key, maintain_order=True)
            .agg(pl.col("at").min().alias("start"), pl.col("at").max().alias("end"))
        )
        self._frame = frame
        self._spans: dict[Any, tuple[int, int]] = {}
        for value, start, end in runs.iter_rows():
            self._spans[value] = (start, end - start + 1)
        if sum(length for _, length in self._spans.values()) != frame.height:
            raise ValueError(f"rows not sorted by {key}: each key's rows must be together")

    def __getitem__(self, value: str) -> list[Row]:
        start, length = self._spans[value]
        return self._frame.slice(start, length).to_dicts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


@dataclass(frozen=True)
class ReportData:
    common: Row
    province: Row
    parks: list[Row]
    enterprises: list[Row]
    # tax code → its months up to the period, in order (made into rows when asked for)
    trends: Mapping[str, list[Row]]
    quality: list[Row]
    duplicates: list[str]
    restatements: list[Row]
    factor_users: dict[str, set[str]]
    warnings: list[Row]
    park_trends: dict[str, list[Row]]
    province_trend: list[Row]
    pathway: list[Row]
    annual: list[Row]
    # tax code → when its data last changed (latest arrival of its files up to the period)
    arrivals: dict[str, datetime]
    # what the period's reports ask of each enterprise (page one's named lists)
    actions: list[Row]
    # every file received for the period and its receipt (the period's index links them)
    receipts: list[Row] = field(default_factory=list)
    # the wastewater monitoring outlets and their parameters (issue 17)
    ww_outlets: list[Row] = field(default_factory=list)
    ww_parameters: list[Row] = field(default_factory=list)
    ww_events: list[Row] = field(default_factory=list)
    ww_daily: list[Row] = field(default_factory=list)

    def wastewater(self, park_code: str | None = None, tax_code: str | None = None) -> list[Row]:
        """The outlets of a park (its central plant and the exempted enterprises in it), of
        one enterprise, or (neither) all, as the reports show them."""
        outlets = self.ww_outlets
        if park_code is not None:
            outlets = [o for o in outlets if o["in_park"] == park_code]
        if tax_code is not None:
            outlets = [o for o in outlets if o["tax_code"] == tax_code]
        return contexts.wastewater_outlets(
            outlets, self.ww_parameters, self.ww_events, self.ww_daily
        )


def _for_period(con: duckdb.DuckDBPyConnection, name: str, period: str) -> list[Row]:
    return wh.read_periods(con, FOR_PERIOD[name], period, period, ORDER[name], False)


def load(con: duckdb.DuckDBPyConnection, settings: Settings, period: str) -> ReportData:
    """Everything the period's reports need, read from the report tables. Nothing
    run-specific: the same data gives the same reports whichever run renders them."""
    province = wh.read_periods(con, "reports.rpt_province_monthly", period, period, "period")
    if not province:
        raise NoDataForPeriod(words.both("No accepted data for period {period}", period=period))
    first = period_from_index(period_index(period) - (TREND_MONTHS - 1))
    # Only what an enterprise's trend shows (its chart, table and CSV): with the report
    # table's 144 columns, 23 months of 10,000 enterprises left the process at 691 MiB once
    # read; with these 11, 303 MiB.
    trends = RowsBy(
        wh.read_periods_frame(
            con,
            "reports.rpt_enterprise_monthly",
            first,
            period,
            "tax_code, period",
            columns=("tax_code", *contexts.TREND_COLUMNS),
        ),
        "tax_code",
    )
    park_trends: dict[str, list[Row]] = defaultdict(list)
    for row in wh.read_periods(con, "reports.rpt_park_monthly", first, period, "park_code, period"):
        park_trends[row["park_code"]].append(row)
    users: dict[str, set[str]] = defaultdict(set)
    for row in _for_period(con, "factor_users", period):
        users[row["factor_id"]].add(row["tax_code"])
    arrivals = _arrivals(_for_period(con, "as_of", period))
    return ReportData(
        common=_common(con, settings, period, province[0], arrivals),
        province=province[0],
        parks=wh.read_periods(con, "reports.rpt_park_monthly", period, period, "park_code"),
        enterprises=wh.read_periods(
            con, "reports.rpt_enterprise_monthly", period, period, "park_code, name_vi"
        ),
        trends=trends,
        quality=_for_period(con, "quality", period),
        duplicates=[r["file_name"] for r in _for_period(con, "duplicates", period)],
        restatements=_for_period(con, "restatements", period),
        factor_users=dict(users),
        warnings=_for_period(con, "warnings", period),
        park_trends=dict(park_trends),
        province_trend=wh.read_periods(
            con, "reports.rpt_province_monthly", first, period, "period"
        ),
        pathway=_for_period(con, "pathway", period),
        annual=_for_period(con, "annual", period),
        arrivals={}
        if os.environ.get("SOURCE_DATE_EPOCH")
        else {code: at for code, at in arrivals.items() if code is not None},
        actions=_for_period(con, "actions", period),
        receipts=_for_period(con, "receipts", period),
        ww_outlets=_for_period(con, "ww_outlets", period),
        ww_parameters=_for_period(con, "ww_parameters", period),
        ww_events=_for_period(con, "ww_events", period),
        ww_daily=_for_period(con, "ww_daily", period),
    )


def _common(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: str,
    province: Row,
    arrivals: dict[str | None, datetime],
) -> Row:
    facts = wh.read_table(con, "reports.rpt_register_facts").row(0, named=True)
    gwp = wh.read_table(con, "reports.rpt_method_gwp").sort("gas").to_dicts()
    as_of = _as_of(period, arrivals)
    return {
        "period": period,
        "previous_period": period_from_index(period_index(period) - 1),
        "due_day": settings.due_day,
        "as_of_date": as_of.date(),
        "demo": bool(facts["is_fictional"]),
        "jurisdiction": {
            "agency_vi": settings.agency_vi,
            "agency_en": settings.agency_en,
            "province_vi": settings.province_vi,
            "province_en": settings.province_en,
        },
        "frame": frame(settings.agency, period),
        "recipients": list(settings.agency.recipients),
        # how a wastewater day is judged (transforms/wastewater.Averaging), printed with it
        "wastewater_rule": {
            "min_valid_hours": settings.wastewater_min_valid_hours,
            "gap_minutes": settings.wastewater_gap_minutes,
        },
        "method": contexts.method(
            settings.grid_factor_policy,
            bool(province["has_provisional_grid_factor"]),
            settings.gwp_set,
            [(g["gas"], g["gwp_100yr"], g["digits"]) for g in gwp],
            _factors(_for_period(con, "factors", period)),
        ),
        "stamp": {
            "generator": f"netzero {version('netzero')}",
            "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "registry_version": facts["registry_version"],
            "suite_version": SUITE_VERSION,
        },
    }


def frame(agency: Agency, period: str) -> Row:
    """The parts of the official frame (Decree 30/2020/NĐ-CP) that vary by jurisdiction. The
    number and the day are the clerk's, given when the report is issued: the year printed is
    the one in which the period's reports are issued (the month after the period)."""
    place_vi, place_en = words.pair(
        "{place}, …… {year}",
        place=words.Each(agency.place_vi, agency.place_en),
        year=str(period_from_index(period_index(period) + 1))[:4],
    )
    number_vi, number_en = words.pair("No.: …/BC-{symbol}", symbol=agency.symbol)
    return {
        "number_vi": number_vi,
        "number_en": number_en,
        "superior_vi": agency.superior_vi,
        "superior_en": agency.superior_en,
        "name_vi": agency.name_vi,
        "name_en": agency.name_en,
        "symbol": agency.symbol,
        "place_date_vi": place_vi,
        "place_date_en": place_en,
        "signer_position": list(
            zip(agency.signer_position_vi, agency.signer_position_en, strict=True)
        ),
        "signer_name": agency.signer_name,
    }


def _as_of(period: str, arrivals: dict[str | None, datetime]) -> datetime:
    """When the data behind the period's reports last changed: SOURCE_DATE_EPOCH when set
    (reproducible builds), else the latest arrival of a file for this or an earlier month
    (reports.rpt_data_as_of). Never the clock: the same data gives the same reports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if not arrivals:
        return datetime(int(period[:4]), int(period[5:7]), 1, tzinfo=UTC)
    return max(arrivals.values())


def _arrivals(rows: list[Row]) -> dict[str | None, datetime]:
    """Per enterprise, when its data up to the period last changed (naive UTC → UTC)."""
    return {
        r["tax_code"]: r["latest_arrival"].replace(tzinfo=r["latest_arrival"].tzinfo or UTC)
        for r in rows
    }


def _factors(parts: list[Row]) -> list[Row]:
    """The method section's factor rows from reports.rpt_method_factors: one per factor,
    its parts as (label, value, digits) in order."""
    factors: dict[str, Row] = {}
    for part in parts:
        factor = factors.setdefault(
            part["factor_id"],
            {
                "factor_id": part["factor_id"],
                "parts": [],
                "unit": part["unit"],
                "source": part["source"],
                "not_verified": part["not_verified"],
                "note_vi": part["note_vi"],
                "note_en": part["note_en"],
            },
        )
        factor["parts"].append((part["part"], part["value"], part["digits"]))
    return list(factors.values())
