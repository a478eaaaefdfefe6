"""Read what one period's reports need from the warehouse, as plain rows."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import duckdb
import polars as pl

from expectations.submission_lines import SUITE_VERSION
from flows import warehouse as wh
from flows.settings import Settings
from report_templates import contexts
from transforms import reports
from transforms.periods import period_from_index, period_index

Row = dict[str, Any]

QUALITY = """
    select files.tax_code, q.file_name, q.line_no, q.field, q.value, q.rule,
           q.reason_vi, q.reason_en
    from ops.quarantine as q
    inner join staging.stg_submissions__files as files on q.sha256 = files.sha256
    where files.period = ? and files.is_current
    union all
    -- whole files rejected by the runs for this period: they name no enterprise-month
    select null, q.file_name, q.line_no, q.field, q.value, q.rule, q.reason_vi, q.reason_en
    from ops.quarantine as q
    where q.line_no is null
      and q.run_id in (select run_id from ops.runs where period = ?)
    order by file_name, line_no, rule
"""
DUPLICATES = """
    select distinct ledger.file_name
    from ops.file_ledger as ledger
    inner join staging.stg_submissions__files as files on ledger.sha256 = files.sha256
    where ledger.status = 'duplicate' and files.period = ?
    order by 1
"""


RESTATEMENTS = """
    select r.tax_code, d.name_vi, r.period, r.previous_revision, r.revision,
           r.previous_emissions_tco2e, r.emissions_tco2e, r.emissions_change_tco2e
    from marts.fct_restatements as r
    inner join marts.dim_enterprises as d using (tax_code)
    where r.named_in_period = ? and r.is_restatement
    order by r.tax_code, r.period, r.revision
"""


WARNINGS = """
    select w.*, d.name_vi
    from marts.fct_data_quality_warnings as w
    inner join marts.dim_enterprises as d using (tax_code)
    where w.period = ?
    order by w.tax_code, w.activity_code, w.rule
"""


TREND_MONTHS = 24


class NoDataForPeriod(LookupError):
    pass


@dataclass(frozen=True)
class ReportData:
    common: Row
    province: Row
    parks: list[Row]
    enterprises: list[Row]
    trends: dict[str, list[Row]]
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


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[Row]:
    return wh.query(con, sql, params).to_dicts()


def load(con: duckdb.DuckDBPyConnection, settings: Settings, period: str) -> ReportData:
    """Everything the period's reports need. Nothing run-specific: the same data gives the
    same reports whichever run renders them."""
    province = _rows(con, "select * from reports.rpt_province_monthly where period = ?", [period])
    if not province:
        raise NoDataForPeriod(
            f"Không có số liệu cho kỳ {period} / No accepted data for period {period}"
        )
    first = period_from_index(period_index(period) - (TREND_MONTHS - 1))
    trends: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(
        con,
        "select * from reports.rpt_enterprise_monthly where period between "
        "? and ? order by tax_code, period",
        [first, period],
    ):
        trends[row["tax_code"]].append(row)
    park_trends: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(
        con,
        "select * from reports.rpt_park_monthly where period between ? and ? "
        "order by park_code, period",
        [first, period],
    ):
        park_trends[row["park_code"]].append(row)
    last_12 = period_from_index(period_index(period) - 11)
    window = pl.DataFrame(
        [r for rows in trends.values() for r in rows if r["period"] >= last_12],
        infer_schema_length=None,
    )
    return ReportData(
        common=_common(con, settings, period, province[0]),
        province=province[0],
        parks=_rows(
            con,
            "select * from reports.rpt_park_monthly where period = ? order by park_code",
            [period],
        ),
        enterprises=_rows(
            con,
            "select * from reports.rpt_enterprise_monthly where period = ? "
            "order by park_code, name_vi",
            [period],
        ),
        trends=dict(trends),
        quality=_rows(con, QUALITY, [period, period]),
        duplicates=[r["file_name"] for r in _rows(con, DUPLICATES, [period])],
        restatements=_rows(con, RESTATEMENTS, [period]),
        factor_users=factor_users(con, period),
        warnings=_rows(con, WARNINGS, [period]),
        park_trends=dict(park_trends),
        province_trend=_rows(
            con,
            "select * from reports.rpt_province_monthly where period between ? and ? "
            "order by period",
            [first, period],
        ),
        pathway=reports.province_pathway(window, period).to_dicts() if len(window) else [],
        annual=reports.province_annual(
            wh.query(con, "select * from reports.rpt_province_monthly"), period
        ).to_dicts(),
        arrivals=_arrivals(con, period),
    )


def _common(con: duckdb.DuckDBPyConnection, settings: Settings, period: str, province: Row) -> Row:
    demo = wh.scalar(con, "select bool_or(is_fictional) from reference.ref_enterprises")
    registry = wh.scalar(
        con, "select max(registry_version) from reference.ref_grid_emission_factors"
    )
    gwp = _rows(
        con,
        "select gas, gwp_100yr from reference.ref_gwp where gwp_set = ? order by gas",
        [settings.gwp_set],
    )
    gwp_values = [(g["gas"], g["gwp_100yr"], 0 if g["gwp_100yr"] % 1 == 0 else 1) for g in gwp]
    as_of = _as_of(con, period)
    return {
        "period": period,
        "due_day": settings.due_day,
        "as_of_date": as_of.date(),
        "demo": bool(demo),
        "jurisdiction": {
            "agency_vi": settings.agency_vi,
            "agency_en": settings.agency_en,
            "province_vi": settings.province_vi,
            "province_en": settings.province_en,
        },
        "method": contexts.method(
            settings.grid_factor_policy,
            bool(province["has_provisional_grid_factor"]),
            settings.gwp_set,
            gwp_values,
            _factors(con, period),
        ),
        "stamp": {
            "generator": f"netzero {version('netzero')}",
            "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "registry_version": registry,
            "suite_version": SUITE_VERSION,
        },
    }


def _as_of(con: duckdb.DuckDBPyConnection, period: str) -> datetime:
    """When the data behind the period's reports last changed: SOURCE_DATE_EPOCH when set
    (reproducible builds), else the latest arrival of a file for this or an earlier month.
    Never the clock: the same data gives the same reports, byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    latest = wh.scalar(
        con,
        "select max(coalesce(received_at, landed_at)) from staging.stg_submissions__files "
        "where period <= ?",
        [period],
    )
    if latest is None:
        return datetime(int(period[:4]), int(period[5:7]), 1, tzinfo=UTC)
    assert isinstance(latest, datetime)
    return latest if latest.tzinfo else latest.replace(tzinfo=UTC)


