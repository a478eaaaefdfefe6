"""The register the agency keeps: column types of its files, so that an empty or partly
filled column loads with its real type. No IO here."""

from __future__ import annotations

import polars as pl

ENTERPRISES: dict[str, type[pl.DataType]] = {
    "tax_code": pl.String,
    "vsic_code": pl.String,
    "park_code": pl.String,
    "baseline_year": pl.Int64,
    "target_type": pl.String,
    "baseline_tco2e": pl.Float64,
    "baseline_intensity": pl.Float64,
    "target_year": pl.Int64,
    "target_reduction_pct": pl.Float64,
    "net_zero_year": pl.Int64,
    "rooftop_solar_kwp": pl.Float64,
}
INDUSTRIAL_PARKS: dict[str, type[pl.DataType]] = {"park_code": pl.String}
# DPPA contracts with the supplier factor the seller documented (TT 38/2023 App. II §2 pt 3).
ELECTRICITY_CONTRACTS: dict[str, type[pl.DataType]] = {
    "contract_id": pl.String,
    "tax_code": pl.String,
    "instrument": pl.String,
    "model": pl.String,
    "generator_vi": pl.String,
    "generator_en": pl.String,
    "technology": pl.String,
    "supplier_ef_tco2_per_mwh": pl.Float64,
    "valid_from": pl.String,
    "valid_to": pl.String,
    "evidence": pl.String,
}
FILES: dict[str, dict[str, type[pl.DataType]]] = {
    "enterprises": ENTERPRISES,
    "industrial_parks": INDUSTRIAL_PARKS,
    "electricity_contracts": ELECTRICITY_CONTRACTS,
}
# A register may have no contracts at all: that file is optional.
OPTIONAL = {"electricity_contracts"}
