"""One bilingual receipt per file seen by an intake run: HTML, plus a CSV of its rejected rows.

Written to ``outbox/receipts/<yyyy-mm-dd>/`` after validation, from the run's ledger and
quarantine rows, so a receipt says exactly what the warehouse recorded. File names start with
the file's sha256 prefix: an enterprise's file name never becomes a path of ours.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

import polars as pl
from prefect import task

from expectations.submission_lines import SUITE_VERSION
from flows import mail
from flows import warehouse as wh
from flows.runs import IO_RETRY
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words
from report_templates.contexts import RECEIPT_OUTCOME_MSGIDS, RECEIPT_TODO_MSGIDS
from report_templates.contexts.labels import STATUS_MSGIDS, WARNING_MSGIDS
from report_templates.pdf import csv_text
from report_templates.render import render_html
from transforms.submission_contract import FIELD_LABELS

VIETNAM = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh: UTC+7, no daylight saving
CSV_COLUMNS = ["line_no", "field", "value", "rule", "reason_vi", "reason_en"]

# What each owed receipt tells comes from the warehouse (queries/receipts_owed_*.sql): the
# file's keys as staging reads them, its month's status as the marts record it, never
# recomputed here. The build runs before the receipts in every run.


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", Path(name).name)[:80] or "file"


def receipt_path(sha256: str, file_name: str, seen_at: dt.datetime) -> str:
    """Where a file's receipt is, relative to the outbox: receipts/<day seen>/<stem>.html."""
    return f"receipts/{seen_at:%Y-%m-%d}/{sha256[:12]}_{_safe(file_name)}.html"


def outcome(status: str, lines: int, rejected_lines: int, warnings: int = 0) -> str:
    if status == "duplicate":
        return "duplicate"
    if status == "rejected" or (lines and rejected_lines == lines):
        return "rejected"
    if rejected_lines:
        return "partly_rejected"
    return "accepted_with_warnings" if warnings else "accepted"


def _labelled(issue: dict[str, object]) -> dict[str, object]:
    """A rejected line with its field as the submission template labels it."""
    label_vi, label_en = FIELD_LABELS.get(str(issue["field"]), (None, None))
    return issue | {"field_label_vi": label_vi, "field_label_en": label_en}


def _notice(msgid: str, **values: object) -> dict[str, str]:
    in_vi, in_en = words.pair(msgid, **values)
    return {"vi": in_vi, "en": in_en}


def notices(file: dict[str, object], due_day: int) -> list[dict[str, str]]:
    """Info for the receipt only: nothing wrong, but worth knowing."""
    out = []
    revision = file.get("revision") or 1
    assert isinstance(revision, int)
    if file["status"] == "landed" and revision > 1:
        out.append(
            _notice(
                "This file replaces revision {previous} of the month; the earlier one is kept.",
                previous=revision - 1,
            )
        )
    if file.get("notation_lines"):
        out.append(
            _notice(
                "{n} quantities with separators or a decimal comma were read as numbers; "
                "next time write them as 1234.5.",
                n=file["notation_lines"],
            )
        )
    period, received = file.get("period"), file.get("received_at")
    baseline = file.get("baseline_year")
    if isinstance(period, str) and period[:4].isdigit() and isinstance(baseline, int):
        if int(period[:4]) < baseline:
            out.append(
                _notice(
                    "The period {period} is before the enterprise's baseline year {baseline} "
                    "in the register: check the year; if it is right, the figures are kept "
                    "as history.",
                    period=period,
                    baseline=baseline,
                )
            )
    due, first = file.get("month_due_at"), file.get("month_first_received_at")
    if received is not None and due is not None and received >= due:  # type: ignore[operator]
        if file.get("month_is_late"):
            out.append(
                _notice(
                    "The file arrived after day {due_day} of the following month: recorded "
                    "as late.",
                    due_day=due_day,
                )
            )
        elif isinstance(first, dt.datetime):
            out.append(
                _notice(
                    "The file arrived after day {due_day} of the following month. The month "
                    "stays on time: its first file arrived on {on}; this file is a revision.",
                    due_day=due_day,
                    on=(first + VIETNAM).strftime("%d/%m/%Y"),
                )
            )
    return out


