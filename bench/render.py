"""Report rendering: seconds per report on one core, and throughput on every core.

Generates a demo province (``--enterprises``, 24 months), lands it through the real data
path (reference → ingest → validate → build), then renders the period's real reports
(HTML + PDF/A-3b, standard edition):

1. one process, one report after another: the time of each (median, p90) by kind;
2. the same enterprise reports through ``render_all`` with 1 worker process and with one
   worker per core (spawned processes, as the monthly cycle does): throughput and parallel
   efficiency = throughput(n) / (n × throughput(1)).

Writes bench/results/render.json and .md. Usage: python -m bench.render [--enterprises 40]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.validation import RESULTS, peak_rss_mib


def land_demo(data: Path, enterprises: int) -> None:
    from demo.generate import DemoSpec, generate_demo
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox, load_reference
    from flows.settings import settings_from_env
    from flows.validate import validate_submissions, validate_warnings

    generate_demo(data, DemoSpec(enterprises=enterprises, months=24))
    settings = settings_from_env(data)
    run_id = str(uuid.uuid4())
    load_reference.fn(settings)
    ingest_inbox.fn(settings, run_id)
    validate_submissions.fn(settings, run_id)
    build_warehouse.fn(settings)
    validate_warnings.fn(settings, run_id)


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_s": round(statistics.median(ordered), 3),
        "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "max_s": round(ordered[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=40)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)

    from flows import report_data
    from flows import warehouse as wh
    from flows.render_reports import render_all, report_jobs
    from flows.settings import settings_from_env
    from report_templates.render import render_to_files

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        land_demo(data, args.enterprises)
        land_s = time.perf_counter() - start
        settings = settings_from_env(data)
        with wh.connect(settings.warehouse, read_only=True) as con:
            period = str(wh.scalar(con, "select max(period) from reports.rpt_province_monthly"))
            loaded = report_data.load(con, settings, period)
        jobs = report_jobs(loaded, period, Path(tmp) / "out", ("bilingual",))

        # 1. One process, one report after another (after one warm-up render of each kind).
        seen: set[str] = set()
        for job in jobs:
            if job[0] not in seen:
                seen.add(job[0])
                render_to_files(job[0], job[1], Path(tmp) / "warm.html", Path(tmp) / "warm.pdf")
        times: dict[str, list[float]] = {}
        pages = 0
        for job in jobs:
            start = time.perf_counter()
            render_to_files(*job)  # type: ignore[arg-type]
            times.setdefault(job[0], []).append(time.perf_counter() - start)
            pages += job[3].read_bytes().count(b"/Type /Page\n")

        # 2. The enterprise reports through the process pool: 1 worker, then one per core.
        enterprise_jobs = [j for j in jobs if j[0] == "enterprise_monthly"]
        cores = len(os.sched_getaffinity(0))
        throughput = {}
        for workers in sorted({1, cores}):
            start = time.perf_counter()
            render_all(enterprise_jobs, workers=workers)
            wall = time.perf_counter() - start
            throughput[workers] = {
                "wall_s": round(wall, 2),
                "reports_per_s": round(len(enterprise_jobs) / wall, 2),
            }
        one = throughput[1]["reports_per_s"]
        many = throughput[cores]["reports_per_s"]

    result = {
        "enterprises": args.enterprises,
        "period": period,
        "machine": {
            "cpus": cores,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "land_and_build_s": round(land_s, 1),
        "reports": len(jobs),
        "enterprise_report_one_core": quantiles(times["enterprise_monthly"]),
        "park_report_one_core": quantiles(times["park_monthly"]),
        "province_report_one_core": quantiles(times["province_monthly"]),
        "pool_one_worker": throughput[1],
        "pool_all_cores": throughput[cores],
        "parallel_efficiency": round(many / (cores * one), 3) if cores > 1 else None,
        "peak_rss_mib_main_process": round(peak_rss_mib()),
    }
    (RESULTS / "render.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        (
            "enterprise report, median s (one core)",
            result["enterprise_report_one_core"]["median_s"],
        ),
        ("enterprise report, p90 s (one core)", result["enterprise_report_one_core"]["p90_s"]),
        ("park report, median s", result["park_report_one_core"]["median_s"]),
        ("province report, median s", result["province_report_one_core"]["median_s"]),
        ("1 worker: enterprise reports/s", one),
        (f"{cores} workers: enterprise reports/s", many),
        ("parallel efficiency", result["parallel_efficiency"]),
    ]
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    header = (
        f"# Rendering benchmark ({args.enterprises} enterprises, {len(jobs)} reports, "
        f"period {period})\n\n{result['machine']}\n\n| measure | value |\n|---|---|\n"
    )
    (RESULTS / "render.md").write_text(header + table + "\n")
    print(json.dumps(result, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
