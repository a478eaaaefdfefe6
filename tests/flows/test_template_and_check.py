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
from report_templates.submission_template import CODES_SHEET, INSTRUCTIONS_SHEET, write_template
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
    assert "Được chấp nhận / file accepted" in ok.output
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


def workbook_xml(path: Path, part: str) -> str:
    return zipfile.ZipFile(path).read(part).decode()


def test_the_unit_list_follows_the_chosen_activity(tmp_path: Path) -> None:
    """The unit drop-down is INDIRECT("units_"&D): each activity's name covers exactly the
    units the contract accepts for it, canonical first (LPG has no litres; revenue is asked
    in bnVND, the unit the reports use), and each unit is named in Vietnamese and English."""
    import re

    import polars as pl

    from transforms import REFERENCE_DIR

    path = tmp_path / "t.xlsx"
    write_template(path, "3700000001", "2026-11")
    sheet = workbook_xml(path, "xl/worksheets/sheet1.xml")
    assert '<formula1>INDIRECT("units_"&amp;$D2)</formula1>' in sheet
    names = dict(
        re.findall(
            r'<definedName name="(units_[A-Z_0-9]+)">([^<]+)</definedName>',
            workbook_xml(path, "xl/workbook.xml"),
        )
    )
    codes = (
        fastexcel.read_excel(path.read_bytes())
        .load_sheet(CODES_SHEET, header_row=None, dtypes="string")
        .to_polars()
    )
    accepted = pl.read_csv(REFERENCE_DIR / "ref_activity_units.csv")
    for row in codes.rows()[1:]:
        activity, units = row[0], [u for u in row[5:] if u]
        expected = accepted.filter(pl.col("activity_code") == activity)["unit_code"].to_list()
        assert sorted(units) == sorted(expected), activity
        if units:
            r = codes.rows().index(row) + 1
            assert names[f"units_{activity}"].endswith(
                f"!$F${r}:${chr(ord('F') + len(units) - 1)}${r}"
            )
    lpg = next(r for r in codes.rows() if r[0] == "LPG_STATIONARY")
    assert "L" not in lpg[5:]
    revenue = next(r for r in codes.rows() if r[0] == "REVENUE")
    assert revenue[5] == "bnVND"
    assert "bnVND = tỷ đồng / billion VND" in revenue[4]


def test_the_filled_in_cells_are_locked_and_the_rest_is_free(tmp_path: Path) -> None:
    """The sheet is protected (no password): the header, tax code and period are locked,
    the revision and the columns an enterprise fills are not."""
    import re

    path = tmp_path / "t.xlsx"
    write_template(path, "3700000001", "2026-11")
    sheet = workbook_xml(path, "xl/worksheets/sheet1.xml")
    assert re.search(r'<sheetProtection sheet="1"[^>]*/>', sheet)
    assert "password" not in sheet
    styles = workbook_xml(path, "xl/styles.xml")
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, flags=re.S).group(1)  # type: ignore[union-attr]
    unlocked = [
        i for i, xf in enumerate(re.findall(r"<xf .*?(?:/>|</xf>)", xfs)) if 'locked="0"' in xf
    ]

    def style(cell: str) -> int:
        found = re.search(rf'<c r="{cell}"[^>]*?(?: s="(\d+)")?[^>]*?>', sheet)
        assert found, cell
        return int(found.group(1) or 0)

    assert style("A2") not in unlocked and style("B2") not in unlocked
    assert style("C2") in unlocked
    for column in "DEFG":
        found = re.search(rf'<col min="{" DEFG".index(column) + 3}"[^>]* style="(\d+)"', sheet)
        assert found and int(found.group(1)) in unlocked, column


def test_the_data_sheet_prints_on_a4_landscape_one_page_wide_with_its_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, "3700000001", "2026-11")
    sheet = workbook_xml(path, "xl/worksheets/sheet1.xml")
    assert '<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>' in sheet
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    book = workbook_xml(path, "xl/workbook.xml")
    assert '<definedName name="_xlnm.Print_Titles" localSheetId="0">\'Số liệu\'!$1:$1' in book
    assert '<definedName name="_xlnm.Print_Area" localSheetId="0">\'Số liệu\'!$A$1:$G$41' in book
    assert "MST 3700000001 · 2026-11" in sheet  # the page header


def test_a_template_says_whose_figures_by_when_and_whom_to_ask(data: Path, tmp_path: Path) -> None:
    """`netzero template` prints the enterprise's name from the register, the due date
    (NETZERO_DUE_DAY of the next month), the agency and its contact, and tells what happens
    once the file is sent (a receipt), not a command the enterprise does not have."""
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "template",
            "--tax-code",
            registered(data),
            "--period",
            "2026-11",
            "--out",
            str(out),
            "--data-dir",
            str(data),
        ],
        env={"NETZERO_AGENCY_CONTACT": "phong.khi-hau@example.invalid, 0274 000 0000"},
    )
    assert result.exit_code == 0, result.output
    guide = (
        fastexcel.read_excel(out.read_bytes())
        .load_sheet(INSTRUCTIONS_SHEET, header_row=None, dtypes="string")
        .to_polars()
    )
    text = " ".join(str(v) for row in guide.rows() for v in row if v)
    name = next(
        line.split(",")[1]
        for line in (data / "register" / "enterprises.csv").read_text().splitlines()[1:]
        if line.startswith(registered(data))
    )
    assert name in text
    assert "Hạn nộp: hết ngày 15/12/2026" in text and "Due by the end of 15/12/2026" in text
    assert "Sở Nông nghiệp và Môi trường" in text
    assert "phong.khi-hau@example.invalid, 0274 000 0000" in text
    assert "biên nhận song ngữ" in text and "bilingual receipt" in text
    assert "netzero check" not in text
    # Wrapped instruction rows carry their own height (LibreOffice does not grow them).
    instructions = workbook_xml(out, "xl/worksheets/sheet2.xml")
    assert instructions.count('customHeight="1"') >= len(guide.rows()) - 1


LIBREOFFICE = Path(__file__).parent / "fixtures" / "libreoffice"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_template_filled_and_saved_by_libreoffice_lands_the_figures_typed(
    data: Path, suffix: str
) -> None:
    """Filled in LibreOffice Calc and saved by it, as .xlsx and as its CSV export
    (scripts/libreoffice_roundtrip.py made the fixtures): every line is accepted, with the
    very figures, units and notes typed."""
    import json

    import polars as pl

    from transforms.submission_contract import quantity_value

    typed = json.loads((LIBREOFFICE / "typed.json").read_text(encoding="utf-8"))
    assert typed["tax_code"] == registered(data)
    path = LIBREOFFICE / f"{typed['tax_code']}_{typed['period']}{suffix}"
    result = check_file(path, Settings(data_dir=data))
    assert result.accepted, result.rejected.to_dicts()
    lines = parse_submission(path.name, path.read_bytes()).lines.with_columns(
        value=quantity_value(pl.col("quantity"))
    )
    landed = [
        {
            "activity_code": r["activity_code"],
            "quantity": r["value"],
            "unit": r["unit"],
            "note": r["note"] or None,
        }
        for r in lines.to_dicts()
    ]
    assert landed == typed["lines"]
    assert set(lines["tax_code"]) == {typed["tax_code"]}
    assert set(lines["period"]) == {typed["period"]}
