"""Real mail servers on loopback for the mail tests (issue 18): an SMTP server (aiosmtpd)
that demands STARTTLS and a login, and an IMAP server (Debian's dovecot-imapd, set up by
`make test`) with throwaway mailboxes. The SMTP server can deliver what it receives into the
recipients' IMAP mailboxes, as the agency's and the enterprises' providers would."""

from __future__ import annotations

import datetime as dt
import email
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from flows.mail import ImapSettings, MailSettings

SMTP_USER, SMTP_PASSWORD = "so-nnmt", "mat-khau-thu"
# By address, not by name: a machine without /etc/hosts (a fresh debootstrap root) cannot
# resolve "localhost"; the certificates name both.
LOOPBACK = "127.0.0.1"
IMAP_PASSWORD = "mat-khau-hop-thu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for localhost and 127.0.0.1 (its own authority)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.IPv4Address(LOOPBACK))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "localhost.crt", folder / "localhost.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Imap:
    """A running dovecot: every address is a mailbox (password IMAP_PASSWORD)."""

    port: int  # IMAP over TLS (imaps)
    ca_file: Path
    starttls_port: int = 0  # plain IMAP that demands STARTTLS before a login

    def client(self, address: str) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        box = imaplib.IMAP4_SSL(LOOPBACK, self.port, ssl_context=context, timeout=10)
        box.login(address, IMAP_PASSWORD)
        return box

    def deliver(self, address: str, raw: bytes, when: dt.datetime | None = None) -> None:
        """Put a message in ``address``'s INBOX, as its provider would on delivery."""
        box = self.client(address)
        try:
            stamp = imaplib.Time2Internaldate(when.timestamp()) if when else None
            status, data = box.append("INBOX", None, stamp, raw)
            assert status == "OK", data
        finally:
            box.logout()

    def messages(self, address: str, folder: str = "INBOX") -> list[EmailMessage]:
        """The messages in one of ``address``'s folders, parsed (none if it does not exist)."""
        box = self.client(address)
        try:
            status, _ = box.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, found = box.uid("SEARCH", "ALL")
            out = []
            for uid in found[0].split():
                _, data = box.uid("FETCH", uid, "(BODY.PEEK[])")
                parsed = email.message_from_bytes(data[0][1], policy=default)  # type: ignore[index]
                assert isinstance(parsed, EmailMessage)
                out.append(parsed)
            return out
        finally:
            box.logout()

    def settings(self, address: str, **overrides: object) -> ImapSettings:
        values: dict[str, object] = {
            "host": LOOPBACK,
            "port": self.port,
            "security": "tls",
            "user": address,
            "password": IMAP_PASSWORD,
            "ca_file": str(self.ca_file),
            "timeout_seconds": 10,
        }
        return ImapSettings(**(values | overrides))  # type: ignore[arg-type]


@contextmanager
def dovecot() -> Iterator[Imap]:
    """Dovecot on free loopback ports, IMAP over TLS and IMAP with STARTTLS required (no
    login in clear: ssl = required), maildirs in a throwaway folder.
    As root its processes run as Debian's dovecot/dovenull users (dovecot refuses root);
    otherwise as the current user."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(binary).exists():
        raise RuntimeError(
            "dovecot is not installed: `make test` installs dovecot-imapd (scripts/setup.sh "
            "--test) / chưa cài dovecot-imapd"
        )
    # short: dovecot's sockets live under it (a socket path has at most 107 bytes)
    root = Path(tempfile.mkdtemp(prefix="nz-imap-", dir="/tmp"))
    root.chmod(0o755)
    cert, key = self_signed(root)
    (root / "mail").mkdir()
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        login_user, internal_user = "dovenull", "dovecot"
        os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
    else:
        me = pwd.getpwuid(os.getuid())
        login_user = internal_user = me.pw_name
        uid, gid = me.pw_uid, me.pw_gid
    port, starttls_port = free_port(), free_port()
    config = root / "dovecot.conf"
    config.write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
auth_mechanisms = plain
passdb {{
  driver = static
  args = password={IMAP_PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
""",
        encoding="utf-8",
    )
    server = subprocess.Popen([binary, "-F", "-c", str(config)])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                log = root / "dovecot.log"
                if server.poll() is not None or time.monotonic() > deadline:
                    detail = log.read_text() if log.exists() else ""
                    raise RuntimeError(f"dovecot did not start:\n{detail}") from None
                time.sleep(0.1)
        yield Imap(port, cert, starttls_port)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)


class Received:
    """What the SMTP server received: each envelope's recipients and the parsed message;
    delivered into the recipients' IMAP mailboxes too when given one."""

    def __init__(self, imap: Imap | None = None) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.imap = imap

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        if self.imap is not None:
            for address in envelope.rcpt_tos:
                self.imap.deliver(address, envelope.original_content)
        return "250 OK"


def _login(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # False: the server answers 535 itself


@contextmanager
def smtp_server(folder: Path, imap: Imap | None = None) -> Iterator[tuple[Received, MailSettings]]:
    """A real SMTP server on loopback that demands STARTTLS before a login."""
    cert, key = self_signed(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received, port = Received(imap), free_port()
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=_login,
        auth_required=True,
        enable_SMTPUTF8=True,
    )
    controller.start()
    try:
        yield (
            received,
            MailSettings(
                sender="bao-cao@snnmt.example",
                sender_name="Sở Nông nghiệp và Môi trường",
                smtp_host=LOOPBACK,
                smtp_port=port,
                security="starttls",
                user=SMTP_USER,
                password=SMTP_PASSWORD,
                ca_file=str(cert),
                backoff_seconds=0.01,
                timeout_seconds=5,
            ),
        )
    finally:
        controller.stop()
