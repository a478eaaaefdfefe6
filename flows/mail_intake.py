"""Mail intake (issue 18): the agency's mailbox as a channel into the inbox.

Each message in the intake folder is handled once, keyed by its Message-ID (the sha256 of
the message when it has none). Its attachments are written to ``data/inbox/`` (arrival time:
when the mail server received the message), the message is kept whole under ``data/mail/``,
and ops.incoming_mail / ops.incoming_mail_files record sender, subject, message id and
received time as the files' lineage. Only then is the message moved out of the folder.

A crash before the record leaves the message in the folder: the next run writes the same
files again (same names, same bytes) and records it. A crash after the record and before the
move: the next run finds the key recorded and only moves it. Nothing is taken twice.

Refused, with a bilingual reply to the sender (RFC 3834: never to an automatic message):
an address not registered for any enterprise, a message without an attachment, a message
over the size limit (never downloaded), attachments that cannot be decoded. Whether the
sender may submit for the tax code a file carries is checked when the file lands
(flows/ingest.py), with the register's contacts; every other rule on files applies as for
the drop folder.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import os
import re
import ssl
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors as email_errors
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from prefect import task

from flows import mail
from flows.failpoints import failpoint
from flows.inbox import in_progress
from flows.mail import ImapSettings
from flows.runs import IO_RETRY
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words

log = logging.getLogger("netzero.intake")

UNREADABLE = (
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64LengthDefect,
)


@dataclass(frozen=True)
class MailTaken:
    messages: int  # handled in this run
    files: int  # attachments written to the inbox
    refused: int  # messages refused (answered unless automatic)
    again: int  # messages already handled, seen again: moved, nothing taken twice
    error: str | None = None  # the mailbox could not be read: the next run tries again


# Why a message is refused: the rule, what the reply says, and what to do.
REFUSALS = {
    "sender_not_registered": words.Term(
        "The address {sender} is not registered to submit data for any enterprise. Send the "
        "file from an address the agency has registered for your enterprise, or ask the "
        "agency to register this one (with your tax code)."
    ),
    "no_attachment": words.Term(
        "The message has no file attached. Attach the month's data file (the agency's "
        "template, .xlsx or .csv) and send it again."
    ),
    "too_large": words.Term(
        "The message is {size} MB, over the limit of {limit} MB, and was not read. Send the "
        "month's file alone, or compress it (.zip)."
    ),
    "unreadable_attachment": words.Term(
        "The attached file {name} is damaged in the message and cannot be read. Attach it "
        "again and send it again."
    ),
    "automatic": words.Term(
        "An automatic message (a delivery report, an auto-reply): not answered."
    ),
}


@task(**IO_RETRY)
def take_mail(settings: Settings, run_id: str) -> MailTaken:
    """Take every message in the mailbox's intake folder (nothing when no mailbox is
    configured). A mailbox that cannot be reached is logged and left for the next run: the
    drop folder is still landed."""
    imap = settings.imap
    if not imap.host:
        return MailTaken(0, 0, 0, 0)
    try:
        with _mailbox(imap) as box:
            return _take(settings, box, run_id)
    except (OSError, imaplib.IMAP4.error) as failure:
        error = f"{type(failure).__name__}: {failure}"
        log.error(
            "%s",
            words.both(
                "the mailbox {host} could not be read ({error}): its messages wait for the "
                "next run",
                host=imap.host,
                error=error,
            ),
        )
        return MailTaken(0, 0, 0, 0, error)


@contextmanager
def _mailbox(imap: ImapSettings) -> Iterator[imaplib.IMAP4]:
    context = ssl.create_default_context(cafile=imap.ca_file or None)
    box: imaplib.IMAP4
    if imap.security == "tls":
        box = imaplib.IMAP4_SSL(
            imap.host, imap.port, ssl_context=context, timeout=imap.timeout_seconds
        )
    else:
        box = imaplib.IMAP4(imap.host, imap.port, timeout=imap.timeout_seconds)
        box.starttls(ssl_context=context)
    try:
        box.login(imap.user, imap.password)
        for folder in (imap.handled_folder, imap.refused_folder):
            box.create(_quoted(folder))  # NO when it exists: fine
        _ok(box.select(_quoted(imap.folder)), "SELECT")
        yield box
        box.close()
    finally:
        try:
            box.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _take(settings: Settings, box: imaplib.IMAP4, run_id: str) -> MailTaken:
    imap = settings.imap
    handled = ops.incoming_handled(settings.warehouse)
    contacts = ops.registered_senders(settings.warehouse)
    found = _ok(box.uid("SEARCH", "ALL"), "SEARCH")[0]
    uids = bytes(found).decode().split() if isinstance(found, bytes) else []
    taken = files = refused = again = 0
    sending = bool(settings.mail.smtp_host)
    for uid in uids:
        size, received_at, header = _envelope(box, uid)
        key = _header_key(header)
        raw = None
        if (key is None or key not in handled) and size <= imap.max_message_mb * 1024 * 1024:
            raw = _fetch(box, uid, "BODY.PEEK[]")
        if key is None:  # no Message-ID: the message's own bytes name it
            key = "sha256:" + hashlib.sha256(raw if raw is not None else header).hexdigest()
        if key in handled:
            status, moved = handled[key]
            _move(box, uid, imap.refused_folder if status == "refused" else imap.handled_folder)
            if moved is None:
                ops.mark_moved(settings.warehouse, key, _folder(imap, status))
            again += 1
            continue
        message = message_from_bytes(raw or header, policy=default_policy)
        assert isinstance(message, EmailMessage)
        row, written, reply = _handle(settings, message, raw, size, received_at, key, contacts)
        if reply is not None:  # queued before the record: a crash between cannot lose it
            # (the next run composes the same reply, whose id is already queued)
            mail.queue(settings.warehouse, settings.outbox, [reply], run_id, send=sending)
        failpoint("mail_intake.downloaded")  # killed here: the next run writes the same files
        ops.record_incoming(settings.warehouse, row, written, run_id)
        failpoint("mail_intake.recorded")  # killed here: the next run only moves it
        _move(box, uid, _folder(imap, row.status))
        ops.mark_moved(settings.warehouse, key, _folder(imap, row.status))
        handled[key] = (row.status, _folder(imap, row.status))
        taken += 1
        files += len(written)
        refused += row.status == "refused"
    return MailTaken(taken, files, refused, again)


def _folder(imap: ImapSettings, status: str) -> str:
    return imap.refused_folder if status == "refused" else imap.handled_folder


def _handle(
    settings: Settings,
    message: EmailMessage,
    raw: bytes | None,
    size: int,
    received_at: datetime | None,
    key: str,
    contacts: dict[str, set[str]],
) -> tuple[ops.IncomingRow, list[ops.IncomingFile], mail.Queued | None]:
    """What to do with one new message: its attachments to the inbox, or a refusal; and
    the reply to send. The message is kept whole under data/mail/ first."""
    sender = _sender(message)
    subject = _text(message.get("Subject"))
    eml_path = None
    if raw is not None:
        digest = hashlib.sha256(raw).hexdigest()
        eml_path = f"mail/{(received_at or datetime.now(UTC)):%Y-%m}/{digest[:24]}.eml"
        _write_once(settings.data_dir / eml_path, raw, received_at)
    attachments = _attachments(message) if raw is not None else []
    rule: str | None = None
    values: dict[str, object] = {"sender": sender or "?"}
    if _automatic(message, sender):
        rule = "automatic"
    elif raw is None:
        rule = "too_large"
        values |= {
            "size": f"{size / 1024 / 1024:.1f}",
            "limit": f"{settings.imap.max_message_mb:g}",
        }
    elif sender not in contacts:
        rule = "sender_not_registered"
    elif not attachments:
        rule = "no_attachment"
    readable = [(name, data) for name, data in attachments if data is not None]
    damaged = [name for name, data in attachments if data is None]
    if rule is None and not readable:
        rule = "unreadable_attachment"
        values["name"] = ", ".join(damaged)
    written: list[ops.IncomingFile] = []
    if rule is None:
        for index, (name, data) in enumerate(readable):
            assert data is not None
            inbox_name = _inbox_name(settings.inbox, name, data, key, index)
            _write_once(settings.inbox / inbox_name, data, received_at)
            written.append(ops.IncomingFile(inbox_name, name, hashlib.sha256(data).hexdigest()))
    reason_vi = reason_en = None
    if rule is not None:
        reason_vi, reason_en = words.pair(REFUSALS[rule].msgid, **values)
    row = ops.IncomingRow(
        message_key=key,
        message_id=_text(message.get("Message-ID")) or None,
        sender=sender,
        subject=subject,
        sent_at=_date(message),
        received_at=received_at,
        size_bytes=size,
        eml_path=eml_path,
        status="refused" if rule else "taken",
        rule=rule,
        reason_vi=reason_vi,
        reason_en=reason_en,
        files=[f.file_name for f in written],
    )
    reply = None
    if sender and rule not in (None, "automatic"):
        reply = _refusal(settings, row)
    elif sender and damaged:  # some files taken, some damaged: say which
        unreadable = REFUSALS["unreadable_attachment"]
        vi, en = words.pair(unreadable.msgid, name=", ".join(damaged))
        reply = _refusal(settings, row, (vi, en))
    return row, written, reply


def _refusal(
    settings: Settings, row: ops.IncomingRow, reason: tuple[str, str] | None = None
) -> mail.Queued:
    """The bilingual answer to a message not (wholly) taken, as a reply to it."""
    vi, en = reason or (row.reason_vi or "", row.reason_en or "")
    head_vi, head_en = words.pair(
        "Your message “{subject}” of {on} to {agency} was not taken as a submission.",
        subject=row.subject or "–",
        on=f"{row.received_at:%d/%m/%Y %H:%M}" if row.received_at else "–",
        agency=settings.agency_vi,
    )
    if reason is not None:  # the message was taken; one of its files was not
        head_vi, head_en = words.pair(
            "Your message “{subject}” was received; one or more of its files could not be "
            "read. The files that could be read get their own receipt.",
            subject=row.subject or "–",
        )
    text = f"{head_vi}\n\n{vi}\n\n---\n\n{head_en}\n\n{en}\n"
    subject_vi, subject_en = words.pair("Your message was not taken")
    if reason is not None:
        subject_vi, subject_en = words.pair("A file in your message could not be read")
    message = mail.compose(
        settings.mail,
        kind="mail_refused",
        about=row.message_key,
        recipients=[row.sender or ""],
        subject=f"Re: {row.subject or ''} – {subject_vi} / {subject_en}".replace("Re:  – ", "Re: "),
        text=text,
        in_reply_to=row.message_id,
    )
    return mail.Queued(message, "mail_refused", row.message_key)


def _attachments(message: EmailMessage) -> list[tuple[str, bytes | None]]:
    """Every named file in the message, decoded; None for one that cannot be decoded."""
    found: list[tuple[str, bytes | None]] = []
    for part in message.walk():
        name = part.get_filename()
        if not name or part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        broken = any(isinstance(d, UNREADABLE) for d in part.defects)
        found.append((_nfc(name), None if broken or not isinstance(data, bytes) else data))
    return found


def _inbox_name(inbox: Path, name: str, data: bytes, key: str, index: int) -> str:
    """The attachment's own name, made a plain file name; when the inbox already holds
    another file of that name, the message's key is added (the same on every run)."""
    base = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", name).strip().lstrip(".") or "attachment"
    if in_progress(Path(base)):  # a name the intake would wait on forever
        base = f"{base}.file"
    target = inbox / base
    if not target.exists() or target.read_bytes() == data:
        return base
    stem, suffix = os.path.splitext(base)
    tag = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"{stem} ({tag}-{index + 1}){suffix}"


