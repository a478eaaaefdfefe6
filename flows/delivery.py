"""The month's reports by mail after the close (issue 18): each enterprise its own report
(the report's HTML as the body, its PDF attached) at its registered addresses; the agency's
recipients (agency.toml [mail]) the province and park reports and the method annex.

Written to the outbox first like every message, sent when SMTP is configured. A message's id
is fixed by the report's bytes: a rerun that renders the same report writes nothing, a
restated month (new bytes) writes a revised report."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from prefect import task

from flows import letters, mail
from flows import warehouse as wh
from flows.runs import IO_RETRY
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words
from report_templates.contexts.member_list import LISTS
from report_templates.render import period_label

PDF = "application/pdf"
TITLES = {
    False: words.N_("Net-zero progress report, {month}: {name}"),
    True: words.N_("Revised net-zero progress report, {month}: {name}"),
}


@dataclass(frozen=True)
class Delivered:
    enterprises: int  # reports written as mail (new or revised)
    without_address: int  # enterprise reports with no registered address to go to
    pack: int  # 1 when the agency's pack was written


@task(**IO_RETRY)
def deliver_reports(settings: Settings, period: str, folder: Path, run_id: str) -> Delivered:
    """Write the mail for the published reports of ``period`` in ``folder``."""
    addresses = ops.enterprise_addresses(settings.warehouse)
    with wh.connect(settings.warehouse, read_only=True) as con:
        names = {
            tax: (vi, en)
            for tax, vi, en in con.execute(
                "select tax_code, name_vi, name_en from marts.dim_enterprises"
            ).fetchall()
        }
    # this month's reports written before, by enterprise (about: period/tax code/digest)
    sent_before: dict[str, set[str]] = {}
    for about in ops.mail_abouts(settings.warehouse, "report"):
        if about.startswith(f"{period}/"):
            sent_before.setdefault(about.split("/")[1], set()).add(about)
    known = ops.mail_ids(settings.warehouse)
    month = period_label(period)
    counts = {"composed": 0, "without": 0}

    def messages() -> Iterator[mail.Queued]:
        """One at a time, as the outbox takes them: each holds its PDF and its HTML, and
        at 10,000 enterprises holding them all took the run to 4.6 GB."""
        for pdf in sorted((folder / "enterprises").glob(f"*_{period}.pdf")):
            tax_code = pdf.name.split("_")[0]
            to = addresses.get(tax_code, [])
            if not to:
                counts["without"] += 1
                continue
            content = pdf.read_bytes()
            about = f"{period}/{tax_code}/{hashlib.sha256(content).hexdigest()[:16]}"
            if mail.message_id("report", about, to, settings.mail.domain) in known:
                continue  # this report, to these addresses, is already written
            counts["composed"] += 1
            revised = bool(sent_before.get(tax_code, set()) - {about})
            name_vi = names.get(tax_code, (tax_code, tax_code))[0]
            message = _report_message(settings, pdf, content, to, about, name_vi, revised, month)
            yield mail.Queued(message, "report", about)

    send = bool(settings.mail.smtp_host)
    written = mail.queue(settings.warehouse, settings.outbox, messages(), run_id, send=send)
    pack = _pack(settings, period, folder, run_id, counts["composed"], counts["without"])
    packs = mail.queue(settings.warehouse, settings.outbox, [pack] if pack else [], run_id, send)
    return Delivered(written, counts["without"], packs)


def _report_message(
    settings: Settings,
    pdf: Path,
    content: bytes,
    to: list[str],
    about: str,
    name_vi: str,
    revised: bool,
    month: str,
) -> EmailMessage:
    """An enterprise's report: its HTML as the body, its PDF attached."""
    title = words.pair(TITLES[revised], month=month, name=name_vi)
    paragraphs = [
        words.pair(
            "{agency} sends the enterprise its net-zero progress report for {month} (PDF "
            "attached; the same report is this message's HTML body). Its first page says "
            "what the month means for the enterprise and what to do.",
            agency=settings.agency_vi,
            month=month,
        )
    ]
    if revised:
        paragraphs.append(
            words.pair(
                "It replaces the report sent earlier for the same month: figures changed "
                "since (a file or the reference data)."
            )
        )
    letter = letters.Letter(
        title, paragraphs, attachments=(mail.Attachment(pdf.name, content, PDF),)
    )
    html_page = pdf.with_suffix(".html")
    return mail.compose(
        settings.mail,
        kind="report",
        about=about,
        recipients=to,
        subject=f"{title[0]} / {title[1]}",
        text=letters.text(letter),
        html=html_page.read_text(encoding="utf-8") if html_page.exists() else None,
        attachments=letter.attachments,
    )


def _headline(settings: Settings, period: str) -> tuple[str, str]:
    """What the agency acts on first: how many enterprises have not sent the month, and
    how many sent it late (marts.fct_submission_status)."""
    with wh.connect(settings.warehouse, read_only=True) as con:
        row = con.execute(
            "select count(*), count(*) filter (where submission_status in "
            "('missing', 'rejected')), count(*) filter (where is_late) "
            "from marts.fct_submission_status where period = ?",
            [period],
        ).fetchone()
    expected, owing, late = row or (0, 0, 0)
    return words.pair(
        "Of {expected} enterprises, {owing} have not sent the data for {month} (missing or "
        "rejected: their figures are unknown in these reports) and {late} sent them late.",
        expected=expected,
        owing=owing,
        late=late,
        month=period_label(period),
    )


def _pack(
    settings: Settings, period: str, folder: Path, run_id: str, enterprises: int, without: int
) -> mail.Queued | None:
    """The agency's message: the province report, each park's, and the method annex."""
    to = settings.agency.mail_recipients
    if not to:
        return None
    parks = sorted((folder / "parks").glob(f"*_{period}.pdf"))
    pdfs = [folder / f"province_{period}.pdf", *parks, folder / f"method_{period}.pdf"]
    pdfs = [p for p in pdfs if p.exists()]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in pdfs)).hexdigest()[:16]
    month = period_label(period)
    title = words.pair(
        "Reports for {month}: the province and {parks} parks", month=month, parks=len(parks)
    )
    paragraphs = [
        words.pair(
            "Attached: the province report, each industrial park's report and the method "
            "annex for {month}, as published; their first pages list what to act on.",
            month=month,
        ),
        words.pair(
            "Each enterprise's own report went to its registered addresses ({sent} this run); "
            "{without} enterprises have no registered address and received nothing.",
            sent=enterprises,
            without=without,
        ),
        words.pair(
            "Every report, in PDF and HTML, with its index and checksums: {folder}",
            folder=folder,
        ),
    ]
    # A long list is issued in parts beside its report (contexts/member_list.py): named
    # here, not attached (at 10,000 enterprises: 40 parts for the province, about as many for
    # the parks, 2 for the threshold list).
    parts = [
        p
        for kind in LISTS
        for p in folder.rglob(f"*_{period}_{kind}-*.pdf")
        if p.name.count(".") == 1  # the standard edition's
    ]
    if parts:
        paragraphs.insert(
            1,
            words.pair(
                "The lists of enterprises too long for their report are documents of their "
                "own beside it ({parts} parts, not attached; each report names and links its "
                "parts, and its PDF carries the whole list as a data file).",
                parts=len(parts),
            ),
        )
    letter = letters.Letter(
        title,
        paragraphs,
        key=_headline(settings, period),
        attachments=tuple(mail.Attachment(p.name, p.read_bytes(), PDF) for p in pdfs),
    )
    return letters.queued(
        settings, letter, kind="pack", about=f"{period}/{digest}", to=to, run_id=run_id
    )
