"""Reminders (issue 18) against a real SMTP server on loopback: before the due day, on it
and after it, letters go exactly to the enterprises the warehouse says owe the month, at
their registered addresses, with the template attached; the agency gets the list after the
due day; a rerun the same day sends nothing twice."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.build_warehouse import build_warehouse
from flows.ingest import ingest_inbox
from flows.mail import send_queued
from flows.reference import load_reference
from flows.reminders import write_reminders
from flows.settings import Settings, load_agency
from flows.validate import validate_submissions
from flows.workbooks import xlsx_rows
from tests.flows.mailservers import smtp_server
from transforms.reminders import period_due, reminder_days, stage


def test_the_reminder_days_and_the_month_owed() -> None:
    """Due day 15, five days before, three after: the 10th, the 15th and the 18th, for the
    previous month; a late due day never schedules past the 28th, an early one never
    before the 1st."""
    assert reminder_days(15, 5, 3) == [10, 15, 18]
    assert reminder_days(27, 5, 3) == [22, 27, 28]
    assert reminder_days(3, 5, 3) == [1, 3, 6]
    assert period_due(date(2026, 11, 10)) == "2026-10"
    assert period_due(date(2027, 1, 15)) == "2026-12"
    assert [stage(date(2026, 11, d), 15) for d in (10, 15, 18)] == [
        "before",
        "due_day",
        "second_notice",
    ]


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo province landed and built: 3793366638 sent no October file (the demo's
    missing month); one enterprise's October is removed from its contacts to be reminded
    of without an address."""
    from demo.generate import DemoSpec, generate_demo

    data = tmp_path_factory.mktemp("reminders") / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    # 3766691743's October file is withheld: a second enterprise that owes the month
    (data / "inbox" / "3766691743_2026-10.csv").unlink()
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    ingest_inbox.fn(settings, "run-1")
    validate_submissions.fn(settings, "run-1")
    build_warehouse.fn(settings)
    return data


def _owing(data: Path) -> set[str]:
    """Who owes October, as the warehouse's own status table says (the close's view)."""
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select tax_code from marts.fct_submission_status where period = '2026-10' "
            "and submission_status in ('missing', 'rejected')"
        ).fetchall()
    return {tax for (tax,) in rows}


def _addresses(data: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select tax_code, list(email order by email) from reference.ref_enterprise_contacts "
            "group by tax_code"
        ).fetchall()
    return dict(rows)


def test_reminders_go_exactly_to_the_enterprises_that_owe_the_month(
    landed: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(landed, data)
    owing, addresses = _owing(data), _addresses(data)
    assert owing == {"3793366638", "3766691743"}
    with smtp_server(tmp_path) as (server, smtp):
        settings = Settings(data_dir=data, mail=smtp)
        before = write_reminders.fn(settings, date(2026, 11, 10), "run-2")
        assert (before.period, before.stage, before.owing) == ("2026-10", "before", 2)
        assert send_queued(settings.warehouse, settings.outbox, smtp).sent == 2
        got = {tuple(sorted(to)): message for to, message in server.received}
        assert set(got) == {tuple(addresses[tax]) for tax in owing}
        message = got[tuple(addresses["3793366638"])]
        assert str(message["Subject"]) == (
            "Nhắc nộp số liệu tháng 10/2026: hạn nộp ngày 15/11/2026 / "
            "Reminder: the data for 10/2026 are due on 15/11/2026"
        )
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Chưa nhận được tệp số liệu tháng 10/2026." in text
        assert "No file for 10/2026 has been received." in text
        # the template attached opens, filled with the enterprise and the month
        (template,) = message.iter_attachments()
        assert template.get_filename() == "3793366638_2026-10.xlsx"
        rows = xlsx_rows(template.get_content())
        cells = {str(value) for row in rows for value in row}
        assert "3793366638" in cells and "2026-10" in cells

        # the same day again: nothing new
        assert write_reminders.fn(settings, date(2026, 11, 10), "run-3").written == 0
        # on the due day, then after it: a letter each time, and the agency's list after
        on_the_day = write_reminders.fn(settings, date(2026, 11, 15), "run-4")
        assert (on_the_day.stage, on_the_day.written) == ("due_day", 2)
        after = write_reminders.fn(settings, date(2026, 11, 18), "run-5")
        assert (after.stage, after.written) == ("second_notice", 3)
        assert send_queued(settings.warehouse, settings.outbox, smtp).sent == 5
    agency = load_agency().mail_recipients
    lists = [m for to, m in server.received if to == list(agency)]
    assert len(lists) == 1
    (listing,) = lists
    assert str(listing["Subject"]).startswith("Doanh nghiệp chưa nộp số liệu tháng 10/2026")
    body = listing.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for tax in owing:
        assert tax in body
    second = [m for to, m in server.received if "Thông báo lần hai" in str(m["Subject"])]
    assert len(second) == 2
    late = second[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "never counted as zero" in late


def test_an_enterprise_without_an_address_is_named_to_the_agency(
    landed: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(landed, data)
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb")) as con:
        con.execute("delete from reference.ref_enterprise_contacts where tax_code = '3766691743'")
    settings = Settings(data_dir=data)  # no SMTP: the .eml files are the output
    after = write_reminders.fn(settings, date(2026, 11, 18), "run-2")
    assert after.without_address == ["3766691743"]
    assert after.written == 2  # one enterprise, and the agency's list
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select kind, status, eml_path from ops.outgoing_mail order by kind"
        ).fetchall()
    assert [(k, s) for k, s, _ in rows] == [("owing_list", "written"), ("reminder", "written")]
    listing = (settings.outbox / rows[0][2]).read_text(encoding="ascii")
    assert "3766691743" in listing.replace("=\n", "")
