"""The report tables beside the figures, given tiny frames: what each period's reports
read, and only that."""

from datetime import datetime

import polars as pl
import pytest

from tests.conftest import reference
from transforms import method, report_notes

T = datetime(2026, 11, 1)
CONTRACT_COLUMNS = [
    "contract_id",
    "supplier_ef_tco2_per_mwh",
    "generator_vi",
    "generator_en",
    "evidence",
]


def quarantine(*rows: tuple[str, str, int | None, str]) -> pl.LazyFrame:
    """(run_id, sha256, line_no, rule) rows of ops.quarantine."""
    return pl.LazyFrame(
        {
            "run_id": [r[0] for r in rows],
            "sha256": [r[1] for r in rows],
            "file_name": [f"{r[1]}.xlsx" for r in rows],
            "line_no": [r[2] for r in rows],
            "field": ["quantity"] * len(rows),
            "value": ["-1"] * len(rows),
            "rule": [r[3] for r in rows],
            "reason_vi": ["vi"] * len(rows),
            "reason_en": ["en"] * len(rows),
        },
        schema_overrides={"line_no": pl.Int32},
    )


def files(*rows: tuple[str, str, str, bool]) -> pl.LazyFrame:
    """(sha256, tax_code, period, is_current) rows of stg_submissions__files."""
    return pl.LazyFrame(
        {
            "sha256": [r[0] for r in rows],
            "tax_code": [r[1] for r in rows],
            "period": [r[2] for r in rows],
            "is_current": [r[3] for r in rows],
        }
    )


def test_rejected_lines_of_the_revision_in_force_and_unreadable_files_of_the_run() -> None:
    got = report_notes.rpt_quarantined_lines(
        quarantine(
            ("r1", "old", 4, "negative"),  # superseded revision: not named any more
            ("r2", "new", 7, "negative"),
            ("r2", "new", 3, "unit"),
            ("r2", "junk", None, "unreadable"),  # a whole file: the run's period
            ("r3", "junk2", None, "unreadable"),  # a run that reported no period: none
        ),
        files(("old", "E1", "2026-09", False), ("new", "E1", "2026-09", True)),
        pl.LazyFrame({"run_id": ["r1", "r2", "r3"], "period": ["2026-09", "2026-10", None]}),
    ).collect()
    assert got.select("period", "tax_code", "file_name", "line_no").rows() == [
        ("2026-09", "E1", "new.xlsx", 3),
        ("2026-09", "E1", "new.xlsx", 7),
        ("2026-10", None, "junk.xlsx", None),
    ]


def test_a_file_sent_again_is_named_once_in_its_period() -> None:
    ledger = pl.LazyFrame(
        {
            "sha256": ["a", "a", "a", "b"],
            "file_name": ["x.xlsx", "x.xlsx", "x (1).xlsx", "y.xlsx"],
            "status": ["landed", "duplicate", "duplicate", "landed"],
        }
    )
    got = report_notes.rpt_duplicate_files(
        ledger, files(("a", "E1", "2026-10", True), ("b", "E2", "2026-10", True))
    ).collect()
    assert got["reporting_month"].dtype == pl.Date
    got = got.drop("reporting_month")
    assert got.rows() == [("2026-10", "x (1).xlsx"), ("2026-10", "x.xlsx")]


def test_restatements_are_named_in_the_period_that_reports_them() -> None:
    restatements = pl.LazyFrame(
        {
            "tax_code": ["E1", "E1"],
            "period": ["2026-08", "2026-10"],
            "named_in_period": ["2026-10", "2026-10"],
            "is_restatement": [True, False],  # a revision of the open month is no restatement
            "previous_revision": [1, 1],
            "revision": [2, 2],
            "previous_emissions_tco2e": [10.0, 5.0],
            "emissions_tco2e": [12.5, 6.0],
            "emissions_change_tco2e": [2.5, 1.0],
        }
    )
    names = pl.LazyFrame({"tax_code": ["E1"], "name_vi": ["Công ty A"]})
    got = report_notes.rpt_restatements(restatements, names).collect()
    assert got.select("period", "restated_period", "name_vi", "emissions_change_tco2e").rows() == [
        ("2026-10", "2026-08", "Công ty A", 2.5)
    ]


def test_a_factor_is_applied_to_whom_its_lines_belong_densities_included() -> None:
    emissions = pl.LazyFrame(
        {
            "period": ["2026-10"] * 3,
            "factor_id": ["GRID-VN-2023", "GRID-VN-2023", None],
            "tax_code": ["E1", "E2", "E3"],
        }
    )
    lines = pl.LazyFrame(
        {"period": ["2026-10", "2026-10"], "conversion_factor_id": ["DENS-JEC-DIESEL", None]},
    ).with_columns(tax_code=pl.lit("E2"))
    got = report_notes.rpt_factor_users(emissions, lines).collect().drop("reporting_month")
    assert got.rows() == [
        ("2026-10", "DENS-JEC-DIESEL", "E2"),
        ("2026-10", "GRID-VN-2023", "E1"),
        ("2026-10", "GRID-VN-2023", "E2"),
    ]


