"""Believable monthly activity for one fictional enterprise-month, as contract lines.

Magnitudes by sector, seasonality (Tết dip, export peak, hot season), rooftop solar
adopted over time, generators, LPG or natural-gas boilers, water and rainwater reuse,
waste, EV charging, output and revenue. Deterministic: each enterprise-month draws
from its own seeded generator, so the order of generation does not matter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.register import Enterprise, sector

# Months in which Tết (Lunar New Year) falls: factories close for one to two weeks.
TET_MONTHS = {"2025-01", "2026-02", "2027-02"}
RAINY_MONTHS = {5, 6, 7, 8, 9, 10, 11}  # southern Vietnam


@dataclass(frozen=True)
class Line:
    activity_code: str
    quantity: float
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Profile:
    """What an enterprise owns: decided once per enterprise, not per month."""

    demand_mwh: float
    solar_kwp: float
    solar_from: str | None  # first period with rooftop solar; None: never
    has_genset: bool
    boiler: str | None  # "lpg", "gas", "wood", "fuel_oil", "coal" or None
    boiler_t_or_km3: float
    gas_in_gj: bool  # the gas supplier invoices energy, not volume
    rainwater: bool
    ev_from: str | None
    reports_revenue: bool
    forklift_diesel_l: float  # per month; 0: none
    vehicle_petrol_l: float
    solar_exports: bool
    irec_from: str | None  # first period with I-RECs retired; None: never
    irec_share: float
    dppa_from: str | None  # first period under a DPPA (Nghị định 57/2025); None: never
    dppa_share: float
    waste_t_per_mwh: float  # a plant's waste, recycling and revenue ratios are its own
    recycled_share: float
    revenue_m_vnd_per_mwh: float


def profile(ent: Enterprise, seed: int, periods: list[str]) -> Profile:
    rng = random.Random(f"{seed}:profile:{ent.tax_code}")
    sec = sector(ent.vsic_code)
    low, high = sec.elec_mwh
    demand = low + (high - low) * ent.size
    solar_roll = rng.random()
    if solar_roll < 0.15:
        solar_from: str | None = "2000-01"  # installed before the window
    elif solar_roll < 0.45:
        solar_from = rng.choice(periods[2:] or periods)
    else:
        solar_from = None
    boiler_roll = rng.random()
    if boiler_roll < sec.lpg_share:
        boiler: str | None = "lpg"
    elif boiler_roll < sec.lpg_share + sec.gas_share:
        boiler = "gas"
    elif boiler_roll < sec.lpg_share + sec.gas_share + sec.solid_fuel_share:
        # Furniture plants burn their own wood waste; food plants some FO or coal.
        boiler = "wood" if sec.vsic_code == "3100" else rng.choice(("wood", "fuel_oil", "coal"))
    else:
        boiler = None
    large = ent.size > 0.5
    dppa_months = [p for p in periods if p >= "2025-06"]
    return Profile(
        demand_mwh=demand,
        # A roof covers roughly 10-25 % of demand: kWp ≈ MWh/month × 0.8-2.0.
        solar_kwp=round(demand * rng.uniform(0.8, 2.0), -1),
        solar_from=solar_from,
        has_genset=rng.random() < 0.7,
        boiler=boiler,
        boiler_t_or_km3=demand * rng.uniform(0.006, 0.02),
        gas_in_gj=rng.random() < 0.5,
        rainwater=rng.random() < 0.3,
        ev_from=rng.choice(periods) if rng.random() < 0.2 else None,
        reports_revenue=rng.random() < 0.6,
        forklift_diesel_l=rng.uniform(100, 800) if rng.random() < 0.3 else 0.0,
        vehicle_petrol_l=rng.uniform(150, 900) if rng.random() < 0.2 else 0.0,
        solar_exports=rng.random() < 0.4,
        irec_from=rng.choice(periods) if rng.random() < 0.08 else None,
        irec_share=rng.uniform(0.2, 0.6),
        dppa_from=rng.choice(dppa_months) if large and dppa_months and rng.random() < 0.2 else None,
        dppa_share=rng.uniform(0.3, 0.5),
        waste_t_per_mwh=rng.uniform(0.02, 0.08),
        recycled_share=rng.uniform(0.3, 0.85),
        revenue_m_vnd_per_mwh=rng.uniform(120, 380),
    )


def _activity_level(ent: Enterprise, period: str) -> float:
    month = int(period[5:7])
    level = 1.0
    if period in TET_MONTHS:
        level *= 0.72
    if sector(ent.vsic_code).export_peak and month in (8, 9, 10, 11):
        level *= 1.12
    return level


# Boiler fuel → (activity, quantity per unit of boiler size, unit, note): about the same heat.
OTHER_BOILERS = {
    "wood": ("WOOD_STATIONARY", 3.0, "t", "Củi và gỗ vụn cho lò hơi"),
    "fuel_oil": ("FUEL_OIL_STATIONARY", 1000.0, "L", "Dầu FO cho lò hơi"),
    "coal": ("COAL_BITUMINOUS_STATIONARY", 1.8, "t", "Than cho lò hơi"),
}


def _boiler_line(prof: Profile, level: float, rng: random.Random) -> Line | None:
    """The month's boiler fuel, in the unit the enterprise's supplier invoices."""
    amount = prof.boiler_t_or_km3 * level
    if prof.boiler == "lpg":
        return Line("LPG_STATIONARY", round(amount * 1000), "kg", "Khí hóa lỏng cho lò hơi")
    if prof.boiler == "gas":
        m3 = amount * 1000 * rng.uniform(0.95, 1.05)
        if prof.gas_in_gj:
            # 0.00067 t/m³ × 48.0 GJ/t: the same gas, as the supplier's energy invoice.
            return Line("NATURAL_GAS_STATIONARY", round(m3 * 0.032160, 1), "GJ", "Hóa đơn khí (GJ)")
        return Line("NATURAL_GAS_STATIONARY", round(m3), "m3", "Khí thiên nhiên cho lò hơi")
    if prof.boiler in OTHER_BOILERS:
        code, per_unit, unit, note = OTHER_BOILERS[prof.boiler]
        quantity = amount * per_unit * rng.uniform(0.9, 1.1)
        return Line(code, round(quantity, 1 if unit == "t" else 0), unit, note)
    return None


def _fuel_lines(prof: Profile, level: float, rng: random.Random) -> list[Line]:
    """Generator diesel, boiler fuel, forklifts and company vehicles."""
    lines: list[Line] = []
    if prof.has_genset:
        outage = rng.random() < 0.08
        litres = rng.uniform(1500, 6000) if outage else rng.uniform(40, 600)
        note = "Mất điện lưới, chạy máy phát" if outage else "Chạy thử máy phát định kỳ"
        lines.append(Line("DIESEL_STATIONARY", round(litres), "L", note))
    boiler = _boiler_line(prof, level, rng)
    if boiler:
        lines.append(boiler)
    if prof.forklift_diesel_l:
        litres = prof.forklift_diesel_l * level * rng.uniform(0.85, 1.15)
        lines.append(Line("DIESEL_MOBILE", round(litres), "L", "Xe nâng chạy dầu"))
    if prof.vehicle_petrol_l:
        litres = prof.vehicle_petrol_l * rng.uniform(0.8, 1.2)
        lines.append(Line("PETROL_MOBILE", round(litres), "L", "Xe đưa đón, xe công vụ"))

    return lines


def month_lines(ent: Enterprise, prof: Profile, period: str, seed: int) -> list[Line]:
    """The lines an enterprise submits for one month."""
    rng = random.Random(f"{seed}:{ent.tax_code}:{period}")
    sec = sector(ent.vsic_code)
    month = int(period[5:7])
    level = _activity_level(ent, period) * rng.uniform(0.93, 1.07)
    cooling = 1.08 if month in (3, 4, 5) else 1.0
    demand_mwh = prof.demand_mwh * level * cooling
    lines = _electricity_lines(prof, period, demand_mwh, rng)
    lines += _fuel_lines(prof, level, rng)
    lines += _water_and_waste_lines(prof, period, demand_mwh, sec.water_m3_per_mwh, rng)
    output = demand_mwh * sec.output_per_mwh * rng.uniform(0.95, 1.05)
    lines.append(
        Line(
            "PRODUCTION_OUTPUT", round(output, 1 if sec.output_unit == "t" else 0), sec.output_unit
        )
    )
    if prof.reports_revenue:
        revenue = demand_mwh * prof.revenue_m_vnd_per_mwh * rng.uniform(0.9, 1.1)
        lines.append(Line("REVENUE", round(revenue), "mVND"))
    return lines


def _electricity_lines(
    prof: Profile, period: str, demand_mwh: float, rng: random.Random
) -> list[Line]:
    """Grid electricity (the bill), rooftop solar self-consumed and exported, I-RECs, DPPA."""
    month = int(period[5:7])
    lines: list[Line] = []
    solar_mwh = 0.0
    if prof.solar_from and period >= prof.solar_from:
        kwh_per_kwp = rng.uniform(100, 112) if month in RAINY_MONTHS else rng.uniform(120, 138)
        solar_mwh = min(prof.solar_kwp * kwh_per_kwp / 1000, demand_mwh * 0.6)
        lines.append(
            Line(
                "ELEC_SOLAR_SELF",
                round(solar_mwh * 1000),
                "kWh",
                "Đồng hồ inverter điện mặt trời mái nhà",
            )
        )
    if solar_mwh and prof.solar_exports:
        exported = solar_mwh * rng.uniform(0.02, 0.12)
        lines.append(
            Line("ELEC_SOLAR_EXPORTED", round(exported * 1000), "kWh", "Bán lên lưới ngày nghỉ")
        )
    grid_kwh = round((demand_mwh - solar_mwh) * 1000)
    lines.insert(0, Line("ELEC_GRID", grid_kwh, "kWh", "Theo hóa đơn tiền điện EVN"))
    if prof.irec_from and period >= prof.irec_from:
        irec_mwh = round(grid_kwh / 1000 * prof.irec_share)
        lines.append(Line("ELEC_IREC_RETIRED", irec_mwh, "MWh", "Chứng chỉ I-REC đã hủy"))
    if prof.dppa_from and period >= prof.dppa_from:
        dppa_kwh = round(grid_kwh * prof.dppa_share)
        lines.append(Line("ELEC_DPPA", dppa_kwh, "kWh", "Sản lượng DPPA theo bảng đối soát"))
    return lines


def _water_and_waste_lines(
    prof: Profile, period: str, demand_mwh: float, water_m3_per_mwh: float, rng: random.Random
) -> list[Line]:
    """Water withdrawn and rainwater reused, wastewater, waste and recycling, EV charging."""
    month = int(period[5:7])
    lines: list[Line] = []
    water = demand_mwh * water_m3_per_mwh * rng.uniform(0.9, 1.1)
    lines.append(Line("WATER_SUPPLY", round(water), "m3"))
    if prof.rainwater:
        share = rng.uniform(0.03, 0.12) if month in RAINY_MONTHS else rng.uniform(0.0, 0.01)
        lines.append(
            Line("RAINWATER_REUSE", round(water * share), "m3", "Nước mưa thu gom từ mái nhà xưởng")
        )
    lines.append(Line("WASTEWATER", round(water * rng.uniform(0.75, 0.85)), "m3"))
    waste_t = demand_mwh * prof.waste_t_per_mwh * rng.uniform(0.85, 1.15)
    lines.append(Line("WASTE_GENERATED", round(waste_t * 1000), "kg"))
    lines.append(
        Line(
            "WASTE_RECYCLED",
            round(waste_t * prof.recycled_share * rng.uniform(0.9, 1.1) * 1000),
            "kg",
            "Bán phế liệu cho đơn vị tái chế",
        )
    )
    if prof.ev_from and period >= prof.ev_from:
        lines.append(
            Line(
                "EV_CHARGING",
                round(rng.uniform(2, 25) * 1000),
                "kWh",
                "Trạm sạc xe điện cho nhân viên",
            )
        )
    return lines
