"""Scheduled operation against a Prefect server: the monthly close, the daily intake and
the reminders before and after the due day.

``netzero serve`` serves the three deployments from this process (Prefect's ``serve``): the
server schedules runs (cron in Asia/Ho_Chi_Minh), this process executes them. It needs a
server (``PREFECT_API_URL``): the embedded mode cannot run schedules.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows import rebuild, summaries
from flows.mail import send_queued
from flows.monthly_cycle import monthly_cycle
from flows.receipts import receipt_common, write_validation_page
from flows.reminders import write_reminders
from flows.settings import Settings, settings_from_env
from flows.stages import intake, run_context
from flows.warehouse import ops
from report_templates import words
from transforms.periods import month_index, period_from_index
from transforms.reminders import reminder_days

TIMEZONE = "Asia/Ho_Chi_Minh"
CRON = re.compile(r"^\S+ \S+ \S+ \S+ \S+$")


def close_cron(settings: Settings) -> str:
    """NETZERO_CLOSE_CRON, else 07:00 on the day after the due day: the month is closed
    once its files are due."""
    return os.environ.get("NETZERO_CLOSE_CRON") or f"0 7 {settings.due_day + 1} * *"


def intake_cron() -> str:
    """NETZERO_INTAKE_CRON, else every day at 06:00."""
    return os.environ.get("NETZERO_INTAKE_CRON") or "0 6 * * *"


def remind_cron(settings: Settings) -> str:
    """NETZERO_REMIND_CRON, else 08:00 on the reminder days: NETZERO_REMIND_DAYS_BEFORE
    before the due day, the due day, and NETZERO_SECOND_NOTICE_DAYS_AFTER after it (after
    the daily intake, so a file that came in the morning is not reminded of)."""
    days = reminder_days(
        settings.due_day, settings.remind_days_before, settings.second_notice_days_after
    )
    return os.environ.get("NETZERO_REMIND_CRON") or f"0 8 {','.join(map(str, days))} * *"


def month_to_close(now: datetime) -> str:
    """The month a close at ``now`` (Asia/Ho_Chi_Minh) reports on: the previous month."""
    local = now.astimezone(ZoneInfo(TIMEZONE))
    return period_from_index(month_index(local.year, local.month) - 1)


@flow(name="monthly-close")
def monthly_close(data_dir: str | None = None, period: str | None = None) -> summaries.RunSummary:
    """The scheduled monthly cycle: reports for the previous month (or ``period``)."""
    chosen = period or month_to_close(datetime.now(ZoneInfo(TIMEZONE)))
    return monthly_cycle(period=chosen, data_dir=data_dir)


@flow(name="daily-intake")
def daily_intake(data_dir: str | None = None) -> dict[str, int]:
    """Land what arrived, validate it, and send receipts; no reports. Uses the same lock
    as the monthly cycle, so the two never overlap on a warehouse."""
    settings = settings_from_env(Path(data_dir) if data_dir else None)
    run_id = str(flow_run.id or uuid.uuid4())
    with run_context(settings, run_id, None) as clock:
        received = intake(settings, run_id, clock)
        # the agency's page of the run: the suites, and the mail to look at
        write_validation_page(settings, run_id, receipt_common(settings, run_id))
        ops.complete_intake(
            settings.warehouse, run_id, received.landed.landed, received.quarantined
        )
        rebuild.export_ledger(settings, run_id)
    summary = summaries.IntakeSummary(
        run_id=run_id,
        files_landed=received.landed.landed,
        files_rejected=received.landed.rejected,
        files_skipped=received.landed.skipped,
        lines_landed=received.landed.lines,
        lines_quarantined=received.quarantined,
        warnings=received.warnings,
        receipts=str(received.receipts),
        stage_seconds=clock.seconds,
    )
    summaries.summary_artifact(summary)
    get_run_logger().info("%s", summary.markdown())
    return {
        "files_landed": received.landed.landed,
        "lines_quarantined": received.quarantined,
        "warnings": received.warnings,
    }


@flow(name="reminders")
def reminders(data_dir: str | None = None, today: str | None = None) -> dict[str, int]:
    """Land what arrived (the daily intake), then write the day's reminders: to each
    enterprise still owing last month, before and on its due day; a second notice after it,
    with the list to the agency. ``today`` (YYYY-MM-DD, Asia/Ho_Chi_Minh) for a rerun."""
    settings = settings_from_env(Path(data_dir) if data_dir else None)
    day = date.fromisoformat(today) if today else datetime.now(ZoneInfo(TIMEZONE)).date()
    run_id = str(flow_run.id or uuid.uuid4())
    with run_context(settings, run_id, None) as clock:
        received = intake(settings, run_id, clock)
        with clock("reminders"):
            reminded = write_reminders(settings, day, run_id)
            mailed = send_queued(settings.warehouse, settings.outbox, settings.mail)
        ops.complete_intake(
            settings.warehouse, run_id, received.landed.landed, received.quarantined
        )
        rebuild.export_ledger(settings, run_id)
    get_run_logger().info(
        words.both(
            "reminders for {period} ({stage}): {owing} enterprises owe the month, {written} "
            "letters written, {sent} sent; no registered address: {without}",
            period=reminded.period,
            stage=reminded.stage,
            owing=reminded.owing,
            written=reminded.written,
            sent=mailed.sent,
            without=", ".join(reminded.without_address) or "–",
        )
    )
    return {"owing": reminded.owing, "written": reminded.written, "sent": mailed.sent}


def serve(data_dir: Path) -> None:
    """Serve the three deployments until interrupted (Ctrl-C pauses their schedules)."""
    from prefect import serve as prefect_serve
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Cron

    settings = settings_from_env(data_dir)
    close, intake, remind = close_cron(settings), intake_cron(), remind_cron(settings)
    for name, cron in (
        ("NETZERO_CLOSE_CRON", close),
        ("NETZERO_INTAKE_CRON", intake),
        ("NETZERO_REMIND_CRON", remind),
    ):
        if not CRON.match(cron):
            raise ValueError(words.both("must be a 5-field cron: {cron!r}", name=name, cron=cron))
    parameters = {"data_dir": str(settings.data_dir)}
    close_deployment = monthly_close.to_deployment(
        name="netzero-monthly-close",
        schedule=Cron(close, timezone=TIMEZONE),
        parameters=parameters,
        description="Monthly close: land, validate, build, render, publish the previous month.",
    )
    intake_deployment = daily_intake.to_deployment(
        name="netzero-daily-intake",
        schedule=Cron(intake, timezone=TIMEZONE),
        parameters=parameters,
        description="Daily intake: land new files and write their receipts.",
    )
    remind_deployment = reminders.to_deployment(
        name="netzero-reminders",
        schedule=Cron(remind, timezone=TIMEZONE),
        parameters=parameters,
        description="Reminders: land new files, then remind each enterprise still owing last "
        "month (before and on the due day; a second notice and the agency's list after it).",
    )
    # Called outside an event loop, to_deployment returns the deployment, not a coroutine.
    assert isinstance(close_deployment, RunnerDeployment)
    assert isinstance(intake_deployment, RunnerDeployment)
    assert isinstance(remind_deployment, RunnerDeployment)
    prefect_serve(close_deployment, intake_deployment, remind_deployment, limit=1)
