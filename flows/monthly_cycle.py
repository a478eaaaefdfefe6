"""The monthly cycle: land, validate, build, choose the period, check, render, publish."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows import rebuild, suite_process, summaries
from flows.build_warehouse import build_warehouse
from flows.delivery import deliver_reports
from flows.failpoints import failpoint
from flows.mail import send_queued
from flows.publish import publish, publish_warehouse, recover_outbox, refuse_less_data
from flows.receipts import receipt_common, write_validation_page
from flows.render_reports import render_reports
from flows.settings import Settings, settings_from_env
from flows.signing import sign_folder
from flows.stages import intake, run_context
from flows.validate import validate_marts
from flows.warehouse import ops
from report_templates import words
from transforms.periods import default_period

PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@flow(name="monthly-cycle")
def monthly_cycle(period: str | None = None, data_dir: str | None = None) -> summaries.RunSummary:
    """Run one month: every new file is landed; reports are for ``period`` (default: the
    latest month with data whose due day has passed, transforms/periods.py)."""
    if period is not None and not PERIOD.match(period):
        raise ValueError(words.both("period must be YYYY-MM, not {period!r}", period=period))
    settings = settings_from_env(Path(data_dir) if data_dir else None)
    run_id = str(flow_run.id or uuid.uuid4())
    with run_context(settings, run_id, period) as clock:
        summary = _cycle(settings, run_id, period, clock)
        ops.add_run_stage(settings.warehouse, run_id, "snapshot", clock.seconds["snapshot"])
    summary = dataclasses.replace(summary, stage_seconds=clock.seconds)
    summaries.summary_artifact(summary)
    return summary


def _cycle(
    settings: Settings, run_id: str, period: str | None, clock: summaries.StageClock
) -> summaries.RunSummary:
    """The steps, in order, once the run holds the warehouse and is recorded."""
    recover_outbox(settings)
    received = intake(settings, run_id, clock, phase="warehouse")  # the period's: below
    period_note = ""
    if period is None:
        now = datetime.now(UTC).replace(tzinfo=None)
        choice = default_period(received.periods, now, settings.due_day)
        period, period_note = choice.period, f"{choice.why_vi} / {choice.why_en}"
        get_run_logger().info("%s %s: %s", words.both("reporting period"), period, period_note)
    ops.set_run_period(settings.warehouse, run_id, period)
    with clock("period"):
        # The tables that name the period each run reported on, now that this one has one.
        build_warehouse(settings, phase="period")
    with clock("check"):
        try:
            validate_marts(settings, run_id)
        finally:
            # Written whether or not the marts pass: a failed run is when analysts need it.
            write_validation_page(settings, run_id, receipt_common(settings, run_id))
            # what Great Expectations held is not kept through the hour of rendering
            suite_process.close()
    refuse_less_data(settings, period)
    with clock("render"):
        rendered = render_reports(settings, period)
    failpoint("cycle.rendered")
    signed = None
    if settings.sign_on_close:
        with clock("sign"):
            signed = sign_folder(rendered.staging, settings.signing, settings.agency)
    with clock("publish"):
        outbox = publish(settings, period, rendered, run_id, signed)
    with clock("mail"):
        # each enterprise its report, the agency its pack: written, sent when SMTP is set
        delivered = deliver_reports(settings, period, outbox, run_id)
        mailed = send_queued(settings.warehouse, settings.outbox, settings.mail)
        get_run_logger().info(
            words.both(
                "reports by mail: {enterprises} enterprise reports and {pack} agency pack "
                "written ({without} enterprises have no registered address); {sent} messages "
                "sent",
                enterprises=delivered.enterprises,
                pack=delivered.pack,
                without=delivered.without_address,
                sent=mailed.sent,
            )
        )
    summary = summaries.RunSummary(
        run_id=run_id,
        period=period,
        period_note=period_note,
        files_landed=received.landed.landed,
        files_rejected=received.landed.rejected,
        files_skipped=received.landed.skipped,
        lines_landed=received.landed.lines,
        lines_quarantined=received.quarantined,
        warnings=received.warnings,
        reports_written=summaries.count_reports(outbox),
        reports_rendered=len(rendered.rendered),
        outbox=str(outbox),
        warehouse=str(settings.warehouse),
        published=str(settings.published),
        stage_seconds=clock.seconds,
    )
    summaries.record(settings, summary)
    # Last, so the analysts' snapshot holds this run's completed ops.runs row.
    with clock("snapshot"):
        publish_warehouse(settings, run_id)
        rebuild.export_ledger(settings, run_id)
    return summary
