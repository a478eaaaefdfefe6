"""The agency's mailbox as a channel (issue 18), against a real IMAP server (dovecot) and a
real SMTP server (aiosmtpd) on loopback that delivers into the senders' IMAP mailboxes:
a file mailed by a registered address lands and its receipt arrives as the reply; anything
else is refused and told why; a message is taken once, across reruns and crashes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

import duckdb
import pytest

from flows.build_warehouse import build_warehouse
from flows.ingest import ingest_inbox
from flows.mail import send_queued
from flows.mail_intake import MailTaken, take_mail
from flows.receipts import receipt_common, write_receipts, write_validation_page
from flows.reference import load_reference
from flows.settings import Settings
from flows.validate import validate_submissions
from tests.flows.mailservers import IMAP_PASSWORD, Imap, Received, dovecot, smtp_server

AGENCY = "nop-so-lieu@snnmt.example"
SENDER = "moitruong@dn3717315638.example"  # registered for 3717315638 in the demo register
FILE = "3717315638_2026-10.xlsx"
SUBJECT = "Số liệu tháng 10/2026 – Công ty Cổ phần Hòa Mỹ Điền"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A demo province whose files are not in the inbox: the tests mail them."""
    from demo.generate import DemoSpec, generate_demo

    source = tmp_path_factory.mktemp("mail-intake") / "data"
    generate_demo(source, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    files = {p.name: p.read_bytes() for p in (source / "inbox").iterdir()}
    for name in files:
        (source / "inbox" / name).unlink()
    return source, files


@dataclass
class Mailroom:
    settings: Settings
    imap: Imap
    smtp: Received
    files: dict[str, bytes]

    def send(
        self,
        sender: str,
        attachments: list[tuple[str, bytes]],
        subject: str = SUBJECT,
        when: dt.datetime | None = None,
        headers: dict[str, str] | None = None,
        damaged: bool = False,
    ) -> tuple[str, bytes]:
        """An enterprise's message, delivered to the agency's mailbox; its id and bytes."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = AGENCY
        message["Subject"] = subject
        message["Date"] = format_datetime(when or dt.datetime.now(dt.UTC))
        message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content("Kính gửi Sở, công ty gửi số liệu tháng 10/2026.")
        for name, data in attachments:
            message.add_attachment(
                data, maintype="application", subtype="octet-stream", filename=name
            )
        raw = message.as_bytes(policy=SMTP)
        if damaged:  # an attachment's base64 mangled on the way
            raw = raw.replace(b"eHh4eHh4", b"eHh4*#!", 1)
        self.imap.deliver(AGENCY, raw, when)
        return str(message["Message-ID"]), raw

    def intake(self, run_id: str = "run-1") -> MailTaken:
        """The daily intake's steps, in its order, then what is queued is sent."""
        settings = self.settings
        load_reference.fn(settings)
        taken = take_mail.fn(settings, run_id)
        ingest_inbox.fn(settings, run_id)
        validate_submissions.fn(settings, run_id)
        build_warehouse.fn(settings)
        write_receipts.fn(settings, run_id, receipt_common(settings, run_id))
        send_queued(settings.warehouse, settings.outbox, settings.mail)
        return taken

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        with duckdb.connect(str(self.settings.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture
def room(tmp_path: Path, demo: tuple[Path, dict[str, bytes]]) -> Iterator[Mailroom]:
    source, files = demo
    data = tmp_path / "data"
    shutil.copytree(source, data)
    with dovecot() as imap, smtp_server(tmp_path, imap) as (received, smtp):
        settings = Settings(data_dir=data, mail=smtp, imap=imap.settings(AGENCY))
        yield Mailroom(settings, imap, received, files)


def test_a_mailed_file_lands_and_its_receipt_arrives_as_the_reply(room: Mailroom) -> None:
    when = dt.datetime(2026, 11, 10, 2, 30, tzinfo=dt.UTC)
    original_id, _ = room.send(SENDER, [(FILE, room.files[FILE])], when=when)
    taken = room.intake()
    assert (taken.messages, taken.files, taken.refused) == (1, 1, 0)

    # landed once, with its message as lineage and the server's arrival time as its own
    assert room.rows(
        "select l.status, f.received_at, m.sender, m.message_id, m.subject "
        "from ops.file_ledger l join raw.submission_files f using (sha256) "
        "join ops.incoming_mail_files i using (sha256) join ops.incoming_mail m using "
        "(message_key)"
    ) == [("landed", when.replace(tzinfo=None), SENDER, original_id, SUBJECT)]
    # the agency's message left the intake folder for the handled one
    assert room.imap.messages(AGENCY) == []
    assert len(room.imap.messages(AGENCY, "netzero-handled")) == 1

    # the receipt is in the sender's mailbox, threaded as the reply to what was sent
    (reply,) = room.imap.messages(SENDER)
    assert reply["In-Reply-To"] == original_id and reply["References"] == original_id
    assert str(reply["Subject"]).startswith(f"Re: {SUBJECT} – Biên nhận tệp {FILE}")
    body = reply.get_body(("html",))
    assert body is not None and FILE in body.get_content()
    # received: when the agency's server took the message (09:30 in Vietnam), not when the
    # intake ran
    assert "10/11/2026 09:30 (UTC+7)" in body.get_content()

    # the next intake takes nothing and answers nothing again
    again = room.intake("run-2")
    assert (again.messages, again.again) == (0, 0)
    assert len(room.imap.messages(SENDER)) == 1
    assert room.rows("select count(*) from ops.file_ledger") == [(1,)]


def test_an_unregistered_sender_is_refused_and_told_why(room: Mailroom) -> None:
    stranger = "ke-toan.hoamydien@gmail.example"
    original_id, _ = room.send(stranger, [(FILE, room.files[FILE])])
    taken = room.intake()
    assert (taken.messages, taken.files, taken.refused) == (1, 0, 1)
    assert room.rows("select count(*) from ops.file_ledger") == [(0,)]  # nothing landed
    assert list(room.settings.inbox.iterdir()) == []
    assert room.rows("select status, rule, sender from ops.incoming_mail") == [
        ("refused", "sender_not_registered", stranger)
    ]
    assert len(room.imap.messages(AGENCY, "netzero-refused")) == 1  # kept, for the agency
    (reply,) = room.imap.messages(stranger)
    assert reply["In-Reply-To"] == original_id
    text = reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Địa chỉ {stranger} chưa được đăng ký" in text  # Vietnamese first
    assert f"The address {stranger} is not registered" in text
    # and a line for the agency, on the run's page
    page = write_validation_page.fn(room.settings, "run-1", receipt_common(room.settings, "run-1"))
    listed = page.read_text(encoding="utf-8")
    assert "Thư cần xem" in listed and stranger in listed and "not registered" in listed


def test_a_registered_sender_cannot_submit_for_another_enterprise(room: Mailroom) -> None:
    other = "moitruong@dn3753403620.example"  # registered, but for 3753403620
    room.send(other, [(FILE, room.files[FILE])])
    room.intake()
    ((status, reason_en),) = room.rows("select status, reason_en from ops.file_ledger")
    assert status == "rejected"
    assert reason_en.startswith(f"The file was sent by {other}, an address not registered")
    assert "3717315638" in reason_en
    (receipt,) = room.imap.messages(other)
    assert "Biên nhận tệp" in str(receipt["Subject"])
    body = receipt.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "not registered for the tax code 3717315638" in body


def test_the_same_message_seen_twice_lands_once(room: Mailroom) -> None:
    _, raw = room.send(SENDER, [(FILE, room.files[FILE])])
    room.imap.deliver(AGENCY, raw)  # the same message again (delivered twice)
    taken = room.intake()
    assert (taken.messages, taken.again) == (1, 1)
    assert room.rows("select status from ops.file_ledger") == [("landed",)]
    assert len(room.imap.messages(SENDER)) == 1  # one receipt
    assert len(room.imap.messages(AGENCY, "netzero-handled")) == 2
    assert room.imap.messages(AGENCY) == []


def test_messages_the_intake_cannot_take_get_a_clear_reply(room: Mailroom) -> None:
    registered = {
        "no_attachment": "moitruong@dn3753403620.example",
        "too_large": "moitruong@dn3766691743.example",
        "unreadable_attachment": "moitruong@dn3737104902.example",
        "automatic": "moitruong@dn3760453350.example",
    }
    room.send(registered["no_attachment"], [])
    room.send(registered["too_large"], [("big.xlsx", os.urandom(200_000))])
    room.send(registered["unreadable_attachment"], [("hong.xlsx", b"x" * 100)], damaged=True)
    room.send(registered["automatic"], [], headers={"Auto-Submitted": "auto-replied"})

    room.settings = Settings(
        data_dir=room.settings.data_dir,
        mail=room.settings.mail,
        imap=room.imap.settings(AGENCY, max_message_mb=0.1),
    )
    taken = room.intake()
    assert (taken.messages, taken.files, taken.refused) == (4, 0, 4)
    rules = dict(room.rows("select sender, rule from ops.incoming_mail"))
    assert rules == {address: rule for rule, address in registered.items()}
    assert room.rows("select count(*) from ops.file_ledger") == [(0,)]
    expected = {
        "no_attachment": "The message has no file attached",
        "too_large": "over the limit of 0.1 MB, and was not read",
        "unreadable_attachment": "The attached file hong.xlsx is damaged",
    }
    for rule, words in expected.items():
        (reply,) = room.imap.messages(registered[rule])
        assert words in reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert room.imap.messages(registered["automatic"]) == []  # never answer a robot
    assert len(room.imap.messages(AGENCY, "netzero-refused")) == 4


def _take_in_a_process(room: Mailroom, failpoint: str | None) -> int:
    """take_mail in its own process, configured from the environment as `netzero` is."""
    imap, smtp = room.settings.imap, room.settings.mail
    env = os.environ | {
        "NETZERO_DATA_DIR": str(room.settings.data_dir),
        "NETZERO_MAIL_FROM": smtp.sender,
        "NETZERO_SMTP_HOST": smtp.smtp_host,
        "NETZERO_SMTP_PORT": str(smtp.smtp_port),
        "NETZERO_SMTP_USER": smtp.user,
        "NETZERO_SMTP_PASSWORD": smtp.password,
        "NETZERO_SMTP_CA_FILE": smtp.ca_file,
        "NETZERO_IMAP_HOST": imap.host,
        "NETZERO_IMAP_PORT": str(imap.port),
        "NETZERO_IMAP_USER": imap.user,
        "NETZERO_IMAP_PASSWORD": IMAP_PASSWORD,
        "NETZERO_IMAP_CA_FILE": imap.ca_file,
        "NETZERO_FAILPOINT": failpoint or "",
    }
    code = (
        "from flows.mail_intake import take_mail; from flows.settings import settings_from_env; "
        "print(take_mail.fn(settings_from_env(), 'run-crash'))"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode


@pytest.mark.parametrize("point", ["mail_intake.downloaded", "mail_intake.recorded"])
def test_a_crash_between_download_and_commit_loses_nothing_and_duplicates_nothing(
    room: Mailroom, point: str
) -> None:
    load_reference.fn(room.settings)
    second = "3717315638_2026-09.xlsx"
    room.send(SENDER, [(FILE, room.files[FILE])])
    room.send(SENDER, [(second, room.files[second])], subject="Số liệu tháng 9/2026")
    assert _take_in_a_process(room, point) == -9  # killed at the first message
    assert sorted(p.name for p in room.settings.inbox.iterdir()) == [FILE]
    assert len(room.imap.messages(AGENCY)) == 2  # neither moved yet

    taken = room.intake()
    assert taken.again == (1 if point == "mail_intake.recorded" else 0)
    assert taken.messages == (1 if point == "mail_intake.recorded" else 2)
    assert room.rows("select count(*) from ops.incoming_mail") == [(2,)]
    assert sorted(room.rows("select file_name, status from ops.file_ledger")) == [
        (second, "landed"),
        (FILE, "landed"),
    ]
    assert room.imap.messages(AGENCY) == []
    assert len(room.imap.messages(SENDER)) == 2  # one receipt each


@pytest.mark.parametrize("point", ["mail_intake.downloaded", "mail_intake.recorded"])
def test_a_crash_while_refusing_a_message_answers_it_once(room: Mailroom, point: str) -> None:
    """The refusal is queued before the message is recorded: killed on either side of the
    record, the next run neither loses the answer nor sends it twice."""
    load_reference.fn(room.settings)
    stranger = "ke-toan.hoamydien@gmail.example"
    room.send(stranger, [(FILE, room.files[FILE])])
    assert _take_in_a_process(room, point) == -9
    taken = room.intake()
    assert (taken.messages, taken.again) == ((0, 1) if point == "mail_intake.recorded" else (1, 0))
    assert len(room.imap.messages(stranger)) == 1
    assert room.rows("select status, rule from ops.incoming_mail") == [
        ("refused", "sender_not_registered")
    ]


def test_a_mailbox_that_cannot_be_reached_leaves_the_drop_folder_working(
    room: Mailroom,
) -> None:
    room.settings = Settings(
        data_dir=room.settings.data_dir,
        mail=room.settings.mail,
        imap=room.imap.settings(AGENCY, password="sai-mat-khau"),
    )
    (room.settings.inbox / FILE).write_bytes(room.files[FILE])  # the drop folder
    taken = room.intake()
    assert taken.error is not None and "AUTHENTICATIONFAILED" in taken.error
    assert room.rows("select status from ops.file_ledger") == [("landed",)]


def test_the_mailbox_password_can_come_from_a_prefect_secret_block(
    room: Mailroom, prefect_server: None
) -> None:
    """The credentials never sit in the repository: here the password is a Secret block on
    the Prefect server, named by NETZERO_IMAP_PASSWORD_BLOCK."""
    from prefect.blocks.system import Secret

    from flows.mail import imap_settings

    Secret(value=IMAP_PASSWORD).save("netzero-imap-test", overwrite=True)
    imap = room.settings.imap
    from_block = imap_settings(
        {
            "NETZERO_IMAP_HOST": imap.host,
            "NETZERO_IMAP_PORT": str(imap.port),
            "NETZERO_IMAP_USER": imap.user,
            "NETZERO_IMAP_PASSWORD_BLOCK": "netzero-imap-test",
            "NETZERO_IMAP_CA_FILE": imap.ca_file,
        }
    )
    assert from_block.password == IMAP_PASSWORD
    room.settings = Settings(
        data_dir=room.settings.data_dir, mail=room.settings.mail, imap=from_block
    )
    room.send(SENDER, [(FILE, room.files[FILE])])
    assert room.intake().files == 1


def test_an_attachment_named_in_vietnamese_lands_under_its_name(room: Mailroom) -> None:
    """The name with diacritics (RFC 2231 in the message) is the file's name in the inbox,
    the ledger and the receipt's subject, in NFC."""
    name = "Số liệu tháng 9 – Vạn Lợi Hà.xlsx"
    room.send(SENDER, [(name, room.files["3717315638_2026-09.xlsx"])])
    assert room.intake().files == 1
    assert room.rows("select file_name, status from ops.file_ledger") == [(name, "landed")]
    (reply,) = room.imap.messages(SENDER)
    assert f"Biên nhận tệp {name} / Receipt for the file {name}" in str(reply["Subject"])


def test_a_mailbox_behind_starttls_is_read_the_same_way(room: Mailroom) -> None:
    """Port 143 with STARTTLS (the server refuses a login in clear) instead of 993."""
    room.settings = Settings(
        data_dir=room.settings.data_dir,
        mail=room.settings.mail,
        imap=room.imap.settings(AGENCY, security="starttls", port=room.imap.starttls_port),
    )
    room.send(SENDER, [(FILE, room.files[FILE])])
    assert room.intake().files == 1
    assert len(room.imap.messages(SENDER)) == 1