def test_the_method_lists_the_factors_used_with_their_published_digits() -> None:
    emissions = pl.LazyFrame(
        {
            "period": ["2026-09", "2026-10", "2026-10"],
            "factor_id": ["GRID-VN-2023", "GRID-VN-2023", "IPCC2006-STAT-DIESEL"],
        }
    )
    lines = pl.LazyFrame(
        {"period": ["2026-10"], "conversion_factor_id": ["DENS-JEC-DIESEL"]},
    )
    got = method.rpt_method_factors(
        emissions,
        lines,
        pl.LazyFrame({"period": ["2026-09", "2026-10"]}),
        reference("ref_grid_emission_factors"),
        reference("ref_fuel_combustion_factors"),
        reference("ref_mobile_combustion_factors"),
        reference("ref_scope2_instruments"),
        pl.LazyFrame(schema=dict.fromkeys(CONTRACT_COLUMNS, pl.String)).with_columns(
            pl.col("supplier_ef_tco2_per_mwh").cast(pl.Float64)
        ),
        reference("ref_fuel_densities"),
    ).collect()
    october = got.filter(pl.col("period") == "2026-10")
    assert october.select("factor_id", "part", "value", "digits").rows() == [
        ("GRID-VN-2023", "", 0.6592, 4),  # DCC's 2023 factor (domain-facts §3)
        ("IPCC2006-STAT-DIESEL", "NCV", 43.0, 1),  # IPCC 2006 Vol.2 Ch.1 Table 1.2
        ("IPCC2006-STAT-DIESEL", "CO₂", 74100.0, 0),  # Table 1.4
        ("IPCC2006-STAT-DIESEL", "CH₄", 3.0, 0),  # Ch.2 Table 2.3
        ("IPCC2006-STAT-DIESEL", "N₂O", 0.6, 1),
        ("SCOPE2-RESIDUAL-GRID-FALLBACK", "", None, 4),  # no residual mix: in every period
        ("DENS-JEC-DIESEL", "", 0.832, 5),
    ]
    september = got.filter(pl.col("period") == "2026-09")["factor_id"].to_list()
    assert september == ["GRID-VN-2023", "SCOPE2-RESIDUAL-GRID-FALLBACK"]


def test_a_report_is_dated_by_the_latest_arrival_for_its_month_or_earlier() -> None:
    arrivals = pl.LazyFrame(
        {
            "tax_code": ["E1", "E1", "E1", "E2"],
            "period": ["2026-09", "2026-10", "2026-09", "2026-10"],
            "received_at": [datetime(2026, 10, 10), datetime(2026, 11, 5), None, T],
            "landed_at": [T, T, datetime(2026, 11, 20), T],  # a revision of September
        }
    )
    periods = pl.LazyFrame({"period": ["2026-08", "2026-09", "2026-10"]})
    got = report_notes.rpt_data_as_of(arrivals, periods).collect().drop("reporting_month")
    assert got.rows() == [
        ("2026-09", "E1", datetime(2026, 11, 20)),
        ("2026-10", "E1", datetime(2026, 11, 20)),
        ("2026-10", "E2", T),
    ]


def test_the_pathway_and_annual_points_of_a_period_with_no_data_are_no_rows() -> None:
    empty = pl.LazyFrame({"period": []}, schema={"period": pl.String})
    monthly = pl.LazyFrame(
        {"period": [], "emissions_tco2e": [], "enterprises_with_emissions": []},
        schema={
            "period": pl.String,
            "emissions_tco2e": pl.Float64,
            "enterprises_with_emissions": pl.UInt32,
        },
    )
    annual = report_notes.rpt_province_annual(monthly, empty).collect()
    assert annual.is_empty() and annual.columns[0] == "period"


@pytest.mark.parametrize(("value", "digits"), [(74100.0, 0), (3.9, 1), (0.00067, 5), (None, 0)])
def test_a_factor_keeps_the_digits_it_was_published_with(value: float | None, digits: int) -> None:
    assert method._digits(value) == digits


def test_a_refused_file_with_a_period_typed_as_a_date_keeps_its_row_without_a_month() -> None:
    """An Excel date typed in the period column reaches staging as text: its rejected lines
    are kept (under that text), with no reporting month rather than a failed build."""
    got = report_notes.rpt_quarantined_lines(
        quarantine(("r1", "d", 2, "period_format")),
        files(("d", "E1", "2026-09-01 00:00:00", True)),
        pl.LazyFrame({"run_id": ["r1"], "period": ["2026-09"]}),
    ).collect()
    assert got.select("period", "reporting_month").rows() == [("2026-09-01 00:00:00", None)]


def test_a_file_seen_twice_has_one_receipt_row_from_when_first_seen() -> None:
    """A duplicate seen by a killed run and again by its rerun is one file with one receipt;
    a file seen as already landed names no new receipt."""
    first, again = datetime(2026, 11, 3, 1), datetime(2026, 11, 3, 2)
    ledger = pl.LazyFrame(
        {
            "file_name": ["a.csv", "a (copy).csv", "a (copy).csv", "a.csv"],
            "sha256": ["s1", "s1", "s1", "s1"],
            "status": ["landed", "duplicate", "duplicate", "already_landed"],
            "seen_at": [first, first, again, again],
        }
    )
    keys = pl.LazyFrame({"sha256": ["s1"], "tax_code": ["3700000001"], "period": ["2026-10"]})
    got = report_notes.rpt_receipts(ledger, keys).collect().drop("reporting_month")
    assert got.to_dicts() == [
        {"period": "2026-10", "tax_code": "3700000001", "file_name": "a (copy).csv",
         "sha256": "s1", "seen_at": first, "status": "duplicate"},
        {"period": "2026-10", "tax_code": "3700000001", "file_name": "a.csv",
         "sha256": "s1", "seen_at": first, "status": "landed"},
    ]  # fmt: skip
