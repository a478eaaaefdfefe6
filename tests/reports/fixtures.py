"""Small, fixed report contexts: one enterprise, its park and a province of two parks.

Rows are report-table rows; a column the fixture does not set reads as null (``Row``), as
an unreported figure would.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flows.report_data import frame
from flows.settings import load_agency
from report_templates import contexts


class Row(dict[str, Any]):
    def __missing__(self, key: str) -> None:
        return None


PERIOD = "2026-10"
AGENCY = load_agency()
COMMON: dict[str, Any] = {
    "period": PERIOD,
    "previous_period": "2026-09",
    "frame": frame(AGENCY, PERIOD),
    "recipients": list(AGENCY.recipients),
    "wastewater_rule": {"min_valid_hours": 18, "gap_minutes": 60},
    "as_of_date": date(2026, 11, 15),
    "due_day": 15,
    "demo": True,
    "jurisdiction": {
        "agency_vi": "Sở Nông nghiệp và Môi trường Thành phố Hồ Chí Minh",
        "agency_en": "Ho Chi Minh City Department of Agriculture and Environment",
        "province_vi": "Thành phố Hồ Chí Minh – khu vực Bình Dương cũ",
        "province_en": "Ho Chi Minh City – former Binh Duong province",
    },
    "method": contexts.method(
        "provisional_latest",
        True,
        "AR5",
        [("CH4", 28, 0), ("N2O", 265, 0)],
        [
            {
                "factor_id": "GRID-VN-2023",
                "parts": [("", 0.6592, 4)],
                "unit": "tCO₂/MWh (2023)",
                "source": "CV 1726/BĐKH-PTCBT",
                "not_verified": None,
                "note_vi": None,
                "note_en": None,
            },
            {
                "factor_id": "IPCC2006-DIESEL-STATIONARY",
                "parts": [("NCV", 43.0, 1), ("CO₂", 74100, 0), ("CH₄", 3, 0), ("N₂O", 0.6, 1)],
                "unit": "TJ/Gg · kg/TJ",
                "source": "IPCC 2006 Vol. 2 Tables 1.2, 2.2",
                "not_verified": "CH₄, N₂O",
                "note_vi": None,
                "note_en": None,
            },
            {
                "factor_id": "DENS-IPCC-CH4",
                "parts": [("", 0.00067, 5)],
                "unit": "t/m³",
                "source": "IPCC 2006 Vol. 2 Ch. 4",
                "not_verified": "all",
                "note_vi": "Khối lượng riêng của metan, dùng cho khí thiên nhiên.",
                "note_en": "The density of methane, used for natural gas.",
            },
        ],
    ),
    "stamp": {
        "generator": "netzero 0.0.0",
        "as_of": "2026-11-15T03:00:00Z",
        "registry_version": "2026.11.1",
        "suite_version": "2026.11.3",
    },
}


def _trend(tax_code: str) -> list[Row]:
    """24 months ending at the period: a gentle decline with one missing month."""
    rows = []
    for i in range(24):
        year, month = divmod(2024 * 12 + 10 + i, 12)
        period = f"{year:04d}-{month + 1:02d}"
        missing = period == "2026-03"
        rows.append(
            Row(
                tax_code=tax_code,
                period=period,
                submission_status="missing" if missing else "on_time",
                emissions_tco2e=None if missing else 120.0 - i,
                path_month_tco2e=110.0 - i * 0.4,
                scope1_tco2e=None if missing else 20.0,
                scope2_location_tco2e=None if missing else 100.0 - i,
                grid_electricity_mwh=None if missing else 150.0 - i,
                solar_self_consumed_mwh=None if missing else 12.5,
            )
        )
    return rows


ENTERPRISE = Row(
    tax_code="3700000001",
    name_vi="Công ty TNHH Giày Bình Dương <Demo>",
    name_en="Binh Duong Footwear Co., Ltd. <Demo>",
    park_code="VSIP1",
    park_name_vi="KCN Việt Nam – Singapore (VSIP I)",
    park_name_en="Vietnam–Singapore Industrial Park (VSIP I)",
    vsic_code="1520",
    sector_label_vi="Sản xuất giày, dép",
    sector_label_en="Manufacture of footwear",
    baseline_year=2022,
    target_year=2030,
    target_reduction_pct=30.0,
    net_zero_year=2050,
    submission_status="on_time",
    file_name="3700000001_2026-10.xlsx",
    scope1_tco2e=20.0,
    scope1_stationary_tco2e=15.0,
    scope1_mobile_tco2e=5.0,
    scope2_location_tco2e=77.0,
    # Its I-REC line (row 7) was rejected: the market-based figures wait for it.
    scope2_market_tco2e=None,
    scope2_market_unknown_reason="line_rejected",
    emissions_tco2e=97.0,
    emissions_lower_bound_tco2e=97.0,
    emissions_market_tco2e=None,
    emissions_market_unknown_reason="line_rejected",
    # March was not submitted: no year-to-date total, no status.
    ytd_emissions_tco2e=None,
    year_ago_emissions_tco2e=109.0,
    grid_electricity_mwh=116.81,
    irec_retired_mwh=10.0,
    solar_self_consumed_mwh=12.5,
    ytd_solar_self_consumed_mwh=118.0,
    rooftop_solar_kwp=250,
    energy_toe=20.6,
    energy_gj=480.0,
    diesel_mobile_t=1.55,
    water_supply_m3=1200,
    rainwater_reused_m3=300,
    water_reuse_share=0.2,
    waste_generated_t=8.0,
    waste_recycled_t=2.0,
    waste_recycling_share=0.25,
    ev_charging_mwh=1.2,
    renewable_share=12.5 / (116.81 + 12.5),
    months_reported_ytd=9,
    progress_status="undetermined",
    progress_status_reason="not_submitted",
    progress_status_rolling_12m="undetermined",
    progress_status_rolling_12m_reason="not_submitted",
    progress_tolerance=0.05,
    ytd_known_tco2e=1001.25,
    ytd_path_tco2e=1100.0,
    ytd_months_known=9,
    ytd_months=10,
    ytd_vs_path_pct=None,
    rolling_12m_vs_path_pct=None,
    yoy_change_pct=-11.0,
    rolling_12m_vs_baseline_pct=-14.5,
    intensity_tco2e_per_output=0.0485,
    output_unit="pair",
    intensity_tco2e_per_bn_vnd=1.234,
    ghg_inventory_rolling="undetermined",
    ghg_inventory_rolling_reason="not_submitted",
    ghg_inventory_calendar="undetermined",
    ghg_inventory_calendar_reason="not_submitted",
    key_energy_user_rolling="undetermined",
    key_energy_user_rolling_reason="not_submitted",
    key_energy_user_calendar="undetermined",
    key_energy_user_calendar_reason="not_submitted",
    rolling_12m_tco2e=None,
    rolling_12m_lower_bound_tco2e=1310.0,
    rolling_12m_toe=None,
    rolling_12m_lower_bound_toe=250.0,
    rolling_12m_months_known=11,
    calendar_ytd_tco2e=None,
    calendar_ytd_lower_bound_tco2e=1001.25,
    calendar_ytd_toe=None,
    calendar_ytd_lower_bound_toe=190.0,
    calendar_ytd_months_known=9,
    prior_month_emissions_tco2e=98.0,
)
LATE = Row(
    ENTERPRISE,
    tax_code="3700000002",
    name_vi="Công ty Cổ phần Điện tử Đồng Nai",
    name_en="Dong Nai Electronics JSC",
    submission_status="late",
    emissions_tco2e=3400.0,
    emissions_lower_bound_tco2e=3400.0,
    scope2_market_tco2e=3300.0,
    emissions_market_tco2e=3380.0,
    prior_month_emissions_tco2e=3000.0,
    ghg_inventory_rolling="over",
    key_energy_user_rolling="over",
    rolling_12m_tco2e=39000.0,
    progress_status="behind",
    progress_status_reason=None,
    progress_to_confirm=True,
)
MISSING = Row(
    tax_code="3700000003",
    name_vi="Công ty TNHH Nội thất Thủ Dầu Một",
    name_en="Thu Dau Mot Furniture Co., Ltd.",
    park_code="MYPHUOC3",
    submission_status="missing",
    progress_status="undetermined",
    progress_status_reason="not_submitted",
)
PARK = Row(
    park_code="VSIP1",
    park_name_vi="KCN Việt Nam – Singapore (VSIP I)",
    park_name_en="Vietnam–Singapore Industrial Park (VSIP I)",
    enterprises=2,
    enterprises_submitted=2,
    enterprises_on_time=1,
    enterprises_late=1,
    enterprises_revised=0,
    enterprises_rejected=0,
    enterprises_missing=0,
    enterprises_with_emissions=2,
    enterprises_known_scope1_tco2e=2,
    enterprises_known_scope2_location_tco2e=2,
    enterprises_known_scope2_market_tco2e=1,
    enterprises_known_emissions_tco2e=2,
    enterprises_known_emissions_market_tco2e=1,
    enterprises_known_grid_electricity_mwh=2,
    enterprises_known_energy_toe=2,
    enterprises_known_energy_gj=2,
    enterprise_months_ytd=18,
    enterprise_months_expected_ytd=20,
    enterprises_ahead=0,
    enterprises_on_track=0,
    enterprises_behind=1,
    enterprises_undetermined=1,
    enterprises_to_confirm=1,
    lines_quarantined=1,
    scope1_tco2e=40.0,
    scope2_location_tco2e=3457.0,
    scope2_market_tco2e=3300.0,
    emissions_tco2e=3497.0,
    emissions_market_tco2e=3380.0,
    ytd_emissions_tco2e=31000.0,
    grid_electricity_mwh=5300.0,
    solar_self_consumed_mwh=25.0,
    rainwater_reused_m3=600,
    water_supply_m3=2400,
    water_reuse_share=0.2,
    waste_generated_t=16.0,
    waste_recycled_t=4.0,
    waste_recycling_share=0.25,
    renewable_share=25.0 / 5325.0,
)
PARK_2 = Row(
    park_code="MYPHUOC3",
    park_name_vi="KCN Mỹ Phước 3",
    park_name_en="My Phuoc 3 Industrial Park",
    enterprises=1,
    enterprises_submitted=0,
    enterprises_missing=1,
    enterprises_on_time=0,
    enterprises_late=0,
    enterprises_revised=0,
    enterprises_rejected=0,
)
PROVINCE = Row(
    PARK,
    park_code=None,
    enterprises=3,
    enterprises_missing=1,
    enterprises_undetermined=2,
    enterprises_with_emissions=2,
)


def action(row: Row, name: str, items: int | None = None, due: date | None = None) -> Row:
    """A row of reports.rpt_action_items for ``row``'s enterprise."""
    return Row(
        tax_code=row["tax_code"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        park_code=row["park_code"],
        park_name_vi=row["park_name_vi"],
        park_name_en=row["park_name_en"],
        emissions_tco2e=row["emissions_tco2e"],
        action=name,
        items=items,
        deadline_date=due,
    )


NEXT_DUE = date(2026, 12, 15)
ACTIONS = [
    action(ENTERPRISE, "correct_rejected_lines", 1, NEXT_DUE),
    action(MISSING, "submit_missing", None, NEXT_DUE),
    action(LATE, "noted_late"),
]


def enterprise() -> dict[str, Any]:
    return contexts.enterprise_context(
        COMMON,
        ENTERPRISE,
        _trend(ENTERPRISE["tax_code"]),
        [
            Row(
                tax_code=ENTERPRISE["tax_code"],
                file_name="3700000001_2026-10.xlsx",
                line_no=7,
                field="quantity",
                field_label_vi="Số lượng",
                field_label_en="Quantity",
                value="-5",
                rule="quantity_not_negative",
                reason_vi="Số lượng không được âm",
                reason_en="Quantity must not be negative",
            )
        ],
        [],
        warnings=[
            Row(
                tax_code=ENTERPRISE["tax_code"],
                activity_code="WATER_SUPPLY",
                activity_label_vi="Nước cấp sử dụng",
                activity_label_en="Water withdrawn",
                rule="mom_change",
                quantity=2.0,
                unit="m3",
                compared_with=109.0,
                reason_vi="Thay đổi lớn so với tháng trước: vui lòng kiểm tra",
                reason_en="Large change from the previous month: please check",
            )
        ],
        actions=[a for a in ACTIONS if a["tax_code"] == ENTERPRISE["tax_code"]],
    )


def park() -> dict[str, Any]:
    return contexts.park_context(
        COMMON,
        PARK,
        [ENTERPRISE, LATE],
        _trend("VSIP1"),
        actions=[a for a in ACTIONS if a["park_code"] == PARK["park_code"]],
        wastewater=contexts.wastewater_outlets(
            [OUTLET], OUTLET_PARAMETERS, OUTLET_EVENTS, OUTLET_DAILY
        ),
    )


OUTLET = Row(
    outlet_id="WW-VSIP1",
    name_vi="Trạm xử lý nước thải tập trung KCN VSIP I",
    name_en="Central wastewater treatment plant, VSIP I",
    park_code="VSIP1",
    permit_number="101/GPMT-UBND (demo)",
    standard="QCVN 40:2011/BTNMT",
    column_code="A",
    tax_code=None,
    in_park="VSIP1",
    park_name_vi="KCN Việt Nam – Singapore (VSIP I)",
    park_name_en="VSIP I",
    enterprise_vi=None,
    enterprise_en=None,
    verdict="exceeded",
    parameters_exceeded="COD",
    days_exceeded=3,
    episodes=1,
    lab_samples=4,
    lab_exceeded=1,
    lowest_valid_share=0.926,
    volume_m3=None,
    volume_lower_bound_m3=104_512.0,
)
# an exempted enterprise's own station, within its limits every day (the province's table)
OUTLET_2 = OUTLET | Row(
    outlet_id="WW-3700000001",
    name_vi="Trạm xử lý nước thải của Công ty TNHH Dệt may Minh Phát",
    name_en="Wastewater treatment plant of Minh Phat Textile Co., Ltd.",
    park_code=None,
    tax_code="3700000001",
    permit_number="215/GPMT-UBND (demo)",
    column_code="B",
    verdict="compliant",
    parameters_exceeded=None,
    days_exceeded=0,
    episodes=0,
    lab_samples=0,
    lab_exceeded=0,
    lowest_valid_share=0.994,
    volume_m3=13_212.5,
    volume_lower_bound_m3=13_212.5,
)


def _parameter(parameter: str, label: str, unit: str, **values: Any) -> Row:
    return Row(outlet_id="WW-VSIP1", parameter=parameter, label_vi=label, label_en=label,
               unit=unit, **values)  # fmt: skip


OUTLET_PARAMETERS = [
    _parameter("COD", "COD", "mg/L", limit_min=None, limit_max=67.5, basis="standard_kq_kf",
               days_judged=31, days_exceeded=3, max_daily=97.4, min_daily=58.1, max_ratio=1.443,
               valid_share=0.926, verdict="exceeded", lab_samples=2, lab_exceeded=1,
               load_kg=None, load_lower_bound_kg=4_310.2),
    _parameter("pH", "pH", "pH", limit_min=6.0, limit_max=9.0, basis="standard",
               days_judged=29, days_exceeded=0, max_daily=7.5, min_daily=6.8, max_ratio=None,
               valid_share=0.926, verdict="incomplete", lab_samples=2, lab_exceeded=0,
               load_kg=None, load_lower_bound_kg=None),
    _parameter("FLOW_OUT", "Lưu lượng nước thải ra", "m³/h", limit_min=None, limit_max=None,
               basis="none", days_judged=0, days_exceeded=0, max_daily=160.2, min_daily=95.0,
               max_ratio=None,
               valid_share=1.0, verdict="no_limit", lab_samples=0, lab_exceeded=0,
               load_kg=None, load_lower_bound_kg=None),
]  # fmt: skip
OUTLET_EVENTS = [
    Row(outlet_id="WW-VSIP1", kind="episode", starts=datetime(2026, 10, 7, 17),
        first_day=date(2026, 10, 8), last_day=date(2026, 10, 10), label_vi="COD",
        label_en="COD", unit="mg/L", days=3, value=97.4, ratio=1.443, limit_min=None,
        limit_max=67.5),
    Row(outlet_id="WW-VSIP1", kind="lab_exceedance", starts=datetime(2026, 10, 9, 2, 30),
        label_vi="COD", label_en="COD", unit="mg/L", value=88.0, ratio=1.304, limit_min=None,
        limit_max=67.5, sample_id="VSIP1-20261009", laboratory="Phòng thí nghiệm (demo)",
        method="SMEWW 5220C:2017"),
    Row(outlet_id="WW-VSIP1", kind="gap", starts=datetime(2026, 10, 19, 17),
        ends=datetime(2026, 10, 21, 17), label_vi="pH, COD", label_en="pH, COD", hours=48.0),
]  # fmt: skip
OUTLET_DAILY = [
    Row(outlet_id="WW-VSIP1", parameter="COD", label_vi="COD", label_en="COD", unit="mg/L",
        day=date(2026, 10, d), value=97.4 if 8 <= d <= 10 else 40.0 + d,
        judged=d not in (20, 21), status="exceeded" if 8 <= d <= 10 else "compliant",
        limit_min=None, limit_max=67.5)
    for d in range(1, 32)
]  # fmt: skip


def province(rows_per_part: int = contexts.ROWS_PER_PART) -> dict[str, Any]:
    pathway = [
        Row(year=y, path_tco2e=46000.0 * (2050 - y) / 28, enterprises_without_output=0)
        for y in range(2022, 2051)
    ]
    annual = [
        Row(year=2024, tco2e=44000.0, kind="calendar"),
        Row(year=2025, tco2e=42500.0, kind="calendar"),
        Row(year=2026, tco2e=41800.0, kind="rolling_12m"),
    ]
    return contexts.province_context(
        COMMON,
        PROVINCE,
        [PARK, PARK_2],
        [ENTERPRISE, LATE, MISSING],
        [],
        ["3700000001_2026-10 (1).xlsx"],
        [],
        [],
        _trend("province"),
        pathway,
        annual,
        actions=ACTIONS,
        wastewater=contexts.wastewater_outlets([OUTLET, OUTLET_2], OUTLET_PARAMETERS),
        rows_per_part=rows_per_part,
    )


def member_list() -> dict[str, Any]:
    """The second of three parts of the province's list of enterprises, one row a part."""
    report = province(rows_per_part=1)
    return contexts.member_list_context(
        COMMON, report, report["member_parts"][1], contexts.report_file("province", "2026-10")
    )


def method_annex() -> dict[str, Any]:
    return contexts.method_context(COMMON)


CONTEXTS = {
    "enterprise_monthly": enterprise,
    "park_monthly": park,
    "province_monthly": province,
    "method_annex": method_annex,
    "member_list": member_list,
}
