"""No file can stop the province's run (issue 13, first part): poison files are refused
saying what they are, any parser failure becomes a refusal of that file, the inbox is a
jail, the bytes archived are the bytes read, and no CSV the project writes runs as a
formula. Through the real intake (load reference, ingest, validate, receipts) and, for
the run as a whole, through monthly_cycle twice."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from demo.generate import DemoSpec, generate_demo
from tests.flows.test_bad_input import HEADER, Intake, csv_bytes, workbook


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(tmp_path / "data")


def good_csv(tax: str) -> str:
    return f"{HEADER}{tax},2026-09,1,ELEC_GRID,1000,kWh,Hóa đơn EVN\n"


POISON = {
    # name → (bytes maker, what the English reason must say)
    "workbook.csv": (lambda tax: workbook({(1, 0): tax}), "really an Excel workbook"),
    "gzipped.csv": (lambda tax: gzip.compress(good_csv(tax).encode()), "gzip-compressed"),
    "wide.csv": (lambda tax: good_csv(tax).encode("utf-16"), "encoded in UTF-16"),
    "binary.csv": (lambda tax: b"tax_code\x00\x00\x01\x02" * 10, "NUL bytes"),
    "undecodable.csv": (
        lambda tax: good_csv(tax).encode() + b"\x81\x8d\x8f\x90\n",
        "neither UTF-8 nor Windows-1258",
    ),
    "nested.json": (lambda tax: b'{"lines": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "too deep"),
    "long_number.json": (
        lambda tax: (
            f'{{"tax_code": "{tax}", "period": "2026-09", "revision": 1, "lines": '
            f'[{{"activity_code": "ELEC_GRID", "quantity": {"9" * 5000}, "unit": "kWh"}}]}}'
        ).encode(),
        "5000 characters long",
    ),
    "repeated_key.json": (
        lambda tax: (
            f'{{"tax_code": "{tax}", "period": "2026-09", "revision": 1, "lines": '
            '[{"activity_code": "ELEC_GRID", "quantity": 100, "quantity": 999, "unit": "MWh"}]}'
        ).encode(),
        "repeats a key",
    ),
}


@pytest.mark.parametrize("name", sorted(POISON))
def test_a_poison_file_is_refused_saying_what_it_is(intake: Intake, name: str) -> None:
    """It refuses each file that crashed the run (or was misread) with a reason that says
    what the file is, keeps its bytes, and lets the other enterprise's file land."""
    make, says = POISON[name]
    intake.put(name, make(intake.tax))
    intake.run()
    status, vi, en = intake.ledger(name)
    assert status == "rejected" and vi and says in (en or "")
    assert "Bị từ chối" in intake.receipt(name)
    # A second run finds nothing left to trip on.
    intake.run(run_id="run-2")


def test_crlf_cr_and_tab_separated_files_are_read(intake: Intake) -> None:
    """It reads classic-Mac (CR-only) line endings and a tab-separated file, line by line."""
    text = good_csv(intake.tax) + f"{intake.tax},2026-09,1,WATER_SUPPLY,50,m3,\n"
    intake.put("mac.csv", text.replace("\n", "\r").encode())
    tabbed = text.replace(",", "\t").replace("Hóa đơn EVN", "EVN")
    intake.put("tabs.csv", tabbed.replace("2026-09", "2026-08").encode())
    intake.run()
    assert intake.ledger("mac.csv")[0] == "landed"
    assert intake.ledger("tabs.csv")[0] == "landed"
    lines = intake.sql(
        "select f.file_name, count(*) from raw.submission_lines l "
        "join raw.submission_files f using (sha256) "
        "where f.file_name in ('mac.csv', 'tabs.csv') group by 1 order by 1"
    )
    assert lines == [("mac.csv", 2), ("tabs.csv", 2)]


