"""Every kind of bad input, through the real intake path (load reference, ingest, validate,
receipts): a clear bilingual reason, nothing lost, nobody else's data touched."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from demo.generate import DemoSpec, generate_demo
from demo.submissions import Line
from demo.writers import encode_cp1258, write_csv
from flows import warehouse as wh
from flows.build_warehouse import build_warehouse
from flows.ingest import ingest_inbox
from flows.receipts import receipt_common, write_receipts
from flows.reference import load_reference
from flows.settings import Settings
from flows.validate import validate_submissions

HEADER = "tax_code,period,revision,activity_code,quantity,unit,note\n"
GOOD = [Line("ELEC_GRID", 1000, "kWh", "Hóa đơn EVN"), Line("WATER_SUPPLY", 50, "m3")]


class Intake:
    """A register of 8 fictional enterprises and an empty inbox; run() lands what is in it."""

    def __init__(self, root: Path, settings: Settings | None = None) -> None:
        generate_demo(root, DemoSpec(enterprises=9, months=2))
        for path in (root / "inbox").iterdir():
            path.unlink()
        self.settings = settings or Settings(data_dir=root)
        self.root = root
        lines = (root / "register" / "enterprises.csv").read_text().splitlines()[1:]
        self.tax, self.other = (line.split(",")[0] for line in lines[:2])

    def put(self, name: str, data: bytes) -> None:
        (self.root / "inbox" / name).write_bytes(data)

    def run(self, run_id: str = "run-1", left: frozenset[str] = frozenset()) -> None:
        # The other enterprise's good file rides along every time: it must always land clean.
        write_csv(self.root / "inbox" / f"{self.other}_2026-09.csv", self.other, "2026-09", 1, GOOD)
        load_reference.fn(self.settings)
        ingest_inbox.fn(self.settings, run_id)
        validate_submissions.fn(self.settings, run_id)
        build_warehouse.fn(self.settings)  # as every run does before its receipts
        write_receipts.fn(self.settings, run_id, receipt_common(self.settings, run_id))
        assert self.sql(
            "select count(*) from ops.quarantine q join raw.submission_files f using (sha256) "
            f"where f.file_name = '{self.other}_2026-09.csv'"
        ) == [(0,)], "another enterprise's data must land untouched"
        remaining = {p.name for p in (self.root / "inbox").iterdir()}
        assert remaining == left, "every file leaves the inbox but those still being written"

    def sql(self, query: str) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(query).fetchall()

    def ledger(self, name: str) -> tuple[str, str | None, str | None]:
        rows = self.sql(
            "select status, reason_vi, reason_en from ops.file_ledger "
            f"where file_name = '{name.replace(chr(39), chr(39) * 2)}'"
        )
        assert len(rows) == 1, rows
        return rows[0]

    def rejected_lines(self) -> set[tuple[int, str, str]]:
        return {
            (line, rule, value)
            for line, rule, value in self.sql(
                "select line_no, rule, value from ops.quarantine where line_no is not null"
            )
        }

    def receipt(self, name: str) -> str:
        sha = self.sql(f"select sha256 from ops.file_ledger where file_name = '{name}' limit 1")[0][
            0
        ]
        found = list((self.settings.outbox / "receipts").glob(f"*/{sha[:12]}_*.html"))
        assert found, f"no receipt for {name}"
        return found[0].read_text(encoding="utf-8")


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(tmp_path / "data")


def csv_bytes(tax: str, *rows: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(f"{tax},2026-09,1,{row}\n" for row in rows)).encode(encoding)


def workbook(cells: dict[tuple[int, int], object]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Số liệu")
    sheet.write_row(0, 0, HEADER.strip().split(","))
    for (row, col), value in cells.items():
        if isinstance(value, str) and value.startswith("="):
            sheet.write_formula(row, col, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value, book.add_format({"num_format": "yyyy-mm"}))
        else:
            sheet.write(row, col, value)
    book.close()
    return buffer.getvalue()


def test_an_empty_file_is_rejected_and_kept(intake: Intake) -> None:
    """It refuses an empty file with a reason in both languages and keeps its bytes."""
    intake.put("empty.csv", b"")
    intake.run()
    assert intake.ledger("empty.csv") == ("rejected", "Tệp rỗng", "The file is empty")
    assert len(list((intake.root / "rejected").iterdir())) == 1
    assert "Bị từ chối" in intake.receipt("empty.csv")


def test_not_a_spreadsheet_at_all(intake: Intake) -> None:
    """It refuses text dressed as .xlsx, and a format it does not take."""
    intake.put("fake.xlsx", b"this is not a spreadsheet at all")
    intake.put("photo.pdf", b"%PDF-1.7 not ours")
    intake.run()
    assert intake.ledger("fake.xlsx")[2] == "Not a valid Excel (.xlsx) workbook"
    assert "only .xlsx, .csv and .json" in (intake.ledger("photo.pdf")[2] or "")


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    """It refuses an .xlsx whose parts expand past the limit, without expanding them."""
    intake = Intake(tmp_path / "data")
    intake.settings = replace(intake.settings, max_unzipped_mb=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024  # tiny on disk
    intake.put("bomb.xlsx", buffer.getvalue())
    intake.run()
    status, vi, en = intake.ledger("bomb.xlsx")
    assert status == "rejected" and "expands to 8.0 MB" in (en or "") and "giải nén" in (vi or "")


def test_size_and_line_limits_are_configuration(tmp_path: Path) -> None:
    """It refuses a file over the size limit and one over the line limit, saying which."""
    intake = Intake(tmp_path / "data")
    intake.settings = replace(intake.settings, max_file_mb=0.001, max_lines=3)
    intake.put("big.csv", csv_bytes(intake.tax, *["ELEC_GRID,1,kWh," + "x" * 100] * 20))
    intake.put(
        "long.json",
        json.dumps(
            {
                "tax_code": intake.tax,
                "period": "2026-09",
                "lines": [{"activity_code": "ELEC_GRID", "quantity": 1, "unit": "kWh"}] * 4,
            }
        ).encode(),
    )
    intake.run()
    assert "File too large" in (intake.ledger("big.csv")[2] or "")
    assert "Too many lines: 4 (the limit is 3)" in (intake.ledger("long.json")[2] or "")


def test_semicolons_bom_decomposed_text_and_windows_1258_land_as_nfc(intake: Intake) -> None:
    """It lands a ';' UTF-8 CSV with BOM and NFD text, and a Windows-1258 CSV, as NFC."""
    nfd = unicodedata.normalize("NFD", "Hóa đơn tiền điện")
    semicolons = f"\ufeff{HEADER.replace(',', ';')}{intake.tax};2026-09;1;ELEC_GRID;10;kWh;{nfd}\n"
    intake.put("semi.csv", semicolons.encode("utf-8"))
    intake.put(
        "win.csv",
        encode_cp1258(HEADER + f"{intake.tax},2026-08,1,ELEC_GRID,10,kWh,Hóa đơn tiền điện\n"),
    )
    intake.run()
    notes = intake.sql(
        "select distinct l.note from raw.submission_lines l join raw.submission_files f "
        "using (sha256) where f.file_name in ('semi.csv', 'win.csv')"
    )
    assert notes == [("Hóa đơn tiền điện",)]
    assert unicodedata.is_normalized("NFC", notes[0][0])
    assert intake.rejected_lines() == set()


def test_number_notations(intake: Intake) -> None:
    """It accepts 1.234,5 and 1,234.5, refuses 1,234 as ambiguous and NaN, inf, 1e308 as
    not numbers, each with its own reason."""
    intake.put(
        "n.csv",
        csv_bytes(
            intake.tax,
            'ELEC_GRID,"1.234,5",kWh,',
            'WATER_SUPPLY,"1,234.5",m3,',
            'WASTEWATER,"1,234",m3,',
            "WASTE_GENERATED,NaN,kg,",
            "WASTE_RECYCLED,inf,kg,",
            "EV_CHARGING,1e308,kWh,",
        ),
    )
    intake.run()
    assert intake.rejected_lines() == {
        (4, "quantity_unambiguous", "1,234"),
        (5, "quantity_numeric", "NaN"),
        (6, "quantity_numeric", "inf"),
        (7, "quantity_numeric", "1e308"),
    }
    reasons = intake.sql("select reason_en from ops.quarantine where rule = 'quantity_unambiguous'")
    assert "can be read two ways" in reasons[0][0]


def test_excel_dates_and_formulas(intake: Intake) -> None:
    """It refuses a period typed as an Excel date or serial (saying the form), and a workbook
    with a formula whose cached value would land as 0."""
    intake.put(
        "dates.xlsx",
        workbook(
            {
                (1, 0): intake.tax,
                (1, 1): dt.datetime(2026, 9, 1),
                (1, 3): "ELEC_GRID",
                (1, 4): 10,
                (1, 5): "kWh",
                (2, 0): intake.tax,
                (2, 1): 46266,
                (2, 3): "WATER_SUPPLY",
                (2, 4): 5,
                (2, 5): "m3",
            }
        ),
    )
    intake.put(
        "formula.xlsx",
        workbook(
            {
                (1, 0): intake.tax,
                (1, 1): "2026-09",
                (1, 3): "ELEC_GRID",
                (1, 4): "=1000*2",
                (1, 5): "kWh",
                (1, 6): '=HYPERLINK("http://example.com","click")',
            }
        ),
    )
    intake.run()
    assert intake.rejected_lines() == {
        (2, "period_format", "2026-09-01 00:00:00"),
        (3, "period_format", "46266"),
    }
    status, _, en = intake.ledger("formula.xlsx")
    assert status == "rejected" and "contains formulas" in (en or "")


def test_markup_in_values_never_reaches_a_receipt_unescaped(intake: Intake) -> None:
    """It keeps <script> as text in the warehouse and escapes it in the receipt."""
    intake.put("x.csv", csv_bytes(intake.tax, "<script>alert(1)</script>,5,kWh,<b>hi</b>"))
    intake.run()
    html = intake.receipt("x.csv")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert intake.sql("select note from raw.submission_lines where note like '<b>%'") == [
        ("<b>hi</b>",)
    ]


def test_a_path_traversal_name_stays_a_name(intake: Intake) -> None:
    """It archives and receipts a file named like a path under its sha256, inside data/."""
    name = "..\\..\\..\\etc\\passwd.csv"
    intake.put(name, csv_bytes(intake.tax, "ELEC_GRID,5,kWh,"))
    intake.run()
    assert intake.ledger(name)[0] == "landed"
    archived = list((intake.root / "archive").iterdir())
    assert all(len(p.stem) == 64 for p in archived)
    receipts = list((intake.settings.outbox / "receipts").glob("*/*.html"))
    assert all(p.resolve().is_relative_to(intake.root.resolve()) for p in receipts)
    assert any("etc_passwd.csv" in p.name for p in receipts)


def test_ten_thousand_character_strings(intake: Intake) -> None:
    """It refuses a 10,000-character note and tax code line by line, and does not crash."""
    long = "đ" * 10_000
    intake.put(
        "long.csv",
        (
            HEADER
            + f"{intake.tax},2026-09,1,ELEC_GRID,5,kWh,{long}\n"
            + f"{long},2026-09,1,ELEC_GRID,5,kWh,\n"
        ).encode("utf-8"),
    )
    intake.run()
    assert {(line, rule) for line, rule, _ in intake.rejected_lines()} == {
        (2, "note_length"),
        (3, "plain_tax_code"),  # "đ" is no digit: named, rather than "not in the register"
    }


def test_the_same_file_twice_and_two_revisions_in_one_run(intake: Intake) -> None:
    """It lands a file once when it arrives twice, and keeps both revisions of a month, the
    higher in force."""
    first = csv_bytes(intake.tax, "ELEC_GRID,100,kWh,")
    intake.put("a.csv", first)
    intake.put("a (copy).csv", first)
    second = (HEADER + f"{intake.tax},2026-09,2,ELEC_GRID,106,kWh,\n").encode()
    intake.put("a_r2.csv", second)
    intake.run()
    statuses = sorted(
        s for (s,) in intake.sql("select status from ops.file_ledger where file_name like 'a%'")
    )
    assert statuses == ["duplicate", "landed", "landed"]
    with wh.connect(intake.settings.warehouse) as con:
        wh.build_sql_model(con, "staging", "stg_submissions__files")
    current = intake.sql(
        "select revision from staging.stg_submissions__files "
        f"where tax_code = '{intake.tax}' and period = '2026-09' and is_current"
    )
    assert current == [(2,)]
    assert intake.sql(
        "select count(*) from raw.submission_lines where quantity in ('100', '106')"
    ) == [(2,)]


def test_files_still_being_written_are_left_alone(intake: Intake) -> None:
    """It leaves an editor's lock file and a partial upload in the inbox for the next run, but
    answers a hidden-looking submission like any other."""
    intake.put(".~lock.a.xlsx#", b"lock")
    intake.put("b.csv.part", b"half a fi")
    intake.put("c.xlsx.filepart", b"PK\x03\x04 half")  # an SFTP upload (WinSCP) under way
    intake.put(".hidden.csv", csv_bytes(intake.tax, "ELEC_GRID,5,kWh,"))
    intake.run(left=frozenset({".~lock.a.xlsx#", "b.csv.part", "c.xlsx.filepart"}))
    assert intake.ledger(".hidden.csv")[0] == "landed"


def test_a_duplicated_line_is_rejected_once(intake: Intake) -> None:
    """It rejects the second of two identical lines and keeps the first and a second meter."""
    intake.put(
        "dup.csv",
        csv_bytes(
            intake.tax, "ELEC_GRID,100,kWh,", "ELEC_GRID,100,kWh,", "ELEC_GRID,100,kWh,meter 2"
        ),
    )
    intake.run()
    assert intake.rejected_lines() == {(3, "line_not_duplicated", "ELEC_GRID")}


def test_a_late_revision_of_an_on_time_month_is_not_called_late(intake: Intake) -> None:
    """The receipt and the warehouse say the same thing (fct_submission_status): a month
    whose first file came on time stays on time when a revision arrives after the due day;
    the receipt used to tell the sender it was "recorded as late". A first file after the
    due day is late, on both."""
    import os

    on_time = dt.datetime(2026, 10, 10, tzinfo=dt.UTC).timestamp()
    after_due = dt.datetime(2026, 10, 20, tzinfo=dt.UTC).timestamp()  # due: 15/10 24:00 ICT
    first = intake.root / "inbox" / f"{intake.tax}_2026-09.csv"
    write_csv(first, intake.tax, "2026-09", 1, GOOD)
    os.utime(first, (on_time, on_time))
    intake.run("run-1")
    revised = intake.root / "inbox" / f"{intake.tax}_2026-09_r2.csv"
    write_csv(revised, intake.tax, "2026-09", 2, GOOD[:1])
    os.utime(revised, (after_due, after_due))
    late = intake.root / "inbox" / f"{intake.tax}_2026-08.csv"
    write_csv(late, intake.tax, "2026-08", 1, GOOD)
    os.utime(late, (after_due, after_due))
    intake.run("run-2")

    status = dict(
        intake.sql(
            "select period, submission_status || ':' || is_late from marts.fct_submission_status "
            f"where tax_code = '{intake.tax}' and period in ('2026-08', '2026-09')"
        )
    )
    assert status == {"2026-08": "late:true", "2026-09": "revised:false"}
    receipt = " ".join(intake.receipt(revised.name).split())
    assert "recorded as late" not in receipt
    assert "The month stays on time: its first file arrived on 10/10/2026" in receipt
    assert "Tháng này vẫn được ghi nhận là nộp đúng hạn" in receipt
    late_receipt = " ".join(intake.receipt(late.name).split())
    assert "recorded as late" in late_receipt