@task(**IO_RETRY)
def write_receipts(settings: Settings, run_id: str, common: dict[str, object]) -> Path:
    """Write every receipt owed: this run's, and those of a run killed before it wrote
    them (the ledger says which); returns the folder of this run's day."""
    with wh.connect(settings.warehouse, read_only=True) as con:
        seen = wh.query(con, wh.sql("receipts_owed_files")).to_dicts()
        issues = wh.query(con, wh.sql("receipts_owed_quarantine"))
        # An intake-only run (no build yet) has no warnings to tell.
        warnings = (
            wh.query(con, wh.sql("receipts_owed_warnings"))
            if wh.table_exists(con, "marts.fct_data_quality_warnings")
            else pl.DataFrame(schema={"sha256": pl.String})
        )
        origins = ops.mail_origins(con)  # the files that came by mail, and from whom
    if not seen:
        return settings.outbox / "receipts"
    contacts = ops.enterprise_addresses(settings.warehouse)
    # each file's rows, found once: filtering the whole frame for each file grows with
    # files × rows (a month at 10,000 enterprises: 20,000 files)
    empty_issues, empty_warnings = issues.clear(), warnings.clear()
    issues_of = issues.partition_by("sha256", as_dict=True, maintain_order=True)
    warnings_of = warnings.partition_by("sha256", as_dict=True, maintain_order=True)

    def receipt(file: dict[str, Any]) -> mail.Queued | None:
        """Write one file's receipt; its mail, when someone is registered to get it."""
        page = settings.outbox / receipt_path(file["sha256"], file["file_name"], file["seen_at"])
        folder = page.parent
        folder.mkdir(parents=True, exist_ok=True)
        mine = issues_of.get((file["sha256"],), empty_issues)
        lines = file["line_count"] or 0
        rejected = mine.filter(pl.col("line_no").is_not_null())["line_no"].n_unique()
        flagged = warnings_of.get((file["sha256"],), empty_warnings).to_dicts()
        result = outcome(file["status"], lines, rejected, len(flagged))
        stem = page.stem
        context = common | {
            "receipt": file
            | {
                "seen_at": file["seen_at"],
                "month_status_msgid": STATUS_MSGIDS.get(file["month_status"] or ""),
                "lines": lines,
                "accepted": lines - rejected,
                "rejected": rejected,
                "outcome": result,
                "outcome_msgid": RECEIPT_OUTCOME_MSGIDS[result],
                "todo_msgid": RECEIPT_TODO_MSGIDS[result],
                "issues": [_labelled(issue) for issue in mine.to_dicts()],
                "warnings": [w | {"label_msgid": WARNING_MSGIDS[w["rule"]]} for w in flagged],
                "notices": notices(file, settings.due_day),
            }
        }
        html = render_html("receipt", context)
        (folder / f"{stem}.html").write_text(html, encoding="utf-8")
        rejected_csv = None
        if not mine.is_empty():
            rejected_csv = csv_text(mine.select(CSV_COLUMNS).to_dicts())
            (folder / f"{stem}.rejected.csv").write_text(rejected_csv, encoding="utf-8")
        # a file that came by mail: the reply to its message, to its sender; any other: to
        # the addresses registered for its tax code
        origin = origins.get(str(file["sha256"]))
        to = [origin[0]] if origin else contacts.get(str(file["tax_code"]), [])
        if not to:
            return None
        return _receipt_mail(settings, file, result, to, html, rejected_csv, origin)

    # handed to the queue one by one: thousands of files never hold their messages at once
    mails = (m for m in map(receipt, seen) if m is not None)
    mail.queue(
        settings.warehouse, settings.outbox, mails, run_id, send=bool(settings.mail.smtp_host)
    )
    _written(settings, seen)
    last = seen[-1]
    return (
        settings.outbox / receipt_path(last["sha256"], last["file_name"], last["seen_at"])
    ).parent