def test_any_parser_failure_refuses_that_file_and_the_run_goes_on(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It turns an exception the parser never meant to raise into a refusal of that one
    file (the traceback goes to the operator's log), lands the rest, and the next run is
    clean."""
    from flows import ingest

    real = ingest.parse_submission

    def exploding(name: str, data: bytes, limits: object = None) -> object:
        if name == "trap.csv":
            raise RecursionError("maximum recursion depth exceeded")
        return real(name, data, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "parse_submission", exploding)
    intake.put("trap.csv", csv_bytes(intake.tax, "ELEC_GRID,1,MWh,"))
    intake.run()
    status, vi, en = intake.ledger("trap.csv")
    assert status == "rejected"
    assert "RecursionError" in (en or "") and "RecursionError" in (vi or "")
    intake.run(run_id="run-2")


def test_the_inbox_is_a_jail(intake: Intake, tmp_path: Path) -> None:
    """It never follows a link (to /etc/passwd, or to another folder's submission), never
    blocks on a pipe, and moves a folder aside: each is refused with a reason, nothing of
    what they point at lands, and no link is kept."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    foreign = elsewhere / f"{intake.tax}_2026-09.csv"
    foreign.write_text(good_csv(intake.tax), encoding="utf-8")
    inbox = intake.root / "inbox"
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    (inbox / "foreign.csv").symlink_to(foreign)
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "folder.csv").mkdir()
    (inbox / "folder.csv" / "inner.csv").write_text(good_csv(intake.tax), encoding="utf-8")
    intake.run()
    for name, says in (
        ("passwd.csv", "never followed"),
        ("foreign.csv", "never followed"),
        ("pipe.csv", "special file"),
        ("folder.csv", "a folder"),
    ):
        status, vi, en = intake.ledger(name)
        assert status == "rejected" and vi and says in (en or ""), name
    assert intake.sql(
        "select count(*) from raw.submission_lines l join raw.submission_files f "
        "using (sha256) where f.file_name in ('passwd.csv', 'foreign.csv', 'inner.csv')"
    ) == [(0,)]
    assert foreign.exists(), "the link's target is never touched"
    rejected = list((intake.root / "rejected").rglob("*"))
    assert not any(p.is_symlink() for p in rejected)
    assert any(p.name == "inner.csv" for p in rejected), "the folder is kept, aside"


def test_a_file_changed_while_landing_stays_and_the_archive_is_what_was_read(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It archives exactly the bytes it hashed and parsed, and leaves in the inbox a file
    that was still being written after it was read; the next run lands the whole file."""
    from flows import ingest

    name = f"{intake.tax}_2026-08.csv"
    first = good_csv(intake.tax).replace("2026-09", "2026-08")
    real_add = ingest._Batch.add

    def add_then_writer_appends(self, path, read, landed):  # type: ignore[no-untyped-def]
        real_add(self, path, read, landed)
        if path.name == name:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"{intake.tax},2026-08,1,WATER_SUPPLY,50,m3,\n")

    monkeypatch.setattr(ingest._Batch, "add", add_then_writer_appends)
    intake.put(name, first.encode())
    intake.run(left=frozenset({name}))
    sha = hashlib.sha256(first.encode()).hexdigest()
    assert (intake.root / "archive" / f"{sha}.csv").read_bytes() == first.encode()
    monkeypatch.setattr(ingest._Batch, "add", real_add)
    intake.run(run_id="run-2")
    revisions = intake.sql(
        f"select line_count from raw.submission_files where file_name = '{name}' order by landed_at"
    )
    assert revisions == [(1,), (2,)]


def test_no_csv_cell_runs_as_a_formula(intake: Intake) -> None:
    """It writes a rejected line's text back to the enterprise with a leading apostrophe,
    so =HYPERLINK(…) is shown, never run (OWASP CSV injection)."""
    attack = '=HYPERLINK("http://example.invalid","click")'
    intake.put(
        "formula.csv",
        (
            HEADER
            + f'{intake.tax},2026-09,1,ELEC_GRID,"{attack.replace(chr(34), chr(34) * 2)}",kWh,\n'
        ).encode(),
    )
    intake.run()
    folder = next((intake.root / "outbox" / "receipts").iterdir())
    written = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.rejected.csv"))
    assert "'=HYPERLINK" in written
    assert not any(line.split(",")[2].startswith("=") for line in written.splitlines()[1:])


def test_full_width_digits_are_refused_by_line_and_the_run_completes(
    tmp_path: Path, prefect_server: None
) -> None:
    """It refuses a period written in full-width digits as a line (the run used to crash
    in a Polars cast far from the parser), and with every poison file in the inbox the
    whole monthly cycle completes, twice."""
    from flows.monthly_cycle import monthly_cycle

    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2))
    tax = next(p.name.split("_")[0] for p in (data / "inbox").iterdir())
    inbox = data / "inbox"
    (inbox / "fullwidth.csv").write_bytes(
        f"{HEADER}{tax},２０２６-０９,1,ELEC_GRID,1000,kWh,\n".encode()
    )
    for name, (make, _) in POISON.items():
        (inbox / name).write_bytes(make(tax))
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    # Raw control characters in the text of a refused line, shown back in every output.
    (inbox / "controls.json").write_text(
        json.dumps(
            {
                "tax_code": tax,
                "period": "2026-10",
                "revision": 5,
                "lines": [
                    {"activity_code": "ELEC\u0000GRID", "quantity": "1\u00070", "unit": "kWh"},
                    {"activity_code": "WATER_SUPPLY", "quantity": 5, "unit": "m3\u001b[31m"},
                ],
            }
        )
    )
    first = monthly_cycle(data_dir=str(data))
    assert first.files_rejected >= len(POISON) + 1
    assert not any(inbox.iterdir())
    second = monthly_cycle(data_dir=str(data))
    assert second.files_landed == 0 and second.files_rejected == 0

    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        rules = con.execute(
            "select q.rule, q.reason_en from ops.quarantine q join raw.submission_files f "
            "using (sha256) where f.file_name = 'fullwidth.csv'"
        ).fetchall()
    assert [rule for rule, _ in rules] == ["plain_period"]
    assert "non-ASCII digit «２» (FULLWIDTH DIGIT TWO, U+FF12): type «2» instead" in rules[0][1]
    assert json.loads((data / "outbox" / "2026-10" / "manifest.json").read_text())
    # No raw control character in anything a person reads (the park report lists the
    # refused lines; the receipt and its CSV show their values), U+FFFD in its place.
    texts = [p for p in (data / "outbox").rglob("*") if p.suffix in {".html", ".csv", ".txt"}]
    shown = [p for p in texts if "\ufffd" in p.read_text(encoding="utf-8")]
    assert shown, "the refused values are shown, their control characters replaced"
    for path in texts:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", path.read_text()), path


def test_a_line_for_another_enterprise_or_month_is_never_counted_twice(intake: Intake) -> None:
    """It refuses, naming the row, a line inside one enterprise's file that names another
    enterprise or another month: the other's figure stays what it sent (1 MWh), not that
    plus this line (101 MWh)."""
    from flows.build_warehouse import build_warehouse

    mine, other = intake.tax, intake.other
    text = (
        HEADER
        + f"{mine},2026-09,1,ELEC_GRID,100,MWh,\n"
        + f"{other},2026-09,1,ELEC_GRID,100,MWh,\n"
        + f"{mine},2026-08,1,WATER_SUPPLY,70,m3,\n"
        + f"{mine},2026-09,1,WATER_SUPPLY,50,m3,\n"
    )
    intake.put(f"{mine}_2026-09.csv", text.encode())
    intake.run()
    assert intake.rejected_lines() >= {
        (3, "line_names_the_file_enterprise", other),
        (4, "line_names_the_file_month", "2026-08"),
    }
    build_warehouse.fn(intake.settings)
    grid = dict(
        intake.sql(
            "select tax_code, grid_electricity_mwh from marts.fct_enterprise_monthly "
            "where period = '2026-09'"
        )
    )
    assert grid[other] == pytest.approx(1.0)
    # The refused line sits in this enterprise's file: its grid figure waits for a
    # corrected file rather than pass as complete.
    assert grid[mine] is None
    assert intake.sql(
        f"select count(*) from marts.fct_enterprise_monthly where tax_code = '{mine}' "
        "and period = '2026-08'"
    ) == [(0,)]


def test_netzero_check_says_the_same_as_the_intake(intake: Intake, tmp_path: Path) -> None:
    """It answers `netzero check` on a mixed file and on a poison file as the intake does:
    the other enterprise's row is named, the workbook saved as .csv is called one."""
    from flows.check import check_file

    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        HEADER
        + f"{intake.tax},2026-09,1,ELEC_GRID,100,MWh,\n"
        + f"{intake.other},2026-09,1,ELEC_GRID,100,MWh,\n",
        encoding="utf-8",
    )
    result = check_file(mixed, intake.settings)
    assert result.rejected.select("line_no", "rule").rows() == [
        (3, "line_names_the_file_enterprise")
    ]
    poison = tmp_path / "workbook.csv"
    poison.write_bytes(workbook({(1, 0): intake.tax}))
    refused = check_file(poison, intake.settings).unreadable
    assert refused is not None and "really an Excel workbook" in refused.reason_en


def test_a_repeated_revision_is_refused_never_dropped_silently(intake: Intake) -> None:
    """It keeps the first revision-1 file of a month (electricity) and refuses the second
    (fuel), saying to send the whole month as revision 2: before, the fuel file replaced
    the electricity one while both receipts said accepted. A revision 1 arriving after
    revision 2 is refused too; a proper revision 2 replaces revision 1."""
    from flows.build_warehouse import build_warehouse

    tax = intake.tax
    electricity = f"{HEADER}{tax},2026-08,1,ELEC_GRID,100,MWh,\n"
    fuel = f"{HEADER}{tax},2026-08,1,DIESEL_STATIONARY,2,t,\n"
    intake.put("electricity.csv", electricity.encode())
    intake.put("fuel.csv", fuel.encode())
    os.utime(intake.root / "inbox" / "fuel.csv", (2_000_000_000, 2_000_000_000))
    intake.run()
    assert intake.ledger("fuel.csv")[0] == "landed"
    assert "revision_newer" in {rule for _, rule, _ in intake.rejected_lines()}
    assert "Bị từ chối" in intake.receipt("fuel.csv")
    assert "Bị từ chối" not in intake.receipt("electricity.csv")
    build_warehouse.fn(intake.settings)
    month = "select grid_electricity_mwh, diesel_t from marts.fct_enterprise_monthly "
    month += f"where tax_code = '{tax}' and period = '2026-08'"
    assert intake.sql(month) == [(100.0, None)]
    # Revision 2 of the whole month replaces revision 1; a late revision 1 does not.
    intake.put("r2.csv", (electricity + fuel.split("\n", 1)[1]).replace(",1,", ",2,").encode())
    intake.run(run_id="run-2")
    intake.put("late_r1.csv", f"{HEADER}{tax},2026-08,1,ELEC_GRID,999,MWh,\n".encode())
    intake.run(run_id="run-3")
    assert "Bị từ chối" in intake.receipt("late_r1.csv")
    build_warehouse.fn(intake.settings)
    assert intake.sql(month) == [(100.0, 2.0)]


def test_numbers_read_wrong_are_refused_through_the_intake_and_check(
    intake: Intake, tmp_path: Path
) -> None:
    """Through the real intake and `netzero check` alike: a quantity in Arabic-Indic digits
    (it landed as null and showed as 0 MWh), a 4.321 in a file that writes decimal commas
    (it landed as 4.321), and a month decades before the first grid factor (it gave 0 tCO2e)."""
    from flows.check import check_file

    files = {
        "arabic.csv": f"{HEADER}{intake.tax},2026-09,1,ELEC_GRID,١٠٠٠,kWh,\n",
        "dotted.csv": (
            f"{HEADER}{intake.tax},2026-08,1,ELEC_GRID,1.234,5,kWh,\n"
            f"{intake.tax},2026-08,1,WATER_SUPPLY,4.321,m3,\n"
        ).replace("1.234,5", '"1.234,5"'),
        "ancient.csv": f"{HEADER}{intake.tax},1990-09,1,ELEC_GRID,1000,kWh,\n",
    }
    expected = {
        "arabic.csv": {(2, "plain_quantity")},
        "dotted.csv": {(3, "quantity_clear_in_file")},
        "ancient.csv": {(2, "period_covered")},
    }
    for name, text in files.items():
        intake.put(name, text.encode())
        (tmp_path / name).write_text(text, encoding="utf-8")
    intake.run()
    for name, rules in expected.items():
        landed = intake.sql(
            "select q.line_no, q.rule from ops.quarantine q join raw.submission_files f "
            f"using (sha256) where f.file_name = '{name}'"
        )
        assert set(landed) == rules, name
        checked = check_file(tmp_path / name, intake.settings).rejected
        assert set(zip(checked["line_no"], checked["rule"], strict=True)) == rules, name


def test_no_template_prints_a_raw_control_character() -> None:
    """Every value a template prints goes through one finalize: text and markup alike."""
    from markupsafe import Markup

    from report_templates.render import environment

    template = environment("bilingual").from_string("{{ text }}|{{ markup }}")
    shown = template.render(text="a\x00b\x1b<", markup=Markup("<b>\x07</b>"))
    assert shown == "a\ufffdb\ufffd&lt;|<b>\ufffd</b>"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_a_file_the_run_may_not_read_is_refused_and_the_rest_lands(tmp_path: Path) -> None:
    """A file the run's user may not read used to stop the run (PermissionError). The intake
    runs here as root without the capabilities that let root read everything
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; a user id of `nobody` could not reach a checkout
    under /root), over an inbox with one file it may not open: that file is refused saying
    why, the others land, and the next run is clean."""
    import subprocess
    import sys
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="netzero-perm-", dir="/tmp"))
    try:
        data = root / "data"
        generate_demo(data, DemoSpec(enterprises=9, months=2))
        locked = data / "inbox" / "locked.csv"
        locked.write_text(good_csv(sorted(p.name for p in (data / "inbox").iterdir())[0][:10]))
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        locked.chmod(0o000)
        script = (
            "import sys; from pathlib import Path\n"
            "from flows.settings import Settings\n"
            "from flows.ingest import ingest_inbox\nfrom flows.reference import load_reference\n"
            "s = Settings(data_dir=Path(sys.argv[1]))\n"
            "load_reference.fn(s)\n"
            "for run in ('run-1', 'run-2'):\n"
            "    r = ingest_inbox.fn(s, run)\n"
            "    print(run, r.landed, r.rejected)\n"
        )
        done = subprocess.run(
            [
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                sys.executable,
                "-c",
                script,
                str(data),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[2],
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
                "HOME": str(root),
                "PREFECT_HOME": str(root / "prefect"),
            },
        )
        assert done.returncode == 0, done.stderr
        first, second = done.stdout.splitlines()
        files = len(list((data / "archive").iterdir()))
        assert first.split()[2] == "1" and int(first.split()[1]) == files
        assert second == "run-2 0 0"
        with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
            reason = con.execute(
                "select reason_vi, reason_en from ops.file_ledger where file_name = 'locked.csv'"
            ).fetchall()
        assert reason == [
            (
                "Không mở được tệp (Permission denied); hãy gửi lại",
                "The file could not be opened (Permission denied); send it again",
            )
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_month_before_the_baseline_year_is_flagged_on_its_receipt(intake: Intake) -> None:
    """Before the first grid factor a period is refused; after it but before the
    enterprise's own baseline year it lands, flagged to the sender (never a silent zero)."""
    intake.put("early.csv", f"{HEADER}{intake.tax},2015-06,1,ELEC_GRID,1000,kWh,\n".encode())
    intake.run()
    (baseline,) = intake.sql(
        f"select baseline_year from reference.ref_enterprises where tax_code = '{intake.tax}'"
    )[0]
    assert baseline > 2015
    assert intake.ledger("early.csv")[0] == "landed"
    receipt = " ".join(intake.receipt("early.csv").split())
    assert f"baseline year {baseline} in the register: check the year" in receipt
    assert f"Kỳ 2015-06 trước năm cơ sở {baseline}" in receipt