def _write_once(target: Path, data: bytes, received_at: datetime | None) -> None:
    """Whole or not at all (written beside, then renamed; the intake skips `.partial`),
    with the time the mail server received it as the file's time."""
    if target.exists() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    if received_at is not None:
        stamp = int(received_at.replace(tzinfo=UTC).timestamp() * 1e9)
        os.utime(partial, ns=(stamp, stamp))
    os.replace(partial, target)


def _sender(message: EmailMessage) -> str | None:
    try:
        addresses = message["From"].addresses if message["From"] else ()
    except (AttributeError, IndexError, ValueError):
        return None
    return addresses[0].addr_spec.lower() if addresses and addresses[0].addr_spec else None


def _automatic(message: EmailMessage, sender: str | None) -> bool:
    """RFC 3834: never answer an automatic message (and so never loop with a robot)."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto != "no"
        or precedence in ("bulk", "junk", "list")
        or not sender
        or sender.split("@")[0] in ("mailer-daemon", "postmaster")
    )


def _date(message: EmailMessage) -> datetime | None:
    try:
        sent = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return None
    return sent.astimezone(UTC).replace(tzinfo=None) if sent.tzinfo else sent


def _text(value: object) -> str:
    return _nfc(str(value)) if value is not None else ""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _header_key(header: bytes) -> str | None:
    parsed = message_from_bytes(header, policy=default_policy)
    mid = str(parsed.get("Message-ID") or "").strip()
    return mid or None


def _envelope(box: imaplib.IMAP4, uid: str) -> tuple[int, datetime | None, bytes]:
    """A message's size, when the server received it, and its header (not its body)."""
    data = _ok(box.uid("FETCH", uid, "(RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])"), "FETCH")
    meta, header = data[0][0], data[0][1]  # type: ignore[index]
    size = re.search(rb"RFC822\.SIZE (\d+)", meta)
    when = re.search(rb'INTERNALDATE "([^"]+)"', meta)
    received = None
    if when:
        parsed = datetime.strptime(when.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
        received = parsed.astimezone(UTC).replace(tzinfo=None)
    return int(size.group(1)) if size else 0, received, bytes(header)


def _fetch(box: imaplib.IMAP4, uid: str, item: str) -> bytes:
    data = _ok(box.uid("FETCH", uid, f"({item})"), "FETCH")
    return bytes(data[0][1])  # type: ignore[index]


def _move(box: imaplib.IMAP4, uid: str, folder: str) -> None:
    """Seen, then moved (MOVE, RFC 6851; else copy, delete, expunge)."""
    box.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")
    if "MOVE" in box.capabilities:
        _ok(box.uid("MOVE", uid, _quoted(folder)), "MOVE")
        return
    _ok(box.uid("COPY", uid, _quoted(folder)), "COPY")
    box.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
    if "UIDPLUS" in box.capabilities:
        box.uid("EXPUNGE", uid)
    else:
        box.expunge()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(result: tuple[str, Sequence[object]], command: str) -> list[object]:
    status, data = result[0], list(result[1])
    if status != "OK":
        raise imaplib.IMAP4.error(f"{command}: {status} {data!r}")
    return data
