"""The province's path to net zero by year, from the enterprises' declared targets."""

import polars as pl
import pytest

from transforms.pathway import province_pathway

TARGET = {
    "target_year": None,
    "target_reduction_pct": None,
    "net_zero_year": 2050,
    "baseline_tco2e": None,
    "baseline_intensity": None,
}


def rows() -> pl.DataFrame:
    absolute = [
        TARGET
        | {
            "tax_code": "A",
            "period": f"2026-{m:02d}",
            "target_type": "absolute",
            "baseline_year": 2020,
            "baseline_tco2e": 1200.0,
            "output_quantity": None,
        }
        for m in range(1, 13)
    ]
    # Intensity: 0.5 t/unit in 2020, -50 % by 2030; output known in 6 of 12 months, 100 each.
    intensity = [
        TARGET
        | {
            "tax_code": "B",
            "period": f"2026-{m:02d}",
            "target_type": "intensity",
            "baseline_year": 2020,
            "baseline_intensity": 0.5,
            "target_year": 2030,
            "target_reduction_pct": 50.0,
            "output_quantity": 100.0 if m % 2 else None,
        }
        for m in range(1, 13)
    ]
    # Intensity with no output reported at all: left out of the path, and counted.
    silent = [r | {"tax_code": "C", "output_quantity": None} for r in intensity]
    return pl.DataFrame(absolute + intensity + silent, infer_schema_length=None)


def test_path_is_the_sum_of_the_enterprises_paths_by_hand() -> None:
    """2025: A = 1200 × (1 − 5/30) = 1000 t; B = (0.5 − 0.25 × 5/10) t/unit × (6 × 100 × 12/6)
    units = 0.375 × 1200 = 450 t; province 1450 t. 2030: A 800, B 0.25 × 1200 = 300. 2050: 0."""
    path = province_pathway(rows(), "2026-12")
    by_year = dict(zip(path["year"], path["path_tco2e"], strict=True))
    assert path["year"].to_list() == list(range(2020, 2051))
    assert by_year[2020] == pytest.approx(1200 + 0.5 * 1200)
    assert by_year[2025] == pytest.approx(1450.0)
    assert by_year[2030] == pytest.approx(800.0 + 300.0)
    assert by_year[2050] == pytest.approx(0.0)
    assert set(path["enterprises_without_output"]) == {1}
