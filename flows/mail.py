"""Outgoing mail (issue 18): every message is first an .eml in the outbox and a row in
ops.outgoing_mail, then sent over SMTP when one is configured. With none — the embedded
default — the .eml files are the output, ready to open in any mail client, recorded as
'written' (a server configured later sends only what is written after it).

Sending is at most once: an attempt is recorded (status 'sending') before the SMTP
transaction and 'sent' after it. A run killed in between leaves 'sending'; the next run
cannot know whether the server took the message, so it marks it 'uncertain' and never sends
it again (the agency's page lists it). A refused or unreachable server leaves the message
'queued', retried with back-off in this run and again by the next one.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime
from pathlib import Path

from flows.failpoints import failpoint
from flows.warehouse import ops

SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class MailSettings:
    """Who the agency's mail comes from, and the SMTP server when there is one: read from
    the environment (NETZERO_MAIL_FROM, NETZERO_MAIL_FROM_NAME, NETZERO_SMTP_HOST, _PORT,
    _SECURITY starttls | tls | none, _USER, _PASSWORD or _PASSWORD_FILE, _CA_FILE for a
    server whose certificate a private authority signed). Never stored in the repository."""

    sender: str = "netzero@localhost.invalid"
    sender_name: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    security: str = "starttls"
    user: str = ""
    password: str = ""
    ca_file: str = ""
    attempts: int = 3  # in one run, with back-off 1 s, 2 s, …
    backoff_seconds: float = 1.0
    timeout_seconds: float = 30.0

    @property
    def domain(self) -> str:
        return self.sender.rsplit("@", 1)[-1]


def mail_settings(environ: dict[str, str] | None = None) -> MailSettings:
    env = dict(os.environ if environ is None else environ)
    security = env.get("NETZERO_SMTP_SECURITY", "starttls")
    if security not in SECURITY:
        raise ValueError(f"NETZERO_SMTP_SECURITY must be one of {SECURITY}, not {security!r}")
    host = env.get("NETZERO_SMTP_HOST", "")
    default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
    return MailSettings(
        sender=env.get("NETZERO_MAIL_FROM", MailSettings.sender),
        sender_name=env.get("NETZERO_MAIL_FROM_NAME", ""),
        smtp_host=host,
        smtp_port=int(env.get("NETZERO_SMTP_PORT") or default_port),
        security=security,
        user=env.get("NETZERO_SMTP_USER", ""),
        password=password(env, "NETZERO_SMTP") if host else "",
        ca_file=env.get("NETZERO_SMTP_CA_FILE", ""),
    )


def password(env: dict[str, str], prefix: str) -> str:
    """A server's password, never from the repository: ``<prefix>_PASSWORD``, else the file
    ``<prefix>_PASSWORD_FILE`` names (a mounted secret), else the Prefect Secret block
    ``<prefix>_PASSWORD_BLOCK`` names (read from the Prefect server)."""
    if env.get(f"{prefix}_PASSWORD"):
        return env[f"{prefix}_PASSWORD"]
    if env.get(f"{prefix}_PASSWORD_FILE"):
        return Path(env[f"{prefix}_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
    if env.get(f"{prefix}_PASSWORD_BLOCK"):
        from prefect.blocks.system import Secret

        return str(Secret.load(env[f"{prefix}_PASSWORD_BLOCK"]).get())  # type: ignore[union-attr]
    return ""


IMAP_SECURITY = ("tls", "starttls")


@dataclass(frozen=True)
class ImapSettings:
    """The agency's mailbox (NETZERO_IMAP_*): host, port, security tls | starttls, user,
    password (_PASSWORD, _PASSWORD_FILE or a Prefect Secret block named by
    _PASSWORD_BLOCK), _CA_FILE for a private authority, the folder read (INBOX) and the
    folders handled and refused messages are moved to. No host: no mail intake (the drop
    folder alone, the embedded default)."""

    host: str = ""
    port: int = 993
    security: str = "tls"
    user: str = ""
    password: str = ""
    ca_file: str = ""
    folder: str = "INBOX"
    handled_folder: str = "netzero-handled"
    refused_folder: str = "netzero-refused"
    max_message_mb: float = 30  # a 20 MB file is ~27 MB once base64-encoded
    timeout_seconds: float = 60


def imap_settings(environ: dict[str, str] | None = None) -> ImapSettings:
    env = dict(os.environ if environ is None else environ)
    security = env.get("NETZERO_IMAP_SECURITY", "tls")
    if security not in IMAP_SECURITY:
        raise ValueError(f"NETZERO_IMAP_SECURITY must be one of {IMAP_SECURITY}, not {security!r}")
    host = env.get("NETZERO_IMAP_HOST", "")
    defaults = ImapSettings()
    return ImapSettings(
        host=host,
        port=int(env.get("NETZERO_IMAP_PORT") or (993 if security == "tls" else 143)),
        security=security,
        user=env.get("NETZERO_IMAP_USER", ""),
        password=password(env, "NETZERO_IMAP") if host else "",
        ca_file=env.get("NETZERO_IMAP_CA_FILE", ""),
        folder=env.get("NETZERO_IMAP_FOLDER") or defaults.folder,
        handled_folder=env.get("NETZERO_IMAP_HANDLED_FOLDER") or defaults.handled_folder,
        refused_folder=env.get("NETZERO_IMAP_REFUSED_FOLDER") or defaults.refused_folder,
        max_message_mb=float(env.get("NETZERO_IMAP_MAX_MESSAGE_MB") or defaults.max_message_mb),
    )


@dataclass(frozen=True)
class Attachment:
    name: str  # as the reader sees it (diacritics kept: RFC 2231)
    content: bytes
    mime: str  # "application/pdf", "text/csv", …


def message_id(kind: str, about: str, recipients: Sequence[str], domain: str) -> str:
    """The same message (kind, what it is about, to whom) always has the same id: writing
    it again after a crash finds the message already queued."""
    key = "\x1f".join([kind, about, *sorted(recipients)])
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.{kind}@{domain}>"


def compose(
    settings: MailSettings,
    *,
    kind: str,
    about: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
    in_reply_to: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """A message in UTF-8 throughout: Vietnamese display names and subject encoded (RFC 2047),
    attachment names with diacritics (RFC 2231), HTML and plain text alternatives."""
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(display_name=settings.sender_name, addr_spec=settings.sender)
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = message_id(kind, about, recipients, settings.domain)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: never answered by robots
    # quoted-printable: a seven-bit message any server relays, as readable as text can be
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        maintype, subtype = attachment.mime.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.name
        )
    return message


@dataclass(frozen=True)
class Queued:
    message: EmailMessage
    kind: str  # receipt, report, reminder, …
    about: str  # what the message is about (a file's sha256, an enterprise and period, …)


def queue(
    warehouse: Path,
    outbox: Path,
    messages: Iterable[Queued],
    run_id: str | None = None,
    send: bool = True,
) -> int:
    """Write each message as outbox/mail/<day>/<id>.eml (whole or not at all), then record
    it as queued to send, or as written when no SMTP server is configured (``send`` false:
    the file is the output, and configuring a server later never sends old messages). One
    already recorded (a rerun) is skipped: nothing is written twice. Returns how many were
    new."""
    known = ops.mail_ids(warehouse)
    rows: list[ops.MailRow] = []
    for item in messages:
        mid = str(item.message["Message-ID"])
        if mid in known:
            continue
        relative = f"mail/{datetime.now(UTC):%Y-%m-%d}/{mid.strip('<>').split('@')[0]}.eml"
        target = outbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(_bytes(item.message))
        os.replace(partial, target)
        rows.append(
            ops.MailRow(
                message_id=mid,
                kind=item.kind,
                about=item.about,
                recipients=[a.addr_spec for a in item.message["To"].addresses],
                subject=str(item.message["Subject"]),
                eml_path=relative,
                files=[str(p.get_filename()) for p in item.message.iter_attachments()],
                in_reply_to=item.message["In-Reply-To"],
            )
        )
        known.add(mid)
    ops.record_mail(warehouse, rows, run_id, "queued" if send else "written")
    return len(rows)


@dataclass(frozen=True)
class Sent:
    sent: int
    queued: int  # still waiting: no SMTP configured, or the server refused or was down
    uncertain: int  # found mid-send after a crash: never sent again


def send_queued(warehouse: Path, outbox: Path, settings: MailSettings) -> Sent:
    """Send every queued message when SMTP is configured; mark those a crash left
    mid-send as uncertain. Returns what happened."""
    queued, uncertain = ops.mail_to_send(warehouse)
    if not settings.smtp_host or not queued:
        return Sent(0, len(queued), uncertain)
    sent = 0
    for mid, eml_path, recipients in queued:
        raw = (outbox / eml_path).read_bytes()
        for attempt in range(settings.attempts):
            if attempt:
                time.sleep(settings.backoff_seconds * 2 ** (attempt - 1))
            ops.mark_mail(warehouse, mid, "sending")
            failpoint("mail.sending")  # killed here: the next run must not send it again
            try:
                _smtp_send(settings, raw, recipients)
            except (OSError, smtplib.SMTPException) as failure:
                ops.mark_mail(warehouse, mid, "queued", f"{type(failure).__name__}: {failure}")
                continue
            ops.mark_mail(warehouse, mid, "sent")
            sent += 1
            break
    return Sent(sent, len(queued) - sent, uncertain)


def _smtp_send(settings: MailSettings, raw: bytes, recipients: list[str]) -> None:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            context=context,
            timeout=settings.timeout_seconds,
        )
    else:
        smtp = smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds
        )
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password)
        options = ["SMTPUTF8"] if smtp.has_extn("smtputf8") and not raw.isascii() else []
        smtp.sendmail(settings.sender, recipients, raw, mail_options=options)


def _bytes(message: EmailMessage) -> bytes:
    """ASCII headers where they can be (RFC 2047); an address that is not ASCII needs
    SMTPUTF8 (RFC 6532)."""
    addresses = [a.addr_spec for h in ("From", "To") for a in message[h].addresses]
    if not all(a.isascii() for a in addresses):
        return message.as_bytes(policy=SMTPUTF8)
    return _subject_encoded(message.as_bytes(policy=SMTP), str(message["Subject"] or ""))


def _subject_encoded(raw: bytes, subject: str) -> bytes:
    """The Subject as RFC 2047 encoded words that keep every space. Python 3.11's folder
    drops the space between two encoded words it splits a long header into ("Công tyCổ
    phần"); the older Header class encodes whole runs, spaces inside the words."""
    if subject.isascii():
        return raw
    head, blank, body = raw.partition(b"\r\n\r\n")
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    lines: list[bytes] = []
    in_subject = False
    for line in head.split(b"\r\n"):
        if in_subject and line[:1] in (b" ", b"\t"):
            continue  # the old subject's folded lines
        in_subject = line.lower().startswith(b"subject:")
        lines.append(b"Subject: " + encoded.encode("ascii") if in_subject else line)
    return b"\r\n".join(lines) + blank + body
