"""Render every report of a period (HTML + PDF) from the report tables, over processes."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from itertools import chain, groupby, islice
from pathlib import Path
from typing import Any, TypeVar

from prefect import task

from flows import report_data
from flows import warehouse as wh
from flows.failpoints import failpoint
from flows.receipts import receipt_path
from flows.render_worker import render_job
from flows.settings import Settings
from report_templates import contexts, words
from report_templates.pdf import render_to_bytes, render_to_files
from report_templates.render import HERE as TEMPLATES
from report_templates.render import file_suffix, render_html

Job = tuple[str, dict[str, Any], Path, Path, str]
T = TypeVar("T")


@dataclass(frozen=True)
class Rendered:
    """What render_reports left in ``staging``: which reports it rendered, and which it
    took unchanged from the published folder (same inputs, same bytes)."""

    staging: Path
    fingerprints: dict[str, str]  # report file stem → fingerprint of its inputs
    rendered: list[str]
    reused: list[str]


@task
def render_reports(settings: Settings, period: str) -> Rendered:
    """Write the period's reports into a staging folder; publish() swaps it in.

    Incremental: a report whose inputs (its context, edition and the rendering code) have
    the same fingerprint as in the published manifest is linked from the published folder,
    not rendered again. Reports carry no clock time, so this is exact.

    Streamed: an enterprise's context is made when its report is reached and dropped once
    the report is written, so memory holds the few reports being rendered, not the
    period's 10,000 contexts at once."""
    staging = settings.outbox / f".staging-{period}"
    shutil.rmtree(staging, ignore_errors=True)
    with wh.connect(settings.warehouse) as con:
        data = report_data.load(con, settings, period)
    summaries = summary_jobs(data, period, staging, settings.editions, settings.list_rows_per_part)
    total = len(summaries) + len(data.enterprises) * len(settings.editions)
    published = settings.outbox / period
    before = previous_fingerprints(published)
    fingerprints: dict[str, str] = {}
    rendered: list[str] = []
    reused: list[str] = []

    def changed(jobs: Iterable[Job], kept: Callable[[], None]) -> Iterator[Job]:
        """The jobs whose report must be rendered; the others are linked from the published
        folder as they pass."""
        for job in jobs:
            stem = job[2].relative_to(staging).with_suffix("").as_posix()
            fingerprints[stem] = fingerprint(job)
            old = [published / p.relative_to(staging) for p in (job[2], job[3])]
            if before.get(stem) == fingerprints[stem] and all(p.exists() for p in old):
                for source, target in zip(old, (job[2], job[3]), strict=True):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _link_or_copy(source, target)
                reused.append(stem)
                kept()
            else:
                rendered.append(stem)
                yield job

    with progress(total, words.both("reports of the period, rendered or kept")) as advance:
        # handed over: the summaries' contexts go once rendered, not after the last report
        jobs = chain(
            handed_over(summaries), enterprise_jobs(data, period, staging, settings.editions)
        )
        render_all(changed(jobs, advance), dask_address=settings.dask_address, done=advance)
    write_index(data, staging)
    return Rendered(staging, fingerprints, rendered, reused)


def write_index(data: report_data.ReportData, folder: Path) -> Path:
    """The page to open each month, ``index.html``: every report of the period, its
    receipts, and what to act on. HTML only, cheap: written every run."""
    receipts = [
        r | {"href": "../" + receipt_path(r["sha256"], r["file_name"], r["seen_at"])}
        for r in data.receipts
    ]
    context = contexts.index_context(
        data.common,
        data.province,
        data.parks,
        data.enterprises,
        data.warnings,
        data.actions,
        receipts,
    )
    page = folder / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_html("period_index", context), encoding="utf-8")
    return page


def previous_fingerprints(published: Path) -> dict[str, str]:
    try:
        manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(manifest.get("fingerprints", {}))


