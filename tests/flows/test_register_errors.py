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
        # the contacts of the enterprise whose tax code row 4 overwrote now name no one
        ("enterprise_contacts.csv", 5, "tax_code"),
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
    assert "Danh sách đăng ký có 4 lỗi" in ours and "The register has 4 mistakes" in ours
    assert "enterprises.csv, row 5, field park_code «NOWHERE»" in ours
    assert "Traceback" not in ours
    assert sorted(p.name for p in (data / "inbox").iterdir()) == inbox
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        status, reason = con.execute("select status, stopped_reason from ops.runs").fetchone()
        assert con.execute("select count(*) from raw.submission_files").fetchone() == (0,)
    assert status == "stopped" and "The register has 4 mistakes" in reason

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


def test_monitoring_outlets_and_their_permit_limits_are_checked_and_loaded(data: Path) -> None:
    """Issue 17: each wastewater outlet belongs to a park or to one exempted enterprise,
    names a known standard and known parameters; a permit limit names a known outlet and
    parameter, once. Mistakes are named by file, row and field; a good register loads."""
    register = data / "register"
    park = (register / "industrial_parks.csv").read_text(encoding="utf-8").splitlines()[1]
    park_code = park.split(",")[0]
    header = (
        "outlet_id,name_vi,name_en,park_code,tax_code,permit_number,permit_date,standard,"
        "column_code,kq,kf,parameters,interval_minutes,design_flow_m3_per_day\n"
    )
    good = (
        f"WW-{park_code},Trạm XLNT tập trung,Central WWTP,{park_code},,12/GPMT-UBND,"
        "2024-05-10,QCVN 40:2011/BTNMT,A,0.9,1.0,pH;TEMP;COD;TSS;NH4_N;FLOW_OUT,5,4000\n"
    )
    (register / "monitoring_outlets.csv").write_text(
        header
        + good
        + f"WW-BOTH,Trạm,Station,{park_code},3700000001,1/GP,2024-01-01,QCVN 40:2011/BTNMT,"
        "B,1,1,pH;COD,5,100\n"
        + f"WW-BAD,Trạm,Station,{park_code},,2/GP,2024-01-01,QCVN 99,B,1,x,pH;XYZ,5,100\n",
        encoding="utf-8",
    )
    (register / "outlet_permit_limits.csv").write_text(
        "outlet_id,parameter,limit_min,limit_max,source\n"
        f"WW-{park_code},COD,,60,12/GPMT-UBND\n"
        f"WW-{park_code},COD,,55,12/GPMT-UBND\n"
        "WW-NONE,COD,,60,1/GP\n",
        encoding="utf-8",
    )
    with pytest.raises(RegisterInvalid) as raised:
        read_register(Settings(data_dir=data))
    said = str(raised.value) + "\n" + str(raised.value.detail)
    for where in (
        "monitoring_outlets.csv, dòng 3, cột park_code",  # both a park and an enterprise
        "monitoring_outlets.csv, dòng 4, cột standard «QCVN 99»",
        "monitoring_outlets.csv, dòng 4, cột kf «x»",
        "monitoring_outlets.csv, dòng 4, cột parameters «XYZ»",
        "outlet_permit_limits.csv, dòng 3, cột outlet_id + parameter",
        "outlet_permit_limits.csv, dòng 4, cột outlet_id «WW-NONE»",
    ):
        assert where in said, (where, said)
    assert "row 3, field park_code" in said
    (register / "monitoring_outlets.csv").write_text(header + good, encoding="utf-8")
    (register / "outlet_permit_limits.csv").write_text(
        f"outlet_id,parameter,limit_min,limit_max,source\nWW-{park_code},COD,,60,12/GPMT-UBND\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        outlet = con.execute(
            "select outlet_id, kq, kf, interval_minutes from reference.ref_monitoring_outlets"
        ).fetchall()
        limit = con.execute(
            "select parameter, limit_max from reference.ref_outlet_permit_limits"
        ).fetchall()
    assert outlet == [(f"WW-{park_code}", 0.9, 1.0, 5)]
    assert limit == [("COD", 60.0)]


def test_enterprise_contacts_are_checked_and_loaded(data: Path) -> None:
    """Issue 18: the addresses that may submit for a tax code and receive its receipts and
    report (one or more per enterprise). A malformed address, an unknown tax code and a
    repeated (tax code, address) are named by file, row and field; a Vietnamese contact
    name reads as NFC; a good file loads, addresses compared in lower case."""
    register = data / "register"
    tax_code = (register / "enterprises.csv").read_text(encoding="utf-8").splitlines()[1]
    tax_code = tax_code.split(",")[0]
    header = "tax_code,email,contact_name\n"
    good = (
        f"{tax_code},KeToan@Hoa-My.example,Nguyễn Thị Hoa\n{tax_code},moitruong@hoa-my.example,\n"
    )
    (register / "enterprise_contacts.csv").write_text(
        header
        + good
        + f"{tax_code},not-an-address,\n"
        + "3700000000,a@b.example,\n"
        + f"{tax_code},ketoan@hoa-my.example,again\n"
        + f'{tax_code},"Hoa <x@y.example>",\n',
        encoding="utf-8",
    )
    with pytest.raises(RegisterInvalid) as raised:
        read_register(Settings(data_dir=data))
    said = str(raised.value) + "\n" + str(raised.value.detail)
    for where in (
        "enterprise_contacts.csv, dòng 4, cột email «not-an-address»",
        "enterprise_contacts.csv, dòng 5, cột tax_code «3700000000»",
        "enterprise_contacts.csv, dòng 6, cột tax_code + email",
        "enterprise_contacts.csv, dòng 7, cột email «Hoa <x@y.example>»",
    ):
        assert where in said, (where, said)
    assert "row 4, field email «not-an-address»: not an e-mail address" in said
    (register / "enterprise_contacts.csv").write_text(header + good, encoding="utf-8")
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        contacts = con.execute(
            "select tax_code, email, contact_name from reference.ref_enterprise_contacts "
            "order by email"
        ).fetchall()
    assert contacts == [
        (tax_code, "ketoan@hoa-my.example", "Nguyễn Thị Hoa"),
        (tax_code, "moitruong@hoa-my.example", None),
    ]
