"""The demo register: real industrial parks of former Binh Duong, fictional enterprises.

Parks are real places (public facts: name and locality only). Every enterprise is
invented: names are composed from word lists, tax codes are random, and the register
marks each one ``is_fictional``. No real company gets invented numbers.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from dataclasses import dataclass

from transforms import REFERENCE_DIR


def _grid_factors() -> dict[int, float]:
    """The published national grid factors (the project's reference data, with sources)."""
    with (REFERENCE_DIR / "ref_grid_emission_factors.csv").open(encoding="utf-8") as f:
        return {int(r["grid_year"]): float(r["ef_tco2_per_mwh"]) for r in csv.DictReader(f)}


GRID_FACTORS = _grid_factors()


@dataclass(frozen=True)
class Park:
    park_code: str
    name_vi: str
    name_en: str
    locality_vi: str
    weight: int  # how many demo enterprises it hosts, relatively


# Former Binh Duong province; since 1 July 2025 part of Ho Chi Minh City.
PARKS: tuple[Park, ...] = (
    Park("VSIP1", "KCN Việt Nam – Singapore (VSIP I)", "VSIP I", "Thuận An", 5),
    Park("VSIP2", "KCN Việt Nam – Singapore II (VSIP II)", "VSIP II", "Thủ Dầu Một", 4),
    Park("VSIP3", "KCN Việt Nam – Singapore III (VSIP III)", "VSIP III", "Tân Uyên", 3),
    Park("MP3", "KCN Mỹ Phước 3", "My Phuoc 3 IP", "Bến Cát", 3),
    Park("BAUBANG", "KCN Bàu Bàng", "Bau Bang IP", "Bàu Bàng", 3),
    Park("SONGTHAN2", "KCN Sóng Thần 2", "Song Than 2 IP", "Dĩ An", 2),
    Park("NAMTANUYEN", "KCN Nam Tân Uyên", "Nam Tan Uyen IP", "Tân Uyên", 2),
)


@dataclass(frozen=True)
class Sector:
    vsic_code: str
    word_vi: str
    word_en: str
    elec_mwh: tuple[float, float]  # typical monthly grid demand range
    output_unit: str
    output_per_mwh: float
    lpg_share: float  # share of enterprises with LPG boilers
    gas_share: float  # share with natural-gas boilers
    solid_fuel_share: float  # share with wood, fuel-oil or coal boilers
    water_m3_per_mwh: float
    export_peak: bool  # Aug-Nov export season


SECTORS: tuple[Sector, ...] = (
    Sector("1520", "Giày da", "Footwear", (60, 1500), "pair", 190, 0.4, 0.1, 0.0, 10, True),
    Sector("1410", "May mặc", "Garments", (40, 1200), "pcs", 300, 0.3, 0.1, 0.05, 18, True),
    Sector(
        "2610", "Linh kiện điện tử", "Electronics", (150, 4500), "pcs", 2000, 0, 0.2, 0.0, 8, False
    ),
    Sector("3100", "Gỗ nội thất", "Furniture", (30, 800), "pcs", 10, 0.1, 0.0, 0.5, 4, True),
    Sector("1075", "Thực phẩm", "Foods", (60, 1400), "t", 1.5, 0.45, 0.25, 0.2, 40, False),
    Sector("3240", "Đồ chơi", "Toys", (40, 1000), "pcs", 800, 0.1, 0.0, 0.0, 6, True),
    Sector("2220", "Nhựa kỹ thuật", "Plastics", (100, 2500), "t", 0.5, 0.2, 0.1, 0.05, 5, False),
)

_NAME_PARTS = (
    "An Khang Lộc",
    "Bảo Lâm Xuân",
    "Cát Tường Vân",
    "Đông Sơn Mộc",
    "Gia Vĩnh Hưng",
    "Hòa Mỹ Điền",
    "Kim Ngọc Thạch",
    "Lạc Hồng Duyên",
    "Minh Quang Triều",
    "Ngọc Lan Thủy",
    "Phú Điền Lâm",
    "Quang Vinh Hải",
    "Sơn Trà Nguyệt",
    "Tân Thịnh Khê",
    "Thiên Ân Phong",
    "Trường Xuân Lộ",
    "Vạn Lợi Hà",
    "Việt Hòa Sương",
    "Xuân Mai Cầu",
    "Yên Bình Nguyên",
)
_LEGAL_FORMS = (("Công ty TNHH", "Co., Ltd."), ("Công ty Cổ phần", "JSC"))


@dataclass(frozen=True)
class Enterprise:
    tax_code: str
    name_vi: str
    name_en: str
    vsic_code: str
    park_code: str
    baseline_year: int
    target_type: str  # "absolute" (tCO2e) or "intensity" (tCO2e per unit of output)
    baseline_tco2e: float | None  # declared Scope 1 + 2 (location-based) of the baseline year
    baseline_intensity: float | None  # declared tCO2e per output unit in the baseline year
    target_year: int  # the declared interim target
    target_reduction_pct: float
    net_zero_year: int
    size: float  # share of the sector's demand range, 0..1 (generator only)
    submission_format: str  # generator only


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, for English-language names (Đ is a letter)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def make_enterprises(rng: random.Random, count: int) -> list[Enterprise]:
    """``count`` fictional enterprises spread over the parks, with unique names."""
    park_pool = [p.park_code for p in PARKS for _ in range(p.weight)]
    names = [
        (form, part, sector) for form in _LEGAL_FORMS for part in _NAME_PARTS for sector in SECTORS
    ]
    rng.shuffle(names)
    tax_codes = rng.sample(range(10_000_000, 99_999_999), count)
    enterprises = []
    for i in range(count):
        (form_vi, form_en), part, sector = names[i % len(names)]
        suffix = "" if i < len(names) else f" {i // len(names) + 1}"
        # Parks hold many small and medium plants and a few large ones: skew towards small.
        size = rng.random() ** 2
        baseline_year = rng.choice((2019, 2020, 2021, 2022, 2023))
        # A declared baseline: the plant's electricity at the baseline year's published grid
        # factor, plus fuels and the growth or savings since (a fictional but coherent figure).
        demand_mwh = sector.elec_mwh[0] + (sector.elec_mwh[1] - sector.elec_mwh[0]) * size
        baseline_t = demand_mwh * 12 * GRID_FACTORS[baseline_year] * rng.uniform(0.95, 1.4)
        intensity = rng.random() < 0.25
        enterprises.append(
            Enterprise(
                tax_code=f"37{tax_codes[i]:08d}",
                name_vi=f"{form_vi} {sector.word_vi} {part}{suffix}",
                name_en=f"{ascii_fold(part)}{suffix} {sector.word_en} {form_en}",
                vsic_code=sector.vsic_code,
                park_code=rng.choice(park_pool),
                baseline_year=baseline_year,
                target_type="intensity" if intensity else "absolute",
                baseline_tco2e=None if intensity else round(baseline_t),
                baseline_intensity=(
                    float(f"{baseline_t / (demand_mwh * 12 * sector.output_per_mwh):.4g}")
                    if intensity
                    else None
                ),
                target_year=rng.choice((2030, 2030, 2035)),
                target_reduction_pct=float(rng.choice((20, 25, 30, 35, 40, 50))),
                net_zero_year=2050,
                size=size,
                submission_format=rng.choices(("xlsx", "csv", "json"), (40, 35, 25))[0],
            )
        )
    return enterprises


def sector(vsic_code: str) -> Sector:
    return next(s for s in SECTORS if s.vsic_code == vsic_code)
