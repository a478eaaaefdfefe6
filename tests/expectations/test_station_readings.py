"""Issue 17: the station suites catch each kind of defect in a station file's line, one
reason per mistake, and pass good lines (including a value taken while calibrating)."""

from datetime import datetime

import polars as pl
import pytest

from expectations import run_suite
from expectations.station_readings import (
    CHECKED,
    known_stations,
    prepared,
    suite,
    unique_suite,
    with_repeats,
)
from transforms.station_contract import COLUMNS

PARAMETERS = pl.DataFrame(
    {
        "parameter": ["pH", "TEMP", "COD", "FLOW_OUT"],
        "unit": ["pH", "°C", "mg/L", "m³/h"],
        "kind": ["range", "measure", "max", "volume"],
    }
)
LISTS = pl.DataFrame({"outlet_id": ["WW-1"] * 4, "parameter": ["pH", "TEMP", "COD", "FLOW_OUT"]})
KNOWN = known_stations(LISTS, PARAMETERS, started_at=datetime(2026, 11, 5, 3, 0))
GOOD = {
    "outlet_id": "WW-1",
    "parameter": "COD",
    "value": "42.5",
    "unit": "mg/L",
    "measured_at": "2026-10-01T07:05:00+07:00",
    "status": "measuring",
}


def failures(**changes: str | None) -> list[tuple[str, str]]:
    """(rule, field) for each failure of one good line changed as given."""
    lines = pl.DataFrame(
        [GOOD | {"parameter": "pH", "value": "7.1", "unit": "pH"}, GOOD | changes],
        schema=dict.fromkeys(COLUMNS, pl.String),
    ).with_columns(sha256=pl.lit("ab" * 32), line_no=pl.Series([2, 3], dtype=pl.Int32))
    outcome = run_suite(prepared(lines, KNOWN, PARAMETERS).select(CHECKED), suite(KNOWN))
    assert set(outcome.failures["row_key"].to_list()) <= {1}, "the good line must pass"
    return sorted(zip(outcome.failures["rule"], outcome.failures["field"], strict=True))


def test_good_lines_pass() -> None:
    assert failures() == []
    assert failures(unit="mg/l") == []  # the datalogger's spelling of the reference unit
    assert failures(parameter="FLOW_OUT", unit="m3/h", value="160") == []
    assert failures(measured_at="2026-10-01 07:05:00") == []  # no offset: Viet Nam's time
    assert failures(measured_at="2026-10-01T00:05:00Z") == []
    # kept, never judged: the marts count it as missing
    assert failures(status="calibrating", value="") == []
    assert failures(status="fault", value="9999") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"outlet_id": ""}, [("required_outlet_id", "outlet_id")]),
        ({"parameter": " "}, [("required_parameter", "parameter")]),
        ({"measured_at": ""}, [("required_measured_at", "measured_at")]),
        ({"status": ""}, [("required_status", "status")]),
        ({"outlet_id": "WW-9"}, [("known_outlet", "outlet_id")]),
        ({"parameter": "TSS"}, [("known_parameter", "parameter")]),
        ({"status": "maintenance"}, [("known_status", "status")]),
        ({"unit": "kg"}, [("unit_fits_parameter", "unit")]),
        ({"value": "42,5"}, [("value_is_number", "value")]),
        ({"value": ""}, [("value_when_measuring", "value")]),
        ({"parameter": "pH", "unit": "pH", "value": "15"}, [("value_in_range", "value")]),
        ({"parameter": "pH", "unit": "pH", "value": "-0.1"}, [("value_in_range", "value")]),
        ({"parameter": "TEMP", "unit": "°C", "value": "120"}, [("value_in_range", "value")]),
        ({"value": "-3"}, [("value_not_negative", "value")]),
        ({"measured_at": "01/10/2026 07:05"}, [("time_readable", "measured_at")]),
        ({"measured_at": "2026-11-05T10:30:00+07:00"}, [("time_not_future", "measured_at")]),
    ],
)
def test_each_defect_is_caught_once(
    changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert failures(**changes) == expected


def test_a_time_within_ten_minutes_of_the_run_is_not_the_future() -> None:
    assert failures(measured_at="2026-11-05T10:09:00+07:00") == []


def test_a_repeat_is_caught_in_the_batch_and_against_what_landed() -> None:
    at = datetime(2026, 10, 1, 0, 5)
    readings = pl.DataFrame(
        {
            "row_key": [0, 1, 2, 3],
            "outlet_id": ["WW-1"] * 4,
            "parameter": ["COD", "COD", "pH", "COD"],
            "measured_at": [at, at, at, datetime(2026, 10, 1, 0, 10)],
        }
    )
    landed = pl.DataFrame(
        {"outlet_id": ["WW-1"], "parameter": ["COD"], "measured_at": [datetime(2026, 10, 1, 0, 10)]}
    )
    outcome = run_suite(
        with_repeats(readings, landed).select("row_key", "is_repeat"), unique_suite()
    )
    assert sorted(outcome.failures["row_key"].to_list()) == [1, 3]
    assert set(outcome.failures["rule"]) == {"duplicate_reading"}