@cache
def code_fingerprint() -> str:
    """Everything besides the context that decides a report's bytes: templates, CSS,
    catalogs, glossary, fonts, chart and render code, and the WeasyPrint version."""
    digest = hashlib.sha256(version("weasyprint").encode())
    for path in sorted(
        p for p in TEMPLATES.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(path.relative_to(TEMPLATES).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(job: Job) -> str:
    """The digest of the rendering code and of the job's whole context, as JSON with sorted
    keys. Hashed piece by piece: the province's context at 10,000 enterprises is about 100
    MB of JSON, and the string, its copy and its UTF-8 took 336 MiB at once in the run's
    process. The digest is that of the whole string (the published manifests stay valid)."""
    report, context, _html, _pdf, edition = job
    digest = hashlib.sha256(code_fingerprint().encode())
    for piece in _json_pieces([report, edition, context]):
        digest.update(piece.encode())
    return digest.hexdigest()


# The job and its context are written item by item; each of the context's values at once,
# a long list or dict 256 items at a time (json's C encoder: on the 10,000-enterprise
# warehouse the summaries' fingerprints took 5.0-5.5 s CPU as before, 2,000 enterprise
# reports' 1.4-1.8 s against 1.0 s).
_PIECE_DEPTH = 2
_PIECE_ITEMS = 256


def _json_pieces(value: Any, depth: int = 0) -> Iterator[str]:
    """``json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)`` in pieces
    that join to exactly it."""
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        keys = sorted(value)
        if depth < _PIECE_DEPTH:
            yield "{"
            for i, key in enumerate(keys):
                yield (", " if i else "") + _json(key) + ": "
                yield from _json_pieces(value[key], depth + 1)
            yield "}"
        else:
            yield "{"
            for i in range(0, len(keys), _PIECE_ITEMS):
                chunk = {key: value[key] for key in keys[i : i + _PIECE_ITEMS]}
                yield (", " if i else "") + _json(chunk)[1:-1]
            yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        if depth < _PIECE_DEPTH:
            for i, item in enumerate(value):
                if i:
                    yield ", "
                yield from _json_pieces(item, depth + 1)
        else:
            for i in range(0, len(value), _PIECE_ITEMS):
                yield (", " if i else "") + _json(list(value[i : i + _PIECE_ITEMS]))[1:-1]
        yield "]"
    else:
        yield _json(value)  # a scalar, or a dict json sorts by its own rules (or refuses)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def report_jobs(
    data: report_data.ReportData,
    period: str,
    folder: Path,
    editions: tuple[str, ...],
    rows_per_part: int = contexts.ROWS_PER_PART,
) -> Iterator[Job]:
    """Every report of the period, in every edition: (template, context, html, pdf, edition):
    the summaries first, then each enterprise's, made as they are reached."""
    yield from summary_jobs(data, period, folder, editions, rows_per_part)
    yield from enterprise_jobs(data, period, folder, editions)


def summary_jobs(
    data: report_data.ReportData,
    period: str,
    folder: Path,
    editions: tuple[str, ...],
    rows_per_part: int = contexts.ROWS_PER_PART,
) -> list[Job]:
    """The province's report, the method annex and each park's report, in every edition. A
    park's or the province's list of enterprises longer than ``rows_per_part`` comes as
    documents of its own, one job per part, next to its report. First in the queue: the
    longest documents, so that no worker is left with one at the end."""
    jobs: list[Job] = []

    def roll_up(report: str, common: dict[str, Any], context: dict[str, Any], name: str) -> None:
        jobs.extend(
            _in_editions(report, contexts.without_listed_rows(context), name, folder, editions)
        )
        where, _, file = name.rpartition("/")
        for part in [*context["member_parts"], *context.get("obligated_parts", [])]:
            part_context = contexts.member_list_context(common, context, part, file)
            part_name = f"{where}/{part['file']}".lstrip("/")
            jobs.extend(_in_editions("member_list", part_context, part_name, folder, editions))

    roll_up(
        "province_monthly",
        data.common,
        contexts.province_context(
            data.common,
            data.province,
            data.parks,
            data.enterprises,
            data.quality,
            data.duplicates,
            data.restatements,
            data.warnings,
            data.province_trend,
            data.pathway,
            data.annual,
            actions=data.actions,
            wastewater=data.wastewater(),
            rows_per_part=rows_per_part,
        ),
        contexts.report_file("province", period),
    )
    jobs.extend(
        _in_editions(
            "method_annex",
            contexts.method_context(data.common),
            contexts.report_file("method", period),
            folder,
            editions,
        )
    )
    for park in data.parks:
        members = [e for e in data.enterprises if e["park_code"] == park["park_code"]]
        arrived = [data.arrivals[e["tax_code"]] for e in members if e["tax_code"] in data.arrivals]
        common = contexts.dated(data.common, max(arrived, default=None))
        roll_up(
            "park_monthly",
            common,
            contexts.park_context(
                common,
                park,
                members,
                data.park_trends.get(park["park_code"], []),
                actions=[a for a in data.actions if a["park_code"] == park["park_code"]],
                wastewater=data.wastewater(park_code=park["park_code"]),
                rows_per_part=rows_per_part,
            ),
            contexts.report_file("park", period, park["park_code"]),
        )
    return jobs


def enterprise_jobs(
    data: report_data.ReportData, period: str, folder: Path, editions: tuple[str, ...]
) -> Iterator[Job]:
    """Each enterprise's report in every edition, its context made when it is reached (a
    generator: the contexts of 10,000 enterprises are never all in memory at once)."""
    quality, restatements, warnings, actions = (
        _by_enterprise(rows)
        for rows in (data.quality, data.restatements, data.warnings, data.actions)
    )
    exempted = {o["tax_code"] for o in data.ww_outlets if o["tax_code"]}
    for ent in data.enterprises:
        tax_code = ent["tax_code"]
        common = contexts.dated(data.common, data.arrivals.get(tax_code))
        context = contexts.enterprise_context(
            contexts.for_enterprise(common, tax_code, data.factor_users),
            ent,
            data.trends.get(tax_code, []),
            quality.get(tax_code, []),
            restatements.get(tax_code, []),
            warnings.get(tax_code, []),
            actions=actions.get(tax_code, []),
            wastewater=data.wastewater(tax_code=tax_code) if tax_code in exempted else [],
        )
        name = contexts.report_file("enterprise", period, tax_code)
        yield from _in_editions("enterprise_monthly", context, name, folder, editions)


def handed_over(items: list[T]) -> Iterator[T]:
    """The list's items in order, each dropped from the list as it is taken: at 10,000
    enterprises the province's and parks' contexts took about 100 MiB, and the list they
    were made in would otherwise hold them through the hour of enterprise reports."""
    items.reverse()
    while items:
        yield items.pop()


def _by_enterprise(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows by tax code, each enterprise's in their order (one pass, not one per enterprise)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["tax_code"]].append(row)
    return grouped


def _in_editions(
    report: str, context: dict[str, Any], name: str, folder: Path, editions: tuple[str, ...]
) -> list[Job]:
    return [
        (
            report,
            context,
            folder / f"{name}{file_suffix(edition)}.html",
            folder / f"{name}{file_suffix(edition)}.pdf",
            edition,
        )
        for edition in editions
    ]


# Reports handed to the pool ahead of those being rendered, per worker: enough that no
# worker waits for the next, few enough that the contexts waiting are a handful.
AHEAD_PER_WORKER = 4
# A worker's memory grows with the reports it renders (about 30 MiB every 1,000 in the
# month of 10,000 enterprises: WeasyPrint's caches and the allocator's fragments), so a pool
# renders this many reports a worker and new workers take over (a few seconds each round).
# Not ``max_tasks_per_child``: on Python 3.11 a pool whose worker retires with tasks queued
# can hang (CPython gh-115634), and this pool always keeps some queued.
REPORTS_PER_WORKER = 1000
# A round also ends as soon as a worker holds more than this after a report: the reports
# queued for it and not yet taken go to the next round's new workers. The summaries' long
# documents grow a worker far faster than enterprise reports (WeasyPrint's native memory,
# ~12-20 MiB each list part of 250 rows, not Python objects: tracemalloc sees none of it).
# At 20,000 enterprises the two summaries' workers held 599 + 571 MiB at once (with the
# main process and the Prefect server, over 2 GiB); an enterprise report's worker stays
# under 200 MiB.
RETIRE_AT_MIB = 400


def render_all(
    jobs: Iterable[Job],
    workers: int | None = None,
    dask_address: str = "",
    done: Callable[[], None] = lambda: None,
    reports_per_worker: int = REPORTS_PER_WORKER,
    retire_at_mib: int = RETIRE_AT_MIB,
) -> None:
    """WeasyPrint holds the GIL: one worker process per core, never threads; or, given a
    Dask scheduler address, the cluster's workers. Jobs are taken from ``jobs`` as workers
    free up (``AHEAD_PER_WORKER`` waiting at most), so a generator's contexts are made just
    in time; ``done`` is called as each report is written. Each pool of workers renders
    ``reports_per_worker`` reports a worker, or until a worker holds more than
    ``retire_at_mib`` after a report, then a new pool goes on; the enterprise reports never
    share a pool with the summaries."""
    jobs = iter(jobs)
    workers = workers or os.cpu_count() or 1
    first = list(islice(jobs, workers * AHEAD_PER_WORKER))
    if not first:
        return
    workers = min(workers, len(first))
    # handed over, so that once rendered these contexts (the province's among them) are not
    # held through the rest of the run
    jobs = chain(handed_over(first), jobs)
    if dask_address:
        render_on_dask(jobs, dask_address, done)
        return
    if workers == 1:
        for job in jobs:
            render_to_files(*job)  # type: ignore[arg-type]
            done()
            failpoint("render.report")
        return
    # The summaries' long documents leave a worker far larger than enterprise reports do
    # (740-790 MiB for two in the month of 10,000, against 300-380 MiB): they take a pool
    # of their own, and the enterprise reports start on new workers.
    for _, kind in groupby(jobs, key=lambda job: job[0] == "enterprise_monthly"):
        # the reports a round handed back, the next takes first (a deque: chains nested
        # round after round would deepen with every round)
        back: deque[Job] = deque()
        while _render_round(
            _back_first(back, kind), workers, reports_per_worker, retire_at_mib, done, back
        ):
            pass


def _back_first(back: deque[Job], jobs: Iterator[Job]) -> Iterator[Job]:
    """The reports handed back by the last round, then the others."""
    while back:
        yield back.popleft()
    yield from jobs


def _render_round(
    jobs: Iterator[Job],
    workers: int,
    reports_per_worker: int,
    retire_at_mib: int,
    done: Callable[[], None],
    back: deque[Job],
) -> bool:
    """Render up to ``reports_per_worker`` of ``jobs`` a worker on a new pool of ``workers``
    processes, fewer if a worker grows past ``retire_at_mib``: then the jobs handed to this
    pool and not yet taken by a worker go to ``back``, for the next. False when ``jobs``
    had none."""
    jobs = islice(jobs, workers * reports_per_worker)
    first = list(islice(jobs, workers * AHEAD_PER_WORKER))
    if not first:
        return False
    spawn = multiprocessing.get_context("spawn")
    retiring = False
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        pending = {pool.submit(render_job, *job): job for job in first}  # type: ignore[arg-type]
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    del pending[future]
                    grown = future.result() > retire_at_mib
                    done()
                    failpoint("render.report")  # reports written, others being written
                    if grown and not retiring:
                        # the reports no worker has taken yet go to the next round
                        retiring = True
                        back.extend(job for f, job in pending.items() if f.cancel())
                        pending = {f: job for f, job in pending.items() if not f.cancelled()}
                if not retiring:
                    for job in islice(jobs, len(finished)):
                        pending[pool.submit(render_job, *job)] = job  # type: ignore[arg-type]
        except BaseException:
            # A stop signal or a failed report: leaving the pool waits for what it was given,
            # so only the reports being rendered finish, not those waiting their turn.
            for future in pending:
                future.cancel()
            raise
    return True


def render_on_dask(jobs: Iterator[Job], address: str, done: Callable[[], None]) -> None:
    """Fan the reports out to an existing Dask cluster (``dask.distributed``). Workers return
    the bytes and this process writes them, so no shared filesystem is needed; workers need
    this project's environment. Plain functions, not Prefect tasks: per-report work stays
    out of Prefect's tracking (without a server, each worker would start its own). As
    locally, a few reports per worker thread wait at most."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:  # type: ignore[no-untyped-call]
        threads = sum(client.nthreads().values())
        targets: dict[Any, tuple[Path, Path]] = {}

        def send(job: Job) -> Any:
            report, context, html, pdf, edition = job
            future = client.submit(render_to_bytes, report, context, edition, pure=False)
            targets[future] = (html, pdf)
            return future

        ahead = AHEAD_PER_WORKER * max(1, threads)
        queue = dask_completed([send(job) for job in islice(jobs, ahead)])  # type: ignore[no-untyped-call]
        for future in queue:
            html_text, pdf_bytes = future.result()
            html, pdf = targets.pop(future)
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(html_text, encoding="utf-8")
            pdf.write_bytes(pdf_bytes)
            done()
            for job in islice(jobs, 1):
                queue.add(send(job))  # type: ignore[no-untyped-call]


def _run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """Prefect's run logger inside a flow or task run (it reaches the UI), else our own."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("netzero.render")


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A rich progress bar on an interactive terminal. Elsewhere (cron, CI, the Prefect UI)
    a log line every tenth of the way and at the end: minutes of rendering are never silent."""
    if not sys.stderr.isatty() or os.environ.get("NETZERO_NO_PROGRESS"):
        logger, done, step = _run_logger(), [0], max(1, total // 10)
        logger.info("%s: %d", label, total)

        def advance() -> None:
            done[0] += 1
            if done[0] % step == 0 or done[0] == total:
                logger.info("%s: %d/%d", label, done[0], total)

        yield advance
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        transient=True,
    ) as bar:  # fmt: skip
        task_id = bar.add_task(label, total=total)
        yield lambda: bar.advance(task_id)
