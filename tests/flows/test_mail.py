"""Outgoing mail (issue 18) against a real SMTP server on loopback (aiosmtpd): written first
as an .eml and a row in ops.outgoing_mail, sent over STARTTLS with a login, never twice;
Vietnamese subjects, names and attachment names survive the trip."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import duckdb
import pytest

from flows.mail import Attachment, MailSettings, Queued, compose, queue, send_queued
from tests.flows.mailservers import Received, free_port, smtp_server

SUBJECT = "Biên nhận tệp số liệu tháng 10/2026 / Receipt for the October 2026 file"
PDF_NAME = "Báo cáo tháng 10-2026 – Công ty Hòa Mỹ Điền.pdf"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Received, MailSettings]]:
    with smtp_server(tmp_path) as server:
        yield server


def _message(settings: MailSettings, about: str = "sha-1") -> EmailMessage:
    return compose(
        settings,
        kind="receipt",
        about=about,
        recipients=["moitruong@dn3717888069.example"],
        subject=SUBJECT,
        text="Đã nhận tệp của Công ty Hòa Mỹ Điền. / The file was received.",
        html="<p>Đã nhận tệp của <b>Công ty &lt;Hòa Mỹ Điền&gt;</b></p>",
        attachments=[Attachment(PDF_NAME, b"%PDF-1.7 test", "application/pdf")],
        in_reply_to="<original-123@dn3717888069.example>",
    )


def _rows(warehouse: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select kind, status, attempts, recipients, files, last_error is null "
            "from ops.outgoing_mail order by queued_at"
        ).fetchall()


def test_a_message_is_written_recorded_then_sent_once_with_vietnamese_intact(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    inbox, settings = smtp
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    assert queue(warehouse, outbox, [Queued(_message(settings), "receipt", "sha-1")]) == 1
    # the same message again (a rerun) is not written or recorded twice
    assert not queue(warehouse, outbox, [Queued(_message(settings), "receipt", "sha-1")])
    emls = list((outbox / "mail").rglob("*.eml"))
    assert len(emls) == 1
    # the .eml opens as any mail client would read it: subject, names, attachment
    opened = email.message_from_bytes(emls[0].read_bytes(), policy=default)
    assert opened["Subject"] == SUBJECT and emls[0].read_bytes().isascii()  # RFC 2047
    assert opened["From"].addresses[0].display_name == "Sở Nông nghiệp và Môi trường"
    assert [p.get_filename() for p in opened.iter_attachments()] == [PDF_NAME]
    assert _rows(warehouse) == [
        ("receipt", "queued", 0, ["moitruong@dn3717888069.example"], [PDF_NAME], True)
    ]

    assert send_queued(warehouse, outbox, settings).sent == 1
    assert send_queued(warehouse, outbox, settings).sent == 0  # never twice
    assert len(inbox.received) == 1
    recipients, got = inbox.received[0]
    assert recipients == ["moitruong@dn3717888069.example"]
    assert got["Subject"] == SUBJECT
    assert got["In-Reply-To"] == "<original-123@dn3717888069.example>"
    html = got.get_body(("html",))
    assert html is not None and "&lt;Hòa Mỹ Điền&gt;" in html.get_content()
    attachment = next(got.iter_attachments())
    assert attachment.get_filename() == PDF_NAME
    assert attachment.get_content() == b"%PDF-1.7 test"
    assert _rows(warehouse)[0][:3] == ("receipt", "sent", 1)


def test_smtp_down_keeps_messages_queued_and_the_next_run_sends_them(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    inbox, settings = smtp
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    queue(warehouse, outbox, [Queued(_message(settings), "receipt", "sha-1")])
    down = MailSettings(**{**settings.__dict__, "smtp_port": free_port()})
    result = send_queued(warehouse, outbox, down)
    assert (result.sent, result.queued) == (0, 1)
    kind, status, attempts, *_, no_error = _rows(warehouse)[0]
    assert (status, attempts, no_error) == ("queued", 3, False)  # three tries with back-off
    assert inbox.received == []
    assert send_queued(warehouse, outbox, settings).sent == 1
    assert len(inbox.received) == 1


def test_a_wrong_password_is_an_error_on_record_not_a_lost_message(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    inbox, settings = smtp
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    queue(warehouse, outbox, [Queued(_message(settings), "receipt", "sha-1")])
    wrong = MailSettings(**{**settings.__dict__, "password": "sai"})
    assert send_queued(warehouse, outbox, wrong).queued == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (error,) = con.execute("select last_error from ops.outgoing_mail").fetchone()  # type: ignore[misc]
    assert "SMTPAuthenticationError" in error
    assert inbox.received == []


def test_a_message_a_crash_left_mid_send_is_never_sent_again(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    """A run killed between recording the attempt and the server's answer leaves 'sending':
    whether the server took it cannot be known, so it is marked uncertain and not resent."""
    inbox, settings = smtp
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    queue(warehouse, outbox, [Queued(_message(settings, "sha-1"), "receipt", "sha-1")])
    queue(warehouse, outbox, [Queued(_message(settings, "sha-2"), "receipt", "sha-2")])
    with duckdb.connect(str(warehouse)) as con:  # what a kill at mail.sending leaves
        con.execute(
            "update ops.outgoing_mail set status = 'sending', attempts = 1 where about = 'sha-1'"
        )
    result = send_queued(warehouse, outbox, settings)
    assert (result.sent, result.uncertain) == (1, 1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select about, status from ops.outgoing_mail").fetchall())
    assert statuses == {"sha-1": "uncertain", "sha-2": "sent"}
    assert len(inbox.received) == 1


def test_without_smtp_the_eml_files_are_the_output_never_sent_later(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    """The embedded default: the .eml is the output, recorded as written; a server
    configured later sends what is written after it, never the old messages."""
    inbox, settings = smtp
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    queue(warehouse, outbox, [Queued(_message(settings, "old"), "receipt", "old")], send=False)
    assert send_queued(warehouse, outbox, MailSettings()).queued == 0
    assert len(list((outbox / "mail").rglob("*.eml"))) == 1
    queue(warehouse, outbox, [Queued(_message(settings, "new"), "receipt", "new")])
    assert send_queued(warehouse, outbox, settings).sent == 1
    assert len(inbox.received) == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select about, status from ops.outgoing_mail").fetchall())
    assert statuses == {"old": "written", "new": "sent"}


def test_each_receipt_reaches_the_enterprise_s_registered_addresses(
    smtp: tuple[Received, MailSettings], tmp_path: Path
) -> None:
    """The intake over a small demo province whose register names each enterprise's
    addresses: every file of a registered enterprise gets its receipt by mail, to exactly
    those addresses, once (a second pass sends nothing); the body is the receipt page."""
    from demo.generate import DemoSpec, generate_demo
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox
    from flows.receipts import receipt_common, write_receipts
    from flows.reference import load_reference
    from flows.settings import Settings
    from flows.validate import validate_submissions

    inbox, mail = smtp
    data = tmp_path / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    settings = Settings(data_dir=data, mail=mail)
    load_reference.fn(settings)
    ingest_inbox.fn(settings, "run-1")
    validate_submissions.fn(settings, "run-1")
    build_warehouse.fn(settings)
    write_receipts.fn(settings, "run-1", receipt_common(settings, "run-1"))
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        expected = con.execute(
            "select ledger.file_name, list(c.email order by c.email) "
            "from ops.file_ledger ledger join staging.stg_submissions__file_keys keys "
            "using (sha256) join reference.ref_enterprise_contacts c using (tax_code) "
            "group by all order by all"
        ).fetchall()
    assert expected, "the demo's files have registered addresses"
    assert send_queued(settings.warehouse, settings.outbox, mail).sent == len(expected)
    assert send_queued(settings.warehouse, settings.outbox, mail).sent == 0
    got = sorted(
        (str(message["Subject"]).split(" / ")[1].removeprefix("Receipt for the file "), to)
        for to, message in inbox.received
    )
    assert got == [(name, sorted(to)) for name, to in expected]
    for _to, message in inbox.received:
        assert str(message["Subject"]).startswith("Biên nhận tệp ")
        body = message.get_body(("html",))
        assert body is not None and "<html" in body.get_content()


def test_a_long_vietnamese_subject_keeps_every_space(tmp_path: Path) -> None:
    """Python 3.11 folds a long non-ASCII subject into encoded words and drops the space
    between two of them ("Công tyCổ phần"); the subject written keeps every space."""
    subject = (
        "Re: Số liệu tháng 10/2026 – Công ty Cổ phần Hòa Mỹ Điền – Biên nhận tệp "
        "3717315638_2026-10.xlsx / Receipt for the file 3717315638_2026-10.xlsx"
    )
    warehouse, outbox = tmp_path / "netzero.duckdb", tmp_path / "outbox"
    message = compose(
        MailSettings(), kind="receipt", about="a", recipients=["a@b.example"], subject=subject,
        text="x",
    )  # fmt: skip
    queue(warehouse, outbox, [Queued(message, "receipt", "a")], send=False)
    (eml,) = (outbox / "mail").rglob("*.eml")
    raw = eml.read_bytes()
    assert raw.isascii() and max(len(line) for line in raw.splitlines()) <= 78
    assert email.message_from_bytes(raw, policy=default)["Subject"] == subject
