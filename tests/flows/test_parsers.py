"""Every submission form lands the same lines, as NFC text."""

import unicodedata
from pathlib import Path

import pytest

from demo.submissions import Line
from demo.writers import encode_cp1258, write_csv, write_json, write_xlsx
from flows.parsers import UnreadableFile, parse_submission

LINES = [
    Line("ELEC_GRID", 534995, "kWh", "Theo hóa đơn tiền điện EVN"),
    Line("DIESEL_STATIONARY", 232.5, "L", "Chạy thử máy phát định kỳ"),
]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_three_forms_land_identically(tmp_path: Path, fmt: str) -> None:
    """It reads the same lines from the CSV, JSON and Excel forms."""
    path = tmp_path / f"3700000001_2026-10.{fmt}"
    {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}[fmt](
        path, "3700000001", "2026-10", 1, LINES
    )
    lines = parse_submission(path.name, path.read_bytes()).lines
    assert lines.select(
        "tax_code", "period", "activity_code", "quantity", "unit", "note"
    ).rows() == [
        ("3700000001", "2026-10", "ELEC_GRID", "534995", "kWh", "Theo hóa đơn tiền điện EVN"),
        ("3700000001", "2026-10", "DIESEL_STATIONARY", "232.5", "L", "Chạy thử máy phát định kỳ"),
    ]


def test_windows_1258_csv_is_decoded_and_normalised(tmp_path: Path) -> None:
    """It decodes a Windows-1258 CSV and gives NFC text equal to what was meant."""
    path = tmp_path / "a.csv"
    write_csv(path, "3700000001", "2026-10", 1, LINES, encoding="cp1258")
    assert b"\xcc" in path.read_bytes() or b"\xd2" in path.read_bytes()  # combining tone bytes
    parsed = parse_submission(path.name, path.read_bytes())
    assert parsed.encoding == "cp1258"
    note = parsed.lines["note"][0]
    assert note == "Theo hóa đơn tiền điện EVN"
    assert unicodedata.is_normalized("NFC", note)


def test_encode_cp1258_round_trips_every_vietnamese_letter() -> None:
    """It encodes all Vietnamese letters so that decoding and NFC give them back."""
    letters = "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưĐƠƯ"
    decoded = encode_cp1258(letters).decode("cp1258")
    assert unicodedata.normalize("NFC", decoded) == letters


def test_semicolon_csv_with_bom_and_decomposed_text() -> None:
    """It reads a ';' CSV with a UTF-8 BOM and NFD text, giving NFC values."""
    text = (
        "\ufefftax_code;period;activity_code;quantity;unit;note\n"
        "3700000001;2026-10;ELEC_GRID;100;kWh;" + unicodedata.normalize("NFD", "Hóa đơn") + "\n"
    )
    lines = parse_submission("x.csv", text.encode("utf-8")).lines
    assert lines["tax_code"].to_list() == ["3700000001"]
    assert lines["note"].to_list() == ["Hóa đơn"]
    assert lines["line_no"].to_list() == [2]


@pytest.mark.parametrize(
    ("name", "data", "reason_en"),
    [
        ("a.csv", b"", "The file is empty"),
        ("a.pdf", b"%PDF-1.7", "Unsupported file type"),
        ("a.xlsx", b"this is not a spreadsheet", "Not a valid Excel (.xlsx) workbook"),
        ("a.json", b"{not json", "Invalid JSON"),
        ("a.json", b"[1, 2]", 'JSON must be an object with a "lines" list'),
        ("a.csv", b"ma,so\n1,2\n", "Missing required columns: tax_code"),
    ],
)
def test_unreadable_files_say_why_in_both_languages(name: str, data: bytes, reason_en: str) -> None:
    """It refuses an unreadable file with a Vietnamese and an English reason."""
    with pytest.raises(UnreadableFile) as caught:
        parse_submission(name, data)
    assert caught.value.reason_en.startswith(reason_en)
    assert caught.value.reason_vi
