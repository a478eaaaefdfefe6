"""Reminders (issue 18): before a month's due day and on it, each enterprise whose month the
warehouse says is missing or rejected gets a letter naming the period and the due date, with
its template attached; after the due day a second notice, and the agency the list.

Who owes the month is transforms/reminders.py's rule over the warehouse as the run's own
intake left it (a file that arrived this morning is not reminded of). A letter's id is fixed
by the period, the stage and the enterprise: a rerun the same day writes nothing twice."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from prefect import task

from flows import letters, mail
from flows import warehouse as wh
from flows.runs import IO_RETRY
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words
from report_templates.render import period_label
from report_templates.submission_template import Addressee, write_template
from transforms.periods import due_date, due_label
from transforms.reminders import owed_month, period_due, stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADDRESSEE = words.N_("To {name} (tax code {tax_code}), {park}.")
TITLES = {
    "before": words.N_("Reminder: the data for {month} are due on {due}"),
    "due_day": words.N_("Today is the due day for the data of {month}"),
    "second_notice": words.N_("Second notice: the data for {month} were due on {due}"),
}


@dataclass(frozen=True)
class Reminded:
    period: str
    stage: str  # before | due_day | second_notice
    owing: int  # enterprises whose month is missing or rejected
    written: int  # letters written (enterprises with an address; the agency's list)
    without_address: list[str]  # owing enterprises with no registered address


@task(**IO_RETRY)
def write_reminders(settings: Settings, today: date, run_id: str) -> Reminded:
    """Write the day's letters to the outbox (sent when SMTP is configured)."""
    period, when = period_due(today), stage(today, settings.due_day)
    with wh.connect(settings.warehouse, read_only=True) as con:
        if not wh.table_exists(con, "marts.dim_enterprises"):
            return Reminded(period, when, 0, 0, [])
        enterprises = wh.read_table(con, "marts.dim_enterprises")
        files = wh.read_table(con, "staging.stg_submissions__files")
    contacts = ops.enterprise_addresses(settings.warehouse)
    owing = (
        owed_month(enterprises.lazy(), files.lazy(), period, settings.due_day)
        .collect()
        .join(
            enterprises.select("tax_code", "name_vi", "name_en", "park_name_vi", "park_name_en"),
            "tax_code",
        )
    )
    due = due_label(period, settings.due_day)
    messages: list[mail.Queued] = []
    without: list[str] = []
    with tempfile.TemporaryDirectory(prefix="netzero-templates-") as folder:
        for row in owing.iter_rows(named=True):
            to = contacts.get(row["tax_code"], [])
            if not to:
                without.append(row["tax_code"])
                continue
            letter = _reminder(settings, row, period, today, when, Path(folder))
            about = f"{period}/{when}/{row['tax_code']}"
            messages.append(
                letters.queued(settings, letter, kind="reminder", about=about, to=to, run_id=run_id)
            )
    if when == "second_notice" and settings.agency.mail_recipients:
        letter = _agency_list(owing, contacts, period, due)
        messages.append(
            letters.queued(
                settings,
                letter,
                kind="owing_list",
                about=f"{period}/{when}",
                to=settings.agency.mail_recipients,
                run_id=run_id,
            )
        )
    written = mail.queue(
        settings.warehouse, settings.outbox, messages, run_id, send=bool(settings.mail.smtp_host)
    )
    return Reminded(period, when, owing.height, written, without)


def _reminder(
    settings: Settings,
    row: dict[str, object],
    period: str,
    today: date,
    when: str,
    folder: Path,
) -> letters.Letter:
    """The letter to one enterprise: what is owed and by when, what to do, its template."""
    tax_code, month = str(row["tax_code"]), period_label(period)
    due = due_label(period, settings.due_day)
    rejected = row["submission_status"] == "rejected"
    revision = int(row["revision"] or 0) + 1 if rejected else 1  # type: ignore[call-overload]
    title = words.pair(TITLES[when], month=month, due=due)
    state = (
        words.pair(
            "Every line of the file received for {month} was rejected: the month counts as "
            "not submitted. The receipt lists each line and what to correct.",
            month=month,
        )
        if rejected
        else words.pair("No file for {month} has been received.", month=month)
    )
    to_vi, _ = words.pair(
        ADDRESSEE, name=row["name_vi"], tax_code=tax_code, park=row["park_name_vi"] or "–"
    )
    _, to_en = words.pair(
        ADDRESSEE,
        name=row["name_en"] or row["name_vi"],
        tax_code=tax_code,
        park=row["park_name_en"] or row["park_name_vi"] or "–",
    )
    paragraphs = [
        (to_vi, to_en),
        state,
        words.pair(
            "Fill in the attached template (revision {revision}) and send it to {address}. "
            "Each file received gets a receipt by return.",
            revision=revision,
            address=settings.imap.user if "@" in settings.imap.user else settings.mail.sender,
        ),
    ]
    if when == "second_notice":
        paragraphs.insert(
            2,
            words.pair(
                "The month is recorded as late. Until the file arrives, the enterprise's figures "
                "for {month} are unknown in the agency's reports, never counted as zero.",
                month=month,
            ),
        )
    template = folder / f"{tax_code}_{period}.xlsx"
    write_template(
        template,
        tax_code,
        period,
        revision,
        addressee=Addressee(
            enterprise_name=str(row["name_vi"]),
            due_date=due,
            agency_vi=settings.agency_vi,
            agency_en=settings.agency_en,
            contact=settings.agency_contact,
        ),
    )
    attachment = mail.Attachment(template.name, template.read_bytes(), XLSX)
    days = (due_date(period, settings.due_day) - today).days
    key = {
        "before": words.pair(
            "{days} days left: the file is due by the end of {due}.", days=days, due=due
        ),
        "due_day": words.pair("The file is due by the end of today, {due}.", due=due),
        "second_notice": words.pair(
            "{days} days late: the file was due on {due}.", days=-days, due=due
        ),
    }[when]
    return letters.Letter(title, paragraphs, key=key, attachments=(attachment,))


def _agency_list(
    owing: pl.DataFrame, contacts: dict[str, list[str]], period: str, due: str
) -> letters.Letter:
    """The list for the agency after the due day: who still owes the month, and whether
    they could be written to."""
    month = period_label(period)
    title = words.pair(
        "Enterprises that have not submitted the data for {month} (due {due}): {n}",
        month=month,
        due=due,
        n=owing.height,
    )
    status = {
        "missing": words.pair("no file"),
        "rejected": words.pair("file rejected"),
    }
    rows = [
        [
            str(r["tax_code"]),
            str(r["name_vi"]),
            str(r["park_name_vi"] or "–"),
            " / ".join(status[str(r["submission_status"])]),
            ", ".join(contacts.get(str(r["tax_code"]), [])) or " / ".join(words.pair("none")),
        ]
        for r in owing.iter_rows(named=True)
    ]
    paragraphs = [
        words.pair(
            "Each enterprise with a registered address received a second notice today. Those "
            "without one were not written to: their addresses belong in the register "
            "(enterprise_contacts.csv)."
        ),
    ]
    columns = [
        words.pair("Tax code"),
        words.pair("Enterprise"),
        words.pair("Industrial park"),
        words.pair("Status"),
        words.pair("Addresses"),
    ]
    return letters.Letter(title, paragraphs, columns=columns, rows=rows)
