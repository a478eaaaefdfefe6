"""The submission-lines suite catches each kind of defect, and passes good lines."""

import polars as pl
import pytest

from expectations import run_suite
from expectations.submission_lines import KnownCodes, prepared_lines, suite

KNOWN = KnownCodes(
    tax_codes=["3700000001"],
    activity_codes=["ELEC_GRID", "LPG_STATIONARY", "DIESEL_STATIONARY"],
    unit_codes=["kWh", "MWh", "kg", "t", "L"],
    activity_units=[
        "ELEC_GRID|kWh",
        "ELEC_GRID|MWh",
        "LPG_STATIONARY|kg",
        "LPG_STATIONARY|t",
        "DIESEL_STATIONARY|L",
    ],
    latest_period_index=2026 * 12 + 10,  # 2026-11
    first_factor_year=2014,
)
GOOD = {
    "sha256": "ab" * 32,
    "tax_code": "3700000001",
    "period": "2026-10",
    "revision": "1",
    "activity_code": "ELEC_GRID",
    "quantity": "125000",
    "unit": "kWh",
    "note": None,
}


def failures(**changes: str | None) -> list[tuple[str, str]]:
    """(rule, field) for each failure of one good line changed as given."""
    rows = [GOOD | {"note": "the good line"}, GOOD | changes]
    raw = pl.DataFrame(rows, schema=dict.fromkeys(GOOD, pl.String)).with_columns(
        line_no=pl.Series([2, 3], dtype=pl.Int32),
        # What the file speaks for (staging.stg_submissions__file_keys): the good line's.
        file_tax_code=pl.lit(GOOD["tax_code"]),
        file_period=pl.lit(GOOD["period"]),
        revision_is_newer=pl.lit(True),
    )
    outcome = run_suite(prepared_lines(raw, KNOWN), suite(KNOWN))
    assert set(outcome.failures["row_key"].to_list()) <= {1}, "the good line must pass"
    return sorted(zip(outcome.failures["rule"], outcome.failures["field"], strict=True))


def test_good_lines_pass() -> None:
    """It accepts a well-formed line."""
    assert failures() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"quantity": "-848761"}, [("quantity_non_negative", "quantity")]),
        ({"unit": "gallon"}, [("known_unit", "unit")]),
        ({"activity_code": "LPG_STATIONARY", "unit": "L"}, [("unit_fits_activity", "unit")]),
        ({"activity_code": "COAL"}, [("known_activity", "activity_code")]),
        ({"tax_code": "3799999999"}, [("known_enterprise", "tax_code")]),
        ({"tax_code": None}, [("required_tax_code", "tax_code")]),
        ({"period": "10/2026"}, [("period_format", "period")]),
        ({"period": "2027-01"}, [("period_not_future", "period")]),
        ({"quantity": "abc"}, [("quantity_numeric", "quantity")]),
        ({"quantity": "NaN"}, [("quantity_numeric", "quantity")]),
        ({"quantity": "inf"}, [("quantity_numeric", "quantity")]),
        ({"quantity": "1e308"}, [("quantity_numeric", "quantity")]),
        ({"quantity": "1,234"}, [("quantity_unambiguous", "quantity")]),
        ({"quantity": "5" + "0" * 13}, [("quantity_plausible", "quantity")]),
        ({"note": "x" * 10_000}, [("note_length", "note")]),
        ({"quantity": None}, [("required_quantity", "quantity")]),
        ({"revision": "2b"}, [("revision_format", "revision")]),
        # In a file of another month: that is said too.
        (
            {"period": "1990-05"},
            [("line_names_the_file_month", "period"), ("period_covered", "period")],
        ),
    ],
)
def test_each_defect_kind_is_caught_once(
    change: dict[str, str | None], expected: list[tuple[str, str]]
) -> None:
    """It names exactly the broken rule and field for each kind of bad line."""
    assert failures(**change) == expected


def test_every_failure_has_a_reason_in_both_languages() -> None:
    """It gives Vietnamese and English reasons for every failing line."""
    raw = pl.DataFrame(
        [GOOD | {"quantity": "-1", "unit": "gallon"}], schema=dict.fromkeys(GOOD, pl.String)
    ).with_columns(
        line_no=pl.Series([2], dtype=pl.Int32),
        file_tax_code=pl.lit(GOOD["tax_code"]),
        file_period=pl.lit(GOOD["period"]),
        revision_is_newer=pl.lit(True),
    )
    outcome = run_suite(prepared_lines(raw, KNOWN), suite(KNOWN))
    assert outcome.failures.height == 2
    for row in outcome.failures.iter_rows(named=True):
        assert row["reason_vi"] and row["reason_en"] and row["reason_vi"] != row["reason_en"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.5", 1234.5),
        ("1.234,5", 1234.5),  # Vietnamese notation: unambiguous with both separators
        ("1,234.5", 1234.5),  # English notation
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1,5", 1.5),  # a decimal comma
        ("1 234", 1234.0),  # spaces as thousands separators
        ("1.234", 1.234),  # the contract's decimal point
        ("1,234", None),  # 1234 or 1.234: refused, never guessed
        ("1e308", None),
        ("NaN", None),
    ],
)
def test_quantity_notations(text: str, value: float | None) -> None:
    """It reads Vietnamese and English number notations where they cannot be misread."""
    from transforms.submission_contract import quantity_value

    got = pl.select(quantity_value(pl.lit(text))).item()
    assert got == (pytest.approx(value) if value is not None else None)


