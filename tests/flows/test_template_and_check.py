"""The Excel template, the three forms landing identically, and `netzero check`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import fastexcel
import pytest
from typer.testing import CliRunner

from demo.generate import DemoSpec, generate_demo
from demo.submissions import Line
from demo.writers import WRITERS
from flows.check import check_file
from flows.cli import app
from flows.parsers import UnreadableFile, parse_submission
from flows.settings import Settings
from flows.template import CODES_SHEET, INSTRUCTIONS_SHEET, write_template
from transforms.submission_contract import COLUMNS, XLSX_SHEET

LINES = [
    Line("ELEC_GRID", 125_000, "kWh", "Theo hóa đơn tiền điện EVN"),
    Line("DIESEL_STATIONARY", 250.5, "L"),
    Line("NATURAL_GAS_STATIONARY", 321.6, "GJ", "Hóa đơn khí"),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("check") / "data"
    generate_demo(root, DemoSpec(enterprises=9, months=2))
    return root


def registered(data: Path) -> str:
    return (data / "register" / "enterprises.csv").read_text().splitlines()[1].split(",")[0]


def test_template_has_the_contract_sheets_lists_and_number_cells(tmp_path: Path) -> None:
    """It writes data, instructions and code sheets, bilingual headers, and three validations
    (activity list, unit list, non-negative number)."""
    path = tmp_path / "t.xlsx"
    write_template(path, "3700000001", "2026-11")
    reader = fastexcel.read_excel(path.read_bytes())
    assert reader.sheet_names == [XLSX_SHEET, INSTRUCTIONS_SHEET, CODES_SHEET]
    header = reader.load_sheet(XLSX_SHEET, header_row=None, dtypes="string").to_polars().row(0)
    assert list(header) == [c.label for c in COLUMNS]
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count("<dataValidation ") == 3
    assert 'type="decimal" operator="greaterThanOrEqual"' in sheet_xml
    codes = reader.load_sheet(CODES_SHEET).to_polars()
    assert "WOOD_STATIONARY" in codes.to_series(0).to_list()


def test_an_unfilled_template_is_rejected_as_having_no_lines(tmp_path: Path) -> None:
    """It refuses a template with only the enterprise and month filled in, saying why."""
    path = tmp_path / "t.xlsx"
    write_template(path, "3700000001", "2026-11")
    with pytest.raises(UnreadableFile) as error:
        parse_submission(path.name, path.read_bytes())
    assert "no data lines" in error.value.reason_en
    assert "không có dòng số liệu" in error.value.reason_vi


def test_the_three_forms_land_identically(tmp_path: Path) -> None:
    """It reads the filled template, the CSV and the JSON of the same month to the same lines."""
    parsed = {}
    for fmt, write in WRITERS.items():
        path = tmp_path / f"s.{fmt}"
        write(path, "3700000001", "2026-10", 1, LINES)
        parsed[fmt] = parse_submission(path.name, path.read_bytes()).lines.drop("line_no")
    assert parsed["xlsx"].rows() == parsed["csv"].rows() == parsed["json"].rows()
    assert parsed["xlsx"].row(2) == (
        "3700000001",
        "2026-10",
        "1",
        "NATURAL_GAS_STATIONARY",
        "321.6",
        "GJ",
        "Hóa đơn khí",
    )


def test_check_accepts_a_good_file_and_lands_nothing(data: Path) -> None:
    """It accepts a demo submission and writes no warehouse and moves no file."""
    inbox = sorted((data / "inbox").iterdir())
    # The demo's deliberate defects sit in the last month (2026-10); 2026-09 is clean.
    good = next(p for p in inbox if "_2026-09." in p.name)
    result = check_file(good, Settings(data_dir=data))
    assert result.lines > 0
    assert result.accepted
    assert not (data / "warehouse").exists()
    assert sorted((data / "inbox").iterdir()) == inbox


def test_check_names_each_bad_line_field_and_rule(data: Path, tmp_path: Path) -> None:
    """It reports the row, field, value and bilingual reason of every broken rule."""
    tax = registered(data)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "tax_code,period,revision,activity_code,quantity,unit,note\n"
        f"{tax},2026-10,1,ELEC_GRID,-5,kWh,\n"
        f"{tax},2026-10,1,LPG_STATIONARY,100,L,\n"
        f"{tax},2026-10,1,DIESEL_STATIONARY,12,gallon,\n",
        encoding="utf-8",
    )
    result = check_file(bad, Settings(data_dir=data))
    found = {(r["line_no"], r["field"], r["value"], r["rule"]) for r in result.rejected.to_dicts()}
    assert found == {
        (2, "quantity", "-5", "quantity_non_negative"),
        (3, "unit", "L", "unit_fits_activity"),
        (4, "unit", "gallon", "known_unit"),
    }
    assert all(r["reason_vi"] and r["reason_en"] for r in result.rejected.to_dicts())


def test_check_cli_exit_codes(data: Path, tmp_path: Path) -> None:
    """It exits 0 on a good file, 1 on a bad or unreadable one, with a bilingual verdict."""
    tax = registered(data)
    good = tmp_path / "good.json"
    WRITERS["json"](good, tax, "2026-09", 1, LINES)
    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(good), "--data-dir", str(data)])
    assert ok.exit_code == 0, ok.output
    assert "Được chấp nhận / accepted" in ok.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a spreadsheet")
    refused = runner.invoke(app, ["check", str(junk), "--data-dir", str(data)])
    assert refused.exit_code == 1
    assert "Tệp bị từ chối / file rejected" in refused.output
    # As an enterprise runs it: only the verdict, no library chatter on either stream.
    import subprocess
    import sys

    alone = subprocess.run(
        [str(Path(sys.executable).parent / "netzero"), "check", str(good), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert alone.returncode == 0
    assert "ephemeral docs site" not in alone.stdout + alone.stderr
    assert alone.stderr == "", alone.stderr


def test_template_cli_writes_a_workbook_the_parser_reads(tmp_path: Path) -> None:
    """It writes <tax>_<period>.xlsx where asked, and refuses a malformed period."""
    out = tmp_path / "mine.xlsx"
    runner = CliRunner()
    result = runner.invoke(
        app, ["template", "--tax-code", "3700000001", "--period", "2026-11", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert fastexcel.read_excel(out.read_bytes()).sheet_names[0] == XLSX_SHEET
    bad = runner.invoke(app, ["template", "--tax-code", "1", "--period", "11/2026"])
    assert bad.exit_code == 2


def test_the_contract_page_is_current() -> None:
    """It finds docs/submission-contract.md equal to what `netzero dictionary` writes."""
    from flows import contract_doc

    page = Path(__file__).parents[2] / "docs" / "submission-contract.md"
    assert page.read_text(encoding="utf-8") == contract_doc.render()


def test_a_template_for_an_unregistered_tax_code_says_it_will_be_refused(
    data: Path, tmp_path: Path
) -> None:
    """`netzero template --tax-code 123` used to write the template without a word."""
    runner = CliRunner()
    unknown = runner.invoke(
        app,
        [
            "template",
            "--tax-code",
            "123",
            "--period",
            "2026-11",
            "--out",
            str(tmp_path / "u.xlsx"),
            "--data-dir",
            str(data),
        ],
        env={"COLUMNS": "200"},
    )
    assert unknown.exit_code == 0 and (tmp_path / "u.xlsx").exists()
    said = " ".join(unknown.output.split())
    assert "tax code 123 is not in the enterprise register" in said
    assert "mã số thuế 123 không có trong danh sách doanh nghiệp" in said
    known = runner.invoke(
        app,
        [
            "template",
            "--tax-code",
            registered(data),
            "--period",
            "2026-11",
            "--out",
            str(tmp_path / "k.xlsx"),
            "--data-dir",
            str(data),
        ],
    )
    assert known.exit_code == 0 and "not in the enterprise register" not in known.output