def _arrivals(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, datetime]:
    """Per enterprise, when its data up to the period last changed; empty under
    SOURCE_DATE_EPOCH (every report then carries that date)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return {}
    rows = _rows(
        con,
        "select tax_code, max(coalesce(received_at, landed_at)) as latest "
        "from staging.stg_submissions__files where period <= ? group by tax_code",
        [period],
    )
    return {
        r["tax_code"]: r["latest"] if r["latest"].tzinfo else r["latest"].replace(tzinfo=UTC)
        for r in rows
    }


def _digits(value: float) -> int:
    """A factor as published: no decimals it does not have (3.9 stays 3,9, 74,100 stays)."""
    return 0 if value % 1 == 0 else len(f"{value:g}".split(".")[1])


FACTOR_USERS = """
    select distinct factor_id, tax_code from marts.fct_emissions
    where period = ? and factor_id is not null
    union
    select distinct conversion_factor_id, tax_code from staging.stg_submissions__activity_lines
    where period = ? and is_current and conversion_factor_id is not null
"""


def factor_users(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, set[str]]:
    """Which enterprises each factor row of the period was applied to."""
    users: dict[str, set[str]] = defaultdict(set)
    for row in _rows(con, FACTOR_USERS, [period, period]):
        users[row["factor_id"]].add(row["tax_code"])
    return dict(users)


def _factors(con: duckdb.DuckDBPyConnection, period: str) -> list[Row]:
    """The factors this period's figures rest on, with their values and sources."""
    grid = _rows(
        con,
        """
        select g.factor_id, g.ef_tco2_per_mwh, g.grid_year, g.publishing_document, g.source
        from reference.ref_grid_emission_factors as g
        where g.factor_id in (select factor_id from marts.fct_emissions where period = ?)
        order by g.factor_id""",
        [period],
    )
    fuels = _rows(
        con,
        """
        select factor_id, ncv_tj_per_gg, co2_kg_per_tj, ch4_kg_per_tj, n2o_kg_per_tj, source
        from reference.ref_fuel_combustion_factors
        union all
        select factor_id, ncv_tj_per_gg, co2_kg_per_tj, ch4_kg_per_tj, n2o_kg_per_tj,
               source || '; NCV: ' || ncv_source
        from reference.ref_mobile_combustion_factors""",
        [],
    )
    used = {
        r["factor_id"]
        for r in _rows(
            con, "select distinct factor_id from marts.fct_emissions where period = ?", [period]
        )
    }
    fuels = sorted((f for f in fuels if f["factor_id"] in used), key=lambda f: f["factor_id"])
    instruments = _rows(
        con,
        """
        select factor_id, ef_tco2_per_mwh, source || ' ' || coalesce(note, '') as source
        from reference.ref_scope2_instruments
        where instrument = 'RESIDUAL' or factor_id in (
            select factor_id from marts.fct_emissions where period = ?)
        union all
        select contract_id, supplier_ef_tco2_per_mwh,
               generator_vi || ' / ' || generator_en || ': ' || evidence
        from reference.ref_electricity_contracts
        where contract_id in (select factor_id from marts.fct_emissions where period = ?)
        order by 1""",
        [period, period],
    )
    densities = _rows(
        con,
        """
        select * from reference.ref_fuel_densities
        where density_id in (select conversion_factor_id
                             from staging.stg_submissions__activity_lines
                             where period = ? and is_current)
        order by density_id""",
        [period],
    )
    rows = [
        {
            "factor_id": g["factor_id"],
            "parts": [("", g["ef_tco2_per_mwh"], 4)],
            "unit": f"tCO₂/MWh ({g['grid_year']})",
            "source": "; ".join(filter(None, [g["publishing_document"], g["source"]])),
        }
        for g in grid
    ]
    rows += [
        {
            "factor_id": f["factor_id"],
            "parts": [
                ("NCV", f["ncv_tj_per_gg"], 1),
                ("CO₂", f["co2_kg_per_tj"], _digits(f["co2_kg_per_tj"])),
                ("CH₄", f["ch4_kg_per_tj"], _digits(f["ch4_kg_per_tj"])),
                ("N₂O", f["n2o_kg_per_tj"], _digits(f["n2o_kg_per_tj"])),
            ],
            "unit": "TJ/Gg · kg/TJ",
            "source": f["source"],
        }
        for f in fuels
    ]
    rows += [
        {
            "factor_id": i["factor_id"],
            "parts": [("", i["ef_tco2_per_mwh"], 4)],
            "unit": "tCO₂/MWh",
            "source": i["source"],
        }
        for i in instruments
    ]
    rows += [
        {
            "factor_id": d["density_id"],
            "parts": [("", d["density_t_per_m3"], 5)],
            "unit": "t/m³",
            "source": f"{d['source']}. {d['note']}",
        }
        for d in densities
    ]
    return rows
