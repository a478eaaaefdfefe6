"""One sheet of truth and no formula ever lands (issue 13): a workbook is read from the
contract's data sheet only, hidden or misplaced figures are refused naming the sheet, and a
formula is found whatever its XML prefix, part path or file format. Through the real intake
(load reference, ingest, validate, receipts)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from tests.flows.test_bad_input import HEADER, Intake
from transforms.submission_contract import XLSX_SHEET


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(tmp_path / "data")


Sheets = list[tuple[str, list[list[object]], bool]]  # (name, rows after the header, hidden)


def book(sheets: Sheets) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows, hidden in sheets:
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, HEADER.strip().split(","))
        for number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    sheet.write_formula(number, col, value, None, 0)
                else:
                    sheet.write(number, col, value)
        if hidden:
            sheet.hide()
    # xlsxwriter will not hide the active sheet: activate the first visible one.
    first_visible = next(i for i, (_, _, hidden) in enumerate(sheets) if not hidden)
    workbook.worksheets()[first_visible].activate()
    workbook.close()
    return buffer.getvalue()


def rewrite(data: bytes, change: Callable[[str, bytes], tuple[str, bytes]]) -> bytes:
    """The same workbook with each part renamed or rewritten by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            name, body = change(entry.filename, src.read(entry))
            dst.writestr(name, body)
    return out.getvalue()


def line(tax: str, kwh: object) -> list[object]:
    return [tax, "2026-09", "1", "ELEC_GRID", kwh, "kWh", ""]


def landed_kwh(intake: Intake, name: str) -> list[tuple[str]]:
    return intake.sql(
        "select l.quantity from raw.submission_lines l join raw.submission_files f "
        f"using (sha256) where f.file_name = '{name}'"
    )


def test_a_hidden_sheet_before_the_visible_one_is_never_read(intake: Intake) -> None:
    """The stale figures of a hidden first sheet used to land (999,999 kWh) with an
    "accepted" receipt while the visible 1,000 kWh was ignored."""
    intake.put(
        "hidden_first.xlsx",
        book(
            [("Cũ", [line(intake.tax, 999999)], True), ("Tháng 9", [line(intake.tax, 1000)], False)]
        ),
    )
    intake.run()
    assert intake.ledger("hidden_first.xlsx")[0] == "landed"
    assert landed_kwh(intake, "hidden_first.xlsx") == [("1000",)]


def test_a_hidden_data_sheet_is_refused_by_name(intake: Intake) -> None:
    intake.put(
        "hidden_data.xlsx",
        book([("Ghi chú", [], False), (XLSX_SHEET, [line(intake.tax, 1000)], True)]),
    )
    intake.run()
    status, vi, en = intake.ledger("hidden_data.xlsx")
    assert status == "rejected"
    assert f"The data sheet '{XLSX_SHEET}' is hidden" in (en or "")
    assert f"Trang số liệu '{XLSX_SHEET}' đang bị ẩn" in (vi or "")


def test_figures_on_another_sheet_are_refused_naming_it(intake: Intake) -> None:
    """They used to be refused as "Missing required columns" though every column was there."""
    intake.put(
        "second_sheet.xlsx",
        book([("Bìa", [], False), ("Tháng 9", [line(intake.tax, 1000)], False)]),
    )
    intake.run()
    status, _, en = intake.ledger("second_sheet.xlsx")
    assert status == "rejected"
    assert "The figures are on sheet 'Tháng 9', not on sheet 'Bìa'" in (en or "")


def prefixed(name: str, body: bytes) -> tuple[str, bytes]:
    if name.startswith("xl/worksheets/sheet"):
        ns = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        body = body.replace(b"<f>", b"<x:f" + ns + b">").replace(b"</f>", b"</x:f>")
    return name, body


def moved(name: str, body: bytes) -> tuple[str, bytes]:
    body = body.replace(b"worksheets/sheet1.xml", b"cells/data.xml")
    return name.replace("xl/worksheets/sheet1.xml", "xl/cells/data.xml"), body


FORMULA_DISGUISES = {"prefixed.xlsx": prefixed, "moved_part.xlsx": moved}


@pytest.mark.parametrize("name", sorted(FORMULA_DISGUISES))
def test_a_formula_is_found_whatever_its_prefix_or_part_path(intake: Intake, name: str) -> None:
    """A namespace prefix (<x:f>) or a sheet part outside xl/worksheets/ used to slip past
    the guard and the formula's stale cached value (0) landed."""
    data = book([(XLSX_SHEET, [line(intake.tax, "=1+1")], False)])
    intake.put(name, rewrite(data, FORMULA_DISGUISES[name]))
    intake.run()
    status, vi, en = intake.ledger(name)
    assert status == "rejected", landed_kwh(intake, name)
    assert "contains formulas (cells E2)" in (en or "")
    assert "công thức (ô E2)" in (vi or "")


def ods(tax: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Số liệu">'
        + "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
            for h in HEADER.strip().split(",")
        )
        + "</table:table-row><table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in (tax, "2026-09", "1", "ELEC_GRID")
        )
        + '<table:table-cell table:formula="of:=1+1" office:value-type="float" '
        'office:value="0"><text:p>0</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>kWh</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def test_an_ods_file_under_an_xlsx_name_is_refused_saying_what_it_is(intake: Intake) -> None:
    """Calamine reads OpenDocument too: its formula's cached 0 used to land as the quantity."""
    intake.put("libre.xlsx", ods(intake.tax))
    intake.run()
    status, _, en = intake.ledger("libre.xlsx")
    assert status == "rejected"
    assert "OpenDocument spreadsheet (.ods)" in (en or "")


def test_another_zip_under_an_xlsx_name_is_not_a_workbook(intake: Intake) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    intake.put("archive.xlsx", out.getvalue())
    intake.run()
    assert intake.ledger("archive.xlsx")[2] == "This zip archive is not an Excel (.xlsx) workbook"


def test_netzero_check_refuses_each_workbook_as_the_intake_does(
    intake: Intake, tmp_path: Path
) -> None:
    """`netzero check` reads a workbook with the same guard: the sender hears the same words
    before sending as the receipt would say after."""
    from flows.check import check_file

    workbooks = {
        "hidden_data.xlsx": book(
            [("Ghi chú", [], False), (XLSX_SHEET, [line(intake.tax, 1)], True)]
        ),
        "second_sheet.xlsx": book([("Bìa", [], False), ("Tháng 9", [line(intake.tax, 1)], False)]),
        "prefixed.xlsx": rewrite(book([(XLSX_SHEET, [line(intake.tax, "=1+1")], False)]), prefixed),
        "libre.xlsx": ods(intake.tax),
    }
    for name, data in workbooks.items():
        intake.put(name, data)
        (tmp_path / name).write_bytes(data)
    intake.run()
    for name in workbooks:
        refused = check_file(tmp_path / name, intake.settings).unreadable
        assert refused is not None, name
        assert intake.ledger(name) == ("rejected", refused.reason_vi, refused.reason_en)
