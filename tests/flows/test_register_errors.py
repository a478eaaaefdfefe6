"""The agency's register (issue 13): a register re-saved by Excel reads as it was, and each
mistake in it is named by file, row and field in both languages, before anything lands."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from demo.generate import DemoSpec, generate_demo
from flows.cli import app
from flows.reference import RegisterInvalid, load_reference, read_register
from flows.settings import Settings


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    generate_demo(root, DemoSpec(enterprises=9, months=2))
    return root


def excel_resave(path: Path) -> None:
    """What Excel on a Vietnamese Windows writes for "CSV UTF-8" with a ';' list separator:
    a BOM, semicolons, CRLF line ends."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def reference(settings: Settings) -> list[tuple[object, ...]]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return [
            con.execute(f"select * from reference.ref_{name} order by all").fetchall()
            for name in ("enterprises", "industrial_parks", "electricity_contracts")
        ]


def test_a_register_resaved_by_excel_reads_as_it_was(data: Path, tmp_path: Path) -> None:
    """A BOM and semicolons used to end in a traceback naming no row."""
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    before = reference(settings)
    for path in (data / "register").glob("*.csv"):
        excel_resave(path)
    load_reference.fn(settings)
    assert reference(settings) == before


def break_register(data: Path) -> None:
    import csv
    import io

    enterprises = data / "register" / "enterprises.csv"
    rows = list(csv.reader(io.StringIO(enterprises.read_text(encoding="utf-8"))))
    header = rows[0]
    rows[3][0] = rows[1][0]  # row 4 repeats row 2's tax code
    rows[4][header.index("park_code")] = "NOWHERE"  # row 5: unknown park
    rows[5][header.index("baseline_year")] = "20x1"  # row 6: not a year
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    enterprises.write_text(out.getvalue(), encoding="utf-8")


def test_each_register_mistake_is_named_by_file_row_and_field(data: Path) -> None:
    break_register(data)
    with pytest.raises(RegisterInvalid) as raised:
        read_register(Settings(data_dir=data))
    where = {(p.file, p.row, p.field) for p in raised.value.problems}
    assert where == {
        ("enterprises.csv", 4, "tax_code"),
        ("enterprises.csv", 5, "park_code"),
        ("enterprises.csv", 6, "baseline_year"),
    }
    said = raised.value.detail
    assert "enterprises.csv, dòng 4, cột tax_code" in said and "lặp lại (đã có ở dòng 2)" in said
    assert "enterprises.csv, row 5, field park_code «NOWHERE»: not a known value" in said
    assert "enterprises.csv, row 6, field baseline_year «20x1»: must be a whole number" in said


@pytest.mark.e2e
def test_a_run_on_a_broken_register_stops_plainly_and_loses_nothing(
    data: Path, prefect_server: None
) -> None:
    """`netzero run` and `netzero check` both name the mistakes, in both languages, without a
    traceback; the inbox is untouched and the run is recorded as stopped."""
    break_register(data)
    inbox = sorted(p.name for p in (data / "inbox").iterdir())
    result = CliRunner().invoke(app, ["run", "--data-dir", str(data)])
    assert result.exit_code == 1
    ours = result.output[result.output.rindex("netzero run:") :]
    assert "Danh sách đăng ký có 3 lỗi" in ours and "The register has 3 mistakes" in ours
    assert "enterprises.csv, row 5, field park_code «NOWHERE»" in ours
    assert "Traceback" not in ours
    assert sorted(p.name for p in (data / "inbox").iterdir()) == inbox
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        status, reason = con.execute("select status, stopped_reason from ops.runs").fetchone()
        assert con.execute("select count(*) from raw.submission_files").fetchone() == (0,)
    assert status == "stopped" and "The register has 3 mistakes" in reason

    checked = CliRunner().invoke(
        app, ["check", str(data / "inbox" / inbox[0]), "--data-dir", str(data)]
    )
    assert checked.exit_code == 2
    assert "enterprises.csv, dòng 6, cột baseline_year «20x1»" in checked.output


def test_check_without_a_register_says_where_it_looked(tmp_path: Path) -> None:
    """`netzero check` run outside the data folder used to end in a traceback: it names the
    register files it looked for and the option that points it to them."""
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "tax_code,period,activity_code,quantity,unit\n3700000001,2026-09,ELEC_GRID,1,kWh\n"
    )
    result = CliRunner().invoke(app, ["check", str(sample), "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"{tmp_path / 'none' / 'register' / 'enterprises.csv'}: file not found" in said
    assert "choose the data folder with --data-dir" in said and "Traceback" not in said
