"""What every run shares, written once: the context around its steps (signals, the lock,
orphans of killed runs, the rebuild guard, free space, the ops.runs row) and the intake
(land, validate, build, receipts) that the monthly cycle and the daily intake both begin
with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect import get_run_logger

from flows import rebuild, runs, suite_process, summaries
from flows.build_warehouse import build_warehouse
from flows.failpoints import failpoint
from flows.ingest import IngestResult, ingest_inbox
from flows.mail import send_queued
from flows.mail_intake import take_mail
from flows.receipts import receipt_common, write_receipts
from flows.reference import load_reference
from flows.settings import Settings
from flows.stations import land_station_files
from flows.validate import validate_submissions, validate_warnings
from flows.warehouse import ops
from report_templates import words
from transforms.models import Phase


@contextmanager
def run_context(
    settings: Settings, run_id: str, period: str | None
) -> Iterator[summaries.StageClock]:
    """Hold the warehouse for one run and record it: a stop signal ends it as a stop, the
    embedded servers and render workers a killed run left are stopped, a lost warehouse is
    rebuilt before anything else, the disk has room, and a stop on purpose closes the run's
    ops.runs row with its reason. Yields the clock the stages are timed with."""
    with runs.stop_on_signals(), runs.exclusive(settings):
        runs.stop_stale_prefect_servers()
        rebuild.guard(settings)  # a lost warehouse is rebuilt from the archive, never restarted
        runs.require_free_space(settings.data_dir)
        ops.start_run(settings.warehouse, run_id, period)
        try:
            with runs.stops_recorded(settings, run_id):
                yield summaries.StageClock()
        finally:
            suite_process.close()  # ended after the checks already; here whatever happened


@dataclass(frozen=True)
class Intake:
    landed: IngestResult
    quarantined: int
    periods: list[str]  # the periods the warehouse holds data for
    warnings: int
    receipts: Path


def intake(
    settings: Settings, run_id: str, clock: summaries.StageClock, phase: Phase | None = None
) -> Intake:
    """Land what arrived, validate it, build every layer (or only ``phase``: the monthly
    cycle builds the period's models itself once it has chosen the period), and answer
    each file."""
    with clock("land"):
        load_reference(settings)
        # the agency's mailbox, when there is one: attachments into the inbox (issue 18)
        by_mail = take_mail(settings, run_id)
        if by_mail.messages or by_mail.again:
            get_run_logger().info(
                words.both(
                    "mailbox: {messages} messages taken ({files} files to the inbox, "
                    "{refused} refused and answered), {again} seen again and moved",
                    messages=by_mail.messages,
                    files=by_mail.files,
                    refused=by_mail.refused,
                    again=by_mail.again,
                )
            )
        landed = ingest_inbox(settings, run_id)
        # the wastewater stations' drop folder, when there is one (issue 17)
        land_station_files(settings, run_id)
    failpoint("cycle.landed")
    with clock("validate"):
        quarantined = validate_submissions(settings, run_id)
        # ended before the build, the data path's largest (about 420 MiB at 10,000
        # enterprises beside it); the warning suite starts another
        suite_process.close()
    with clock("build"):
        periods = build_warehouse(settings, phase)
        warnings = validate_warnings(settings, run_id)
    failpoint("cycle.built")
    with clock("receipts"):
        receipts = write_receipts(settings, run_id, receipt_common(settings, run_id))
        # what is queued goes out now when SMTP is configured (issue 18)
        mailed = send_queued(settings.warehouse, settings.outbox, settings.mail)
        if mailed.sent or mailed.queued or mailed.uncertain:
            get_run_logger().info(
                words.both(
                    "mail: {sent} sent, {queued} waiting (the SMTP server failed: "
                    "ops.outgoing_mail says why; the next run tries again), {uncertain} "
                    "uncertain (a run stopped while sending them; never sent again)",
                    sent=mailed.sent,
                    queued=mailed.queued,
                    uncertain=mailed.uncertain,
                )
            )
    return Intake(landed, quarantined, periods, warnings, receipts)
