"""Reports are rendered from a stream: a report's context is made when a worker is about to
need it, so a month of 10,000 enterprises never holds 10,000 contexts at once (at that size
they took the run's main process from about 1 GiB to 4.5 GiB before the first report)."""

from __future__ import annotations

import gc
import multiprocessing
import signal
import subprocess
import sys
import textwrap
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from flows import render_reports
from flows.render_reports import AHEAD_PER_WORKER, Job, handed_over, render_all
from flows.report_data import RowsBy
from report_templates import contexts
from report_templates.render import render_html
from tests.reports import fixtures
from tests.reports.fixtures import member_list

REPORTS = 12
ROOT = Path(__file__).resolve().parents[2]


def test_contexts_are_made_as_workers_free_up(tmp_path: Path) -> None:
    """Two worker processes: at every report written, at most AHEAD_PER_WORKER contexts per
    worker have been made and not yet written, and every report is written once."""
    made: list[int] = []
    written: list[int] = []

    def jobs() -> Iterator[Job]:
        for n in range(REPORTS):
            made.append(n)
            yield (
                "member_list",
                member_list(),
                tmp_path / f"{n}.html",
                tmp_path / f"{n}.pdf",
                "bilingual",
            )

    def done() -> None:
        written.append(len(made) - len(written))  # contexts made, not yet written

    render_all(jobs(), workers=2, done=done)

    assert len(written) == REPORTS
    assert max(written) <= 2 * AHEAD_PER_WORKER
    assert written[0] < REPORTS, "every context was made before the first report was written"
    for n in range(REPORTS):
        assert (tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF-")
        assert (tmp_path / f"{n}.html").stat().st_size > 0


def test_rows_by_key_are_the_rows_of_each_key_in_order() -> None:
    """An enterprise's months as the reports get them: the same dicts, in the same order, as
    grouping every row's dict by its key."""
    frame = pl.DataFrame(
        {
            "tax_code": ["A", "A", "B", "C", "C", "C"],
            "period": ["2026-09", "2026-10", "2026-10", "2026-08", "2026-09", "2026-10"],
            "emissions_tco2e": [1.5, None, 2.0, 3.25, 4.0, None],
        }
    )
    grouped: dict[str, list[dict]] = {}
    for row in frame.to_dicts():
        grouped.setdefault(row["tax_code"], []).append(row)

    by = RowsBy(frame, "tax_code")

    assert dict(by) == grouped
    assert by.get("Z", []) == []
    assert len(by) == 3


def test_rows_not_sorted_by_their_key_are_refused() -> None:
    frame = pl.DataFrame({"tax_code": ["A", "B", "A"], "period": ["2026-09", "2026-10", "2026-10"]})
    with pytest.raises(ValueError, match="not sorted"):
        RowsBy(frame, "tax_code")


def test_a_stop_while_rendering_waits_for_the_reports_being_rendered_only(tmp_path: Path) -> None:
    """SIGTERM during rendering: the run ends once the reports already with a worker are
    written, not after every report of the period (at 10,000 enterprises a stop took hours:
    leaving the pool waited for every report it had been given)."""
    reports = 40
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from flows.render_reports import render_all
        from flows.runs import stop_on_signals
        from tests.reports.fixtures import member_list
        out = Path({str(tmp_path)!r})
        jobs = [
            ("member_list", member_list(), out / f"{{n}}.html", out / f"{{n}}.pdf", "bilingual")
            for n in range({reports})
        ]
        with stop_on_signals():
            render_all(jobs, workers=2)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while not list(tmp_path.glob("*.pdf")):
            assert child.poll() is None, "the renderer ended before its first report"
            assert time.monotonic() < deadline, "no report written in 5 minutes"
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        returncode = child.wait(timeout=300)
    finally:
        child.kill()
    written = len(list(tmp_path.glob("*.pdf")))
    assert returncode != 0, "a stopped render does not end as if it had finished"
    assert written <= 2 * AHEAD_PER_WORKER + 2 < reports, written


def test_an_enterprise_report_needs_no_trend_column_beyond_those_the_render_stage_reads() -> None:
    """The render stage reads only ``TREND_COLUMNS`` of an enterprise's 24 months: its report
    made from trend rows holding only those (plain dicts: a template asking for any other
    column fails, the templates' undefined is strict) is the report made from whole rows."""
    whole = fixtures._trend(fixtures.ENTERPRISE["tax_code"])
    narrow = [{c: row[c] for c in ("tax_code", *contexts.TREND_COLUMNS)} for row in whole]
    wide = [row | {"unread": "x"} for row in whole]

    def report(trend: list[dict]) -> str:
        context = contexts.enterprise_context(
            fixtures.COMMON, fixtures.ENTERPRISE, trend, [], [], actions=[]
        )
        return render_html("enterprise_monthly", context, "bilingual")

    assert report(narrow) == report(wide)


def test_new_workers_take_over_after_so_many_reports_each(tmp_path: Path) -> None:
    """Two workers, two reports each a pool: the 12 reports are rendered by three pools in
    turn (six worker processes, never more than two at once), each written once."""
    seen: list[set[int]] = []

    def jobs() -> Iterator[Job]:
        for n in range(REPORTS):
            yield (
                "member_list",
                member_list(),
                tmp_path / f"{n}.html",
                tmp_path / f"{n}.pdf",
                "bilingual",
            )

    def done() -> None:
        seen.append(_render_workers())

    render_all(jobs(), workers=2, done=done, reports_per_worker=2)

    assert len(seen) == REPORTS
    assert max(len(pids) for pids in seen) <= 2
    assert len(set().union(*seen)) == 2 * (REPORTS // 4)
    for n in range(REPORTS):
        assert (tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF-")


def test_a_worker_grown_past_the_limit_ends_its_round_and_no_report_is_lost(
    tmp_path: Path,
) -> None:
    """Every worker holds more than a 1-MiB limit after any report: each round ends at its
    first report written, the reports queued for it go to the next round's new workers.
    Every report is written once and counted once; never more than two workers at once;
    more than the one pool that ``reports_per_worker`` alone would give."""
    seen: list[set[int]] = []

    def jobs() -> Iterator[Job]:
        for n in range(REPORTS):
            yield (
                "member_list",
                member_list(),
                tmp_path / f"{n}.html",
                tmp_path / f"{n}.pdf",
                "bilingual",
            )

    def done() -> None:
        seen.append(_render_workers())

    render_all(jobs(), workers=2, done=done, retire_at_mib=1)

    assert len(seen) == REPORTS
    assert max(len(pids) for pids in seen) <= 2
    assert len(set().union(*seen)) > 2
    assert sorted(int(p.stem) for p in tmp_path.glob("*.pdf")) == list(range(REPORTS))
    for n in range(REPORTS):
        assert (tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF-")


def test_the_enterprise_reports_start_on_workers_that_rendered_no_summary(
    tmp_path: Path,
) -> None:
    """The summaries (here three member lists) are rendered by one pool, the enterprise
    reports after them by another: no worker process renders both."""
    seen: list[set[int]] = []
    enterprise = contexts.enterprise_context(
        fixtures.COMMON,
        fixtures.ENTERPRISE,
        fixtures._trend(fixtures.ENTERPRISE["tax_code"]),
        [],
        [],
        actions=[],
    )
    jobs: list[Job] = [
        (report, context, tmp_path / f"{n}.html", tmp_path / f"{n}.pdf", "bilingual")
        for n, (report, context) in enumerate(
            [("member_list", member_list())] * 3 + [("enterprise_monthly", enterprise)] * 4
        )
    ]

    def done() -> None:
        seen.append(_render_workers())

    render_all(iter(jobs), workers=2, done=done)

    summaries, enterprises = set().union(*seen[:3]), set().union(*seen[3:])
    assert len(seen) == len(jobs)
    assert summaries and enterprises and not summaries & enterprises
    for n in range(len(jobs)):
        assert (tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF-")


def _render_workers() -> set[int]:
    """This process's children but those it had before the test (another test's, such as
    the Great Expectations process flows/suite_process.py keeps until closed)."""
    return {p.pid for p in multiprocessing.active_children()} - BEFORE


BEFORE: set[int] = set()


@pytest.fixture(autouse=True)
def _children_before() -> Iterator[None]:
    BEFORE.clear()
    BEFORE.update(p.pid for p in multiprocessing.active_children())
    yield


class Held:
    """A marker put in a context: alive in this process while anything here holds the context
    (the worker gets a copy)."""


def test_a_summary_s_context_is_let_go_once_its_pool_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The province's and parks' contexts (hundreds of MiB at 10,000 enterprises) are not
    kept while the hour of enterprise reports renders after them: once the summaries' pool
    is done and the next reports are asked for, nothing in this process holds them."""
    monkeypatch.setattr(render_reports, "AHEAD_PER_WORKER", 1)
    enterprise = contexts.enterprise_context(
        fixtures.COMMON,
        fixtures.ENTERPRISE,
        fixtures._trend(fixtures.ENTERPRISE["tax_code"]),
        [],
        [],
        actions=[],
    )
    markers = [Held() for _ in range(3)]
    refs = [weakref.ref(marker) for marker in markers]
    summaries: list[Job] = [
        ("member_list", member_list() | {"held": marker}, tmp_path / f"s{n}.html",
         tmp_path / f"s{n}.pdf", "bilingual")
        for n, marker in enumerate(markers)
    ]  # fmt: skip
    del markers
    alive: list[int] = []

    def jobs() -> Iterator[Job]:
        yield from handed_over(summaries)
        for n in range(4):
            if n == 2:  # the enterprise reports' pool has begun: the summaries' has ended
                gc.collect()
                alive.append(sum(ref() is not None for ref in refs))
            yield ("enterprise_monthly", enterprise, tmp_path / f"e{n}.html",
                   tmp_path / f"e{n}.pdf", "bilingual")  # fmt: skip

    render_all(jobs(), workers=2)

    assert alive == [0], f"{alive[0]} of 3 summaries' contexts still held"
    assert len(list(tmp_path.glob("*.pdf"))) == 7


def test_handed_over_lets_go_of_each_item_as_it_is_taken() -> None:
    """The list render_reports keeps its summaries in holds none of them once taken."""
    items = [Held() for _ in range(3)]
    refs = [weakref.ref(item) for item in items]
    taken = handed_over(items)
    first = next(taken)
    assert len(items) == 2 and first is refs[0]()
    del first
    gc.collect()
    assert refs[0]() is None and refs[1]() is not None
    assert len(list(taken)) == 2 and items == []


def test_a_render_worker_imports_no_prefect() -> None:
    """The worker's task comes from a module that does not bring Prefect (about 95 MiB in
    each worker process when it did)."""
    code = "import sys, flows.render_worker; print('prefect' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"