def _receipt_mail(
    settings: Settings,
    file: dict[str, object],
    result: str,
    to: list[str],
    html: str,
    rejected_csv: str | None,
    origin: tuple[str, str | None, str | None] | None = None,
) -> mail.Queued:
    """The receipt to the enterprise's registered addresses, or as the reply to the message
    that brought the file (``origin``: sender, Message-ID, subject): the page as the body,
    its rejected lines attached; written to the outbox first, sent when SMTP is
    configured."""
    # a file and its name: the same bytes sent under two names get a receipt each
    about = f"{file['sha256']}/{file['file_name']}"
    subject_vi, subject_en = words.pair(
        "Receipt for the file {file_name}", file_name=file["file_name"]
    )
    outcome_vi, outcome_en = words.pair(RECEIPT_OUTCOME_MSGIDS[result])
    todo_vi, todo_en = words.pair(RECEIPT_TODO_MSGIDS[result])
    text = f"{outcome_vi}\n{todo_vi}\n\n{outcome_en}\n{todo_en}\n"
    attachments = []
    if rejected_csv is not None:
        name = f"{Path(str(file['file_name'])).stem}.rejected.csv"
        attachments.append(mail.Attachment(name, rejected_csv.encode("utf-8"), "text/csv"))
    subject = f"{subject_vi} / {subject_en}"
    if origin is not None and origin[2]:
        subject = f"Re: {origin[2]} – {subject}"  # threaded with what the sender sent
    message = mail.compose(
        settings.mail,
        kind="receipt",
        about=about,
        recipients=to,
        subject=subject,
        in_reply_to=origin[1] if origin else None,
        text=text,
        html=html,
        attachments=attachments,
    )
    return mail.Queued(message, "receipt", about)


def _written(settings: Settings, seen: list[dict[str, object]]) -> None:
    """Mark the receipts just written: no longer owed."""
    ops.mark_receipts_written(
        settings.warehouse,
        [(str(f["sha256"]), str(f["file_name"]), cast(dt.datetime, f["seen_at"])) for f in seen],
    )


def receipt_common(settings: Settings, run_id: str) -> dict[str, object]:
    return {
        "jurisdiction": {
            "agency_vi": settings.agency_vi,
            "agency_en": settings.agency_en,
            "province_vi": settings.province_vi,
            "province_en": settings.province_en,
        },
        "stamp": {
            "generator": f"netzero {version('netzero')}",
            "run_id": run_id,
            "suite_version": SUITE_VERSION,
        },
    }


@task(**IO_RETRY)
def write_validation_page(settings: Settings, run_id: str, common: dict[str, object]) -> Path:
    """The run's validation results as one offline page for the agency's analysts:
    outbox/validation/<run id>.html (every suite, rule, rows checked and flagged)."""
    with wh.connect(settings.warehouse, read_only=True) as con:
        results = wh.query(con, wh.sql("validation_results_of_run"), [run_id])
        # mail for the agency to look at: messages refused by this run's intake, and every
        # message not delivered yet (a server error) or perhaps not (uncertain)
        refused_mail = wh.query(con, wh.sql("mail_refused_of_run"), [run_id]).to_dicts()
        undelivered_mail = wh.query(con, wh.sql("mail_undelivered")).to_dicts()
    suites = [
        {
            "suite_name": name,
            "suite_version": group["suite_version"][0],
            "success": bool(group["success"].all()),
            "rules": group.to_dicts(),
            # an earlier run's results, when that run checked the same tables and code
            "results_of_run": group["results_of_run"][0],
            "checked_at": group["validated_at"].max(),
        }
        for (name,), group in results.group_by("suite_name", maintain_order=True)
    ]
    folder = settings.outbox / "validation"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_safe(run_id)}.html"
    # this run's time, also where its suites took an earlier run's results
    validated = results["checked_by_this_run_at"].max() if not results.is_empty() else None
    context = common | {
        "suites": suites,
        "validated_at": validated.strftime("%Y-%m-%d %H:%M") if validated else "–",  # type: ignore[union-attr]
        "refused_mail": refused_mail,
        "undelivered_mail": undelivered_mail,
    }
    target.write_text(render_html("validation", context), encoding="utf-8")
    return target