def test_a_line_for_another_enterprise_or_month_is_refused() -> None:
    """It refuses, with its own reason, a line naming another registered enterprise or
    another month than its file: counted for neither, rather than on top of theirs."""
    known = KnownCodes(**{**KNOWN.__dict__, "tax_codes": ["3700000001", "3700000002"]})
    rows = [
        GOOD,
        GOOD | {"tax_code": "3700000002"},
        GOOD | {"period": "2026-09"},
        GOOD | {"tax_code": "3799999999"},  # unknown: the register rule says it, only it
    ]
    raw = pl.DataFrame(rows, schema=dict.fromkeys(GOOD, pl.String)).with_columns(
        line_no=pl.Series([2, 3, 4, 5], dtype=pl.Int32),
        file_tax_code=pl.lit(GOOD["tax_code"]),
        file_period=pl.lit(GOOD["period"]),
        revision_is_newer=pl.lit(True),
    )
    outcome = run_suite(prepared_lines(raw, known), suite(known))
    found = sorted(zip(outcome.failures["row_key"], outcome.failures["rule"], strict=True))
    assert found == [
        (1, "line_names_the_file_enterprise"),
        (2, "line_names_the_file_month"),
        (3, "known_enterprise"),
    ]


@pytest.mark.parametrize(
    ("change", "rule", "named"),
    [
        ({"period": "２０２６-１０"}, "plain_period", "non-ASCII digit «２» (FULLWIDTH DIGIT TWO"),
        ({"quantity": "1٢5"}, "plain_quantity", "non-ASCII digit «٢» (ARABIC-INDIC DIGIT TWO"),
        ({"revision": "２"}, "plain_revision", "type «2» instead"),
        ({"tax_code": "37000000０1"}, "plain_tax_code", "FULLWIDTH DIGIT ZERO, U+FF10"),
        ({"quantity": "−5"}, "plain_quantity", "character «−» (MINUS SIGN, U+2212)"),
    ],
)
def test_a_character_outside_ascii_is_named_and_is_the_only_reason(
    change: dict[str, str], rule: str, named: str
) -> None:
    """A number or code with a non-ASCII character is refused once, the character named:
    full-width digits used to crash a cast, Arabic-Indic ones landed as a null quantity."""
    from flows.validate import quarantine_rows

    raw = pl.DataFrame([GOOD | change], schema=dict.fromkeys(GOOD, pl.String)).with_columns(
        line_no=pl.Series([2], dtype=pl.Int32),
        file_name=pl.lit("f.csv"),
        file_tax_code=pl.lit(GOOD["tax_code"]),
        file_period=pl.lit(GOOD["period"]),
        revision_is_newer=pl.lit(True),
    )
    prepared = prepared_lines(raw, KNOWN)
    rows = quarantine_rows(prepared, run_suite(prepared, suite(KNOWN)).failures)
    assert rows["rule"].to_list() == [rule]
    assert named in rows["reason_en"].item()
    assert "ASCII" in rows["reason_vi"].item()


def test_a_dotted_thousand_is_refused_in_a_file_that_writes_decimal_commas() -> None:
    """In a file whose other quantities use Vietnamese notation, 4.321 used to land as
    4.321 although the writer meant 4321: refused as ambiguous there, read elsewhere."""
    rows = [
        GOOD | {"quantity": "1.234,5", "note": "vi notation"},
        GOOD | {"quantity": "4.321"},
    ]
    raw = pl.DataFrame(rows, schema=dict.fromkeys(GOOD, pl.String)).with_columns(
        line_no=pl.Series([2, 3], dtype=pl.Int32),
        file_tax_code=pl.lit(GOOD["tax_code"]),
        file_period=pl.lit(GOOD["period"]),
        revision_is_newer=pl.lit(True),
    )
    outcome = run_suite(prepared_lines(raw, KNOWN), suite(KNOWN))
    assert sorted(zip(outcome.failures["row_key"], outcome.failures["rule"], strict=True)) == [
        (1, "quantity_clear_in_file")
    ]
    assert failures(quantity="4.321") == []  # a file of plain decimals: the contract's point


def test_an_expectation_that_cannot_run_stops_the_suite_instead_of_passing_rows() -> None:
    """GX catches an expectation's error and reports it failed with no failing row, which
    read as "every row checked". The runner raises, naming the suite, the rule and why."""
    import great_expectations as gx

    from expectations import SuiteError

    named = gx.ExpectationSuite(name="broken")
    named.add_expectation(
        gx.expectations.ExpectColumnValuesToNotBeNull(column="absent", meta={"rule": "present"})
    )
    frame = pl.DataFrame({"row_key": [1, 2], "value": ["a", "b"]})
    with pytest.raises(SuiteError, match=r"broken: present: .*absent"):
        run_suite(frame, named)
