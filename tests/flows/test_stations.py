"""Issue 17: the wastewater stations' files land like the submissions — fingerprinted, each
reading with its file and line, every rejected line or file said why in both languages,
nothing lost, a rerun lands nothing twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo.generate import DemoSpec, generate_demo
from flows.reference import load_reference
from flows.settings import Settings
from flows.stations import land_station_files

HEADER = "outlet_id,parameter,value,unit,measured_at,status\n"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2))
    park = (data / "register" / "industrial_parks.csv").read_text(encoding="utf-8")
    park_code = park.splitlines()[1].split(",")[0]
    (data / "register" / "monitoring_outlets.csv").write_text(
        "outlet_id,name_vi,name_en,park_code,tax_code,permit_number,permit_date,standard,"
        "column_code,kq,kf,parameters,interval_minutes,design_flow_m3_per_day\n"
        f"WW-1,Trạm XLNT tập trung,Central WWTP,{park_code},,12/GPMT-UBND,2024-05-10,"
        "QCVN 40:2011/BTNMT,A,0.9,1.0,pH;COD;FLOW_OUT,5,4000\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    settings.stations_inbox.mkdir()
    return settings


def drop(settings: Settings, name: str, text: str) -> Path:
    path = settings.stations_inbox / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(settings: Settings, query: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(query).fetchall()


def test_station_files_land_once_and_every_rejected_line_says_why(settings: Settings) -> None:
    drop(
        settings,
        "WW-1_20261001T0705.csv",
        HEADER
        + "WW-1,COD,42.5,mg/l,2026-10-01T07:05:00+07:00,measuring\n"
        + "WW-1,pH,7.1,pH,2026-10-01T07:05:00+07:00,measuring\n"
        + "WW-1,FLOW_OUT,160,m3/h,2026-10-01T07:05:00+07:00,measuring\n"
        + "WW-1,COD,,mg/L,2026-10-01T07:00:00+07:00,calibrating\n",
    )
    drop(
        settings,
        "WW-1_20261001T0710.csv",
        HEADER
        + "WW-1,pH,15,pH,2026-10-01T07:10:00+07:00,measuring\n"  # pH beyond 14
        + "WW-1,COD,40,mg/L,2026-10-01T07:05:00+07:00,measuring\n"  # already received
        + "WW-9,COD,40,mg/L,2026-10-01T07:10:00+07:00,measuring\n"  # unknown outlet
        + "WW-1,TSS,40,mg/L,2026-10-01T07:10:00+07:00,measuring\n"  # not on its list
        + "WW-1,COD,40,kg,2026-10-01T07:10:00+07:00,measuring\n"  # wrong unit
        + "WW-1,COD,41,mg/L,2026-10-01T07:10:00+07:00,measuring\n",
    )
    drop(settings, "notes.txt", "this is not a station file\n")
    result = land_station_files.fn(settings, "run-1")
    assert (result.files_landed, result.files_rejected, result.readings) == (2, 1, 5)
    assert result.lines_rejected == 5
    readings = rows(
        settings,
        "select line_no, parameter, measured_at, value, unit, status from raw.station_readings "
        "order by sha256, line_no",
    )
    assert ("COD", 42.5, "mg/L", "measuring") in [(r[1], r[3], r[4], r[5]) for r in readings]
    assert ("FLOW_OUT", 160.0, "m³/h") in [(r[1], r[3], r[4]) for r in readings]
    # Viet Nam's 07:05 is 00:05 UTC; the calibrating value is kept, without a number
    assert {str(r[2]) for r in readings} >= {"2026-10-01 00:05:00"}
    assert any(r[5] == "calibrating" and r[3] is None for r in readings)
    said = rows(
        settings,
        "select file_name, line_no, rule, field, value, reason_vi, reason_en "
        "from ops.station_quarantine order by file_name, line_no, rule",
    )
    by_rule = {r[2]: r for r in said}
    assert by_rule["value_in_range"][1:5] == (2, "value_in_range", "value", "15")
    assert "0–14" in by_rule["value_in_range"][6]
    assert by_rule["duplicate_reading"][1] == 3
    assert by_rule["known_outlet"][4] == "WW-9"
    assert by_rule["known_parameter"][4] == "TSS"
    assert by_rule["unit_fits_parameter"][5].endswith("cần mg/L")
    assert by_rule["station_file_readable"][0] == "notes.txt"
    assert all(r[5] and r[6] for r in said)  # both languages, every row
    files = rows(
        settings,
        "select file_name, line_count, readings, rejected_lines from raw.station_files "
        "order by file_name",
    )
    assert files == [("WW-1_20261001T0705.csv", 4, 4, 0), ("WW-1_20261001T0710.csv", 6, 1, 5)]
    # every line is a reading or a quarantine row: nothing lost
    assert sum(f[1] for f in files) == len(readings) + len({(r[0], r[1]) for r in said if r[1]})
    assert list(settings.stations_inbox.iterdir()) == []
    assert len(list((settings.archive / "stations").glob("*.csv"))) == 2
    assert len(list((settings.data_dir / "rejected" / "stations").iterdir())) == 1

    # the same files sent again, and a new one repeating a landed reading
    drop(
        settings,
        "again.csv",
        HEADER + "WW-1,COD,42.5,mg/l,2026-10-01T07:05:00+07:00,measuring\n"
        "WW-1,pH,7.1,pH,2026-10-01T07:05:00+07:00,measuring\n"
        "WW-1,FLOW_OUT,160,m3/h,2026-10-01T07:05:00+07:00,measuring\n"
        "WW-1,COD,,mg/L,2026-10-01T07:00:00+07:00,calibrating\n",
    )
    drop(settings, "repeat.csv", HEADER + "WW-1,pH,7.2,pH,2026-10-01T07:05:00+07:00,measuring\n")
    again = land_station_files.fn(settings, "run-2")
    assert (again.files_landed, again.files_skipped, again.readings) == (1, 1, 0)
    assert rows(settings, "select count(*) from raw.station_readings") == [(5,)]
    assert rows(settings, "select rule from ops.station_quarantine where run_id = 'run-2'") == [
        ("duplicate_reading",)
    ]
    # a batch of nothing but files landed before (a rerun after a crash) lands nothing
    drop(
        settings,
        "again-2.csv",
        (settings.archive / "stations").glob("*.csv").__next__().read_text(),
    )
    third = land_station_files.fn(settings, "run-3")
    assert (third.files_skipped, third.readings, third.lines_rejected) == (1, 0, 0)


def test_a_built_warehouse_judges_the_days_and_names_the_episode(settings: Settings) -> None:
    """Two days of five-minute readings from WW-1 (COD limit 75 × 0.9 × 1.0 = 67.5 mg/L):
    day 1 at 60 mg/L, day 2 at 81 mg/L (1.2 × the limit), flow 10 m³/h throughout; the
    station calibrates for the last hour of day 2. Built through the real models."""
    from datetime import datetime, timedelta

    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox

    lines = []
    start = datetime(2026, 10, 1)  # Viet Nam's midnight
    for step in range(2 * 288):
        at = start + timedelta(minutes=5 * step)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S+07:00")
        calibrating = at >= datetime(2026, 10, 2, 23)
        status = "calibrating" if calibrating else "measuring"
        cod = 60.0 if at.day == 1 else 81.0
        lines.append(f"WW-1,COD,{cod},mg/L,{stamp},{status}")
        lines.append(f"WW-1,FLOW_OUT,10,m3/h,{stamp},measuring")
        lines.append(f"WW-1,pH,7.0,pH,{stamp},measuring")
    drop(settings, "WW-1_2026-10-01.csv", HEADER + "\n".join(lines) + "\n")
    ingest_inbox.fn(settings, "run-1")
    land_station_files.fn(settings, "run-1")
    build_warehouse.fn(settings)
    daily = rows(
        settings,
        "select day, parameter, value, valid_hours, status, ratio from "
        "marts.fct_wastewater_daily where parameter = 'COD' order by day",
    )
    assert [(str(d[0]), d[2], d[3], d[4]) for d in daily] == [
        ("2026-10-01", 60.0, 24, "compliant"),
        ("2026-10-02", 81.0, 23, "exceeded"),  # the calibrating hour is not counted
    ]
    assert daily[1][5] == pytest.approx(81 / 67.5)
    episodes = rows(
        settings,
        "select parameter, first_day, last_day, days, peak_value, period "
        "from marts.fct_wastewater_episodes",
    )
    assert [(e[0], str(e[1]), str(e[2]), e[3], e[4], e[5]) for e in episodes] == [
        ("COD", "2026-10-02", "2026-10-02", 1, 81.0, "2026-10")
    ]
    complete = dict(
        (p, (v, c, e))
        for p, v, c, e in rows(
            settings,
            "select parameter, valid_intervals, calibrating_intervals, expected_intervals "
            "from marts.fct_wastewater_completeness where period = '2026-10'",
        )
    )
    assert complete["COD"] == (2 * 288 - 12, 12, 31 * 288)
    assert complete["FLOW_OUT"] == (2 * 288, 0, 31 * 288)
    loads = rows(
        settings,
        "select parameter, days_known, load_kg, load_lower_bound_kg, volume_m3, "
        "volume_lower_bound_m3 from marts.fct_wastewater_loads where period = '2026-10' "
        "and parameter = 'COD'",
    )
    # 240 m³ a day; 60 × 240 / 1000 + 81 × 240 / 1000 = 33.84 kg over 2 of October's 31 days
    assert loads[0][:2] == ("COD", 2) and loads[0][2] is None and loads[0][4] is None
    assert loads[0][3] == pytest.approx(33.84)
    assert loads[0][5] == pytest.approx(480.0)
    # what the reports read: never "compliant" on a month mostly unknown
    verdicts = dict(
        rows(
            settings,
            "select parameter, verdict from reports.rpt_wastewater_parameters "
            "where period = '2026-10'",
        )
    )
    assert verdicts == {"COD": "exceeded", "pH": "incomplete", "FLOW_OUT": "no_limit"}
    outlet = rows(
        settings,
        "select verdict, parameters_exceeded, days_exceeded, episodes, volume_m3, "
        "volume_lower_bound_m3, round(lowest_valid_share, 4) from reports.rpt_wastewater_outlets "
        "where period = '2026-10'",
    )
    assert outlet == [("exceeded", "COD", 1, 1, None, 480.0, round(564 / 8928, 4))]


LAB_HEADER = "sample_id,outlet_id,sampled_at,parameter,value,unit,laboratory,method\n"


def test_a_laboratory_s_results_land_are_judged_alone_and_make_an_exceedance(
    settings: Settings,
) -> None:
    """A lab file in the same drop folder (contract lab-1): WW-1's COD limit is
    75 × 0.9 × 1.0 = 67.5 mg/L; BOD5, which its station does not report, 30 × 0.9 = 27."""
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox

    drop(
        settings,
        "lab_2026-10.csv",
        LAB_HEADER
        + "S-07,WW-1,2026-10-07T09:30:00+07:00,COD,90,mg/L,Lab A,SMEWW 5220C\n"  # 1.33 ×
        + "S-07,WW-1,2026-10-07T09:30:00+07:00,BOD5,20,mg/l,Lab A,SMEWW 5210B\n"
        + "S-07,WW-1,2026-10-07T09:30:00+07:00,pH,15,pH,Lab A,TCVN 6492\n"  # beyond 14
        + "S-07,WW-1,2026-10-07T09:30:00+07:00,XYZ,1,mg/L,Lab A,\n"  # not a parameter
        + "S-21,WW-1,2026-10-21T09:30:00+07:00,COD,50,mg/L,,SMEWW 5220C\n"  # no laboratory
        + "S-07,WW-1,2026-10-07T09:30:00+07:00,COD,91,mg/L,Lab A,SMEWW 5220C\n",  # again
    )
    result = land_station_files.fn(settings, "run-1")
    assert (result.files_landed, result.lab_results, result.lines_rejected) == (1, 2, 4)
    said = {
        r[0]: r[1:]
        for r in rows(
            settings,
            "select rule, line_no, field, value, reason_vi, reason_en from ops.station_quarantine",
        )
    }
    assert said["value_in_range"][:3] == (4, "value", "15")
    assert said["known_lab_parameter"][:3] == (5, "parameter", "XYZ")
    assert said["required_laboratory"][:2] == (6, "laboratory")
    assert said["duplicate_result"][:3] == (7, "sample_id", "S-07")
    assert all(r[3] and r[4] for r in said.values())
    assert rows(settings, "select contract_version from raw.station_files") == [("lab-1",)]

    ingest_inbox.fn(settings, "run-1")
    build_warehouse.fn(settings)
    judged = rows(
        settings,
        "select parameter, value, limit_max, basis, status, ratio "
        "from marts.fct_wastewater_lab_results order by parameter",
    )
    assert [(j[0], j[1], j[3], j[4]) for j in judged] == [
        ("BOD5", 20.0, "standard_kq_kf", "compliant"),
        ("COD", 90.0, "standard_kq_kf", "exceeded"),
    ]
    assert judged[0][2] == pytest.approx(27.0)
    assert judged[1][5] == pytest.approx(90 / 67.5)
    per_parameter = {
        r[0]: r[1:]
        for r in rows(
            settings,
            "select parameter, verdict, lab_samples, lab_exceeded, days_judged "
            "from reports.rpt_wastewater_parameters where period = '2026-10'",
        )
    }
    # the station sent nothing: COD is exceeded on the lab's word alone; BOD5, tested only
    # by the lab, is within its limit in the samples, never "compliant" for the month
    assert per_parameter["COD"] == ("exceeded", 1, 1, 0)
    assert per_parameter["BOD5"] == ("lab_within", 1, 0, 0)
    assert per_parameter["pH"][:2] == ("incomplete", 0)
    outlet = rows(
        settings,
        "select verdict, parameters_exceeded, lab_samples, lab_exceeded "
        "from reports.rpt_wastewater_outlets where period = '2026-10'",
    )
    assert outlet == [("exceeded", "COD", 2, 1)]


@pytest.mark.e2e
def test_the_monthly_run_names_the_exceedance_in_the_park_and_province_pdfs(province) -> None:  # type: ignore[no-untyped-def]
    """The session's demo run (tests/flows/conftest.py: a station with two days of readings,
    COD over its limit on the second, and a lab sample over it): the park report's PDF names
    the outlet, the parameter and the episode, and the province's page one names the outlet
    with what to do."""
    import subprocess

    outbox = province.reference / "outbox" / "2026-10"
    parks = (province.reference / "register" / "industrial_parks.csv").read_text(encoding="utf-8")
    park_pdf = outbox / "parks" / f"{parks.splitlines()[1].split(',')[0]}_2026-10.pdf"

    def text(pdf: Path, pages: str = "") -> str:
        args = ["pdftotext", "-layout", *(["-f", pages, "-l", pages] if pages else [])]
        out = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True).stdout
        return " ".join(out.decode().split())

    park = text(park_pdf)
    assert "Trạm xử lý nước thải tập trung thử nghiệm" in park
    assert "Vượt giới hạn cho phép" in park and "Exceeded its permitted limit" in park
    # the episode, its day and peak against the limit, and the lab sample
    assert "02/10/2026 (1 ngày / days)" in park
    assert "81,0 mg/L = 1,20 × giới hạn / the limit 67,5" in park
    assert "S-02 · 02/10/2026 09:30 (UTC+7): 88,0 mg/L" in park
    first_page = text(outbox / "province_2026-10.pdf", "1") + text(
        outbox / "province_2026-10.pdf", "2"
    )
    assert "Điểm xả nước thải cần xử lý Wastewater outlets to act on (1)" in first_page
    assert (
        "Wastewater outlets: Vượt giới hạn cho phép / Exceeded its permitted limit 1" in first_page
    )
    assert "Trạm xử lý nước thải tập trung thử nghiệm" in first_page


@pytest.mark.e2e
def test_the_analysts_copies_carry_the_wastewater_tables(province) -> None:  # type: ignore[no-untyped-def]
    """The published snapshot holds every wastewater table, the readings included; the
    Parquet export the marts and report tables, with their comments."""
    published = province.reference / "published"
    with duckdb.connect(str(published / "netzero.duckdb"), read_only=True) as con:
        counts = dict(
            con.execute(
                "select 'readings', count(*) from raw.station_readings union all "
                "select 'lab', count(*) from raw.lab_results union all "
                "select 'episodes', count(*) from marts.fct_wastewater_episodes"
            ).fetchall()
        )
        parquet = published / "parquet"
        daily, comment = con.execute(
            "select (select count(*) from read_parquet(?)), "
            "(select value from parquet_kv_metadata(?) where key = 'comment')",
            [str(parquet / "marts" / "fct_wastewater_daily.parquet")] * 2,
        ).fetchone()  # type: ignore[misc]
        outlets = con.execute(
            "select outlet_id, verdict from read_parquet(?) where period = '2026-10'",
            [str(parquet / "reports" / "rpt_wastewater_outlets.parquet")],
        ).fetchall()
    assert counts == {"readings": 48 * 12 * 3, "lab": 1, "episodes": 1}
    assert daily == 3 * 2  # COD, pH and flow, two days
    assert b"daily average" in comment
    assert [verdict for _, verdict in outlets] == ["exceeded"]
