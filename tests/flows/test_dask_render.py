"""Scale-out: reports rendered on a real (local) Dask cluster are the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import render_reports
from flows.render_reports import render_all
from tests.reports.fixtures import CONTEXTS


@pytest.mark.e2e
def test_reports_render_on_a_dask_cluster_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It sends every report to the cluster's worker processes, writes what they return,
    and gets the same bytes as local rendering. One report per worker thread ahead: the
    others are sent as reports come back (a month's contexts are never all sent at once)."""
    from distributed import Client, LocalCluster, get_task_stream

    monkeypatch.setattr(render_reports, "AHEAD_PER_WORKER", 1)

    def jobs(folder: str) -> list:  # type: ignore[type-arg]
        return [
            (
                report,
                make(),
                tmp_path / folder / f"{report}.html",
                tmp_path / folder / f"{report}.pdf",
                "bilingual",
            )
            for report, make in sorted(CONTEXTS.items())
        ]

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster.scheduler_address) as observer,
        get_task_stream(client=observer) as stream,
    ):
        render_all(jobs("dask"), dask_address=cluster.scheduler_address)
    done = [t for t in stream.data if "render_to_bytes" in str(t["key"])]
    ran = len(done)
    assert len({t["worker"] for t in done}) >= 1
    render_all(jobs("local"), workers=1)
    assert ran == len(CONTEXTS)
    for report in CONTEXTS:
        for suffix in (".html", ".pdf"):
            dask_file = tmp_path / "dask" / f"{report}{suffix}"
            assert dask_file.read_bytes() == (tmp_path / "local" / f"{report}{suffix}").read_bytes()
