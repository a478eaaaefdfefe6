"""Report rendering: seconds per report on one core, and throughput on every core.

Generates a demo province (``--enterprises``, 24 months), lands it through the real data
path (reference → ingest → validate → build), then renders the period's real reports
(HTML + PDF/A-3b, standard edition):

1. one spawned worker process, one report after another: the time of each (median, p90)
   by kind;
2. the enterprise reports through a pool of 1 worker process and of one worker per core
   (spawned, as the monthly cycle's ``render_all``; warmed up, so start-up is not counted):
   throughput and parallel efficiency = throughput(n) / (n × throughput(1));
3. the peer: Debian's headless Chromium printing the same self-contained HTML of each
   enterprise report to PDF (Playwright, one browser and one page kept open, warmed up), wall
   and the CPU of Chromium's processes per report; and WeasyPrint's ratio to it.

WeasyPrint's CPU per report is the worker's own (one core); Chromium's is the sum over its
browser, renderer and GPU processes.

Writes bench/results/render.json and .md. Usage: python -m bench.render [--enterprises 40]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.validation import RESULTS, peak_rss_mib


def land_demo(data: Path, enterprises: int) -> None:
    from demo.generate import DemoSpec, generate_demo
    from flows.build_warehouse import build_warehouse
    from flows.ingest import ingest_inbox
    from flows.reference import load_reference
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


def timed_render(job: tuple[Any, ...]) -> tuple[str, float, float]:
    """One report rendered to its files, as the monthly cycle's workers do: its wall and CPU
    seconds."""
    from report_templates.pdf import render_to_files

    start, cpu = time.perf_counter(), time.process_time()
    render_to_files(*job)
    return job[0], time.perf_counter() - start, time.process_time() - cpu


def chromium_peer(htmls: list[str], rounds: int = 3) -> dict[str, Any]:
    """Headless Chromium printing each HTML to an A4 PDF: median and p90 per report of the
    median over ``rounds``, wall and Chromium's CPU."""
    import psutil
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("NETZERO_CHROMIUM") or shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium not found: `make bench` sets it up (apt-get install chromium)")

    def chromium_cpu() -> float:
        total = 0.0
        for process in psutil.Process().children(recursive=True):
            try:
                if "chrom" in process.name():
                    times = process.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                continue
        return total

    walls: list[list[float]] = [[] for _ in htmls]
    cpus: list[list[float]] = [[] for _ in htmls]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content(htmls[0])
        page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        for _ in range(rounds):
            for i, html in enumerate(htmls):
                cpu, start = chromium_cpu(), time.perf_counter()
                page.set_content(html)
                page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
                walls[i].append(time.perf_counter() - start)
                cpus[i].append(chromium_cpu() - cpu)
        browser.close()
    return {
        "wall": quantiles([statistics.median(w) for w in walls]),
        "cpu": quantiles([statistics.median(c) for c in cpus]),
    }


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
    load_at_start = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)

    from flows import report_data
    from flows import warehouse as wh
    from flows.render_reports import report_jobs
    from flows.settings import settings_from_env

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        start = time.perf_counter()
        land_demo(data, args.enterprises)
        land_s = time.perf_counter() - start
        settings = settings_from_env(data)
        with wh.connect(settings.warehouse, read_only=True) as con:
            period = str(wh.scalar(con, "select max(period) from reports.rpt_province_monthly"))
            loaded = report_data.load(con, settings, period)
        jobs = list(report_jobs(loaded, period, Path(tmp) / "out", ("bilingual",)))

        # 1. One worker process, one report after another, each timed (after one warm-up
        #    render of each kind). A spawned worker, as in the monthly cycle: this process
        #    holds the landed data and GX, whose heap would slow the garbage collector.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            seen: set[str] = set()
            for job in jobs:
                if job[0] not in seen:
                    seen.add(job[0])
                    pool.submit(timed_render, job).result()
            timed = [pool.submit(timed_render, job).result() for job in jobs]
        times: dict[str, list[float]] = {}
        cpu_times: dict[str, list[float]] = {}
        for kind, seconds, cpu in timed:
            times.setdefault(kind, []).append(seconds)
            cpu_times.setdefault(kind, []).append(cpu)

        # 2. The enterprise reports through a pool of 1 worker, then one per core, each
        #    worker warmed up first (start-up is paid once per run, not per report).
        enterprise_jobs = [j for j in jobs if j[0] == "enterprise_monthly"]
        cores = len(os.sched_getaffinity(0))
        throughput = {}
        for workers in sorted({1, cores}):
            with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
                for future in [pool.submit(timed_render, j) for j in jobs[:workers]]:
                    future.result()
                start = time.perf_counter()
                for future in [pool.submit(timed_render, j) for j in enterprise_jobs]:
                    future.result()
                wall = time.perf_counter() - start
            throughput[workers] = {
                "wall_s": round(wall, 2),
                "reports_per_s": round(len(enterprise_jobs) / wall, 2),
            }
        one = throughput[1]["reports_per_s"]
        many = throughput[cores]["reports_per_s"]

        # 3. The peer: Chromium on the same HTML as the files written above.
        from report_templates.render import render_html

        peer = chromium_peer([render_html(j[0], j[1], j[4]) for j in enterprise_jobs])

    result = {
        "enterprises": args.enterprises,
        "period": period,
        "machine": {
            "cpus": cores,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load_at_start],
        },
        "land_and_build_s": round(land_s, 1),
        "reports": len(jobs),
        "enterprise_report_one_core": quantiles(times["enterprise_monthly"]),
        "enterprise_report_cpu_one_core": quantiles(cpu_times["enterprise_monthly"]),
        "chromium_peer_enterprise_report": peer,
        "weasyprint_to_chromium_wall": round(
            statistics.median(times["enterprise_monthly"]) / peer["wall"]["median_s"], 2
        ),
        "weasyprint_to_chromium_cpu": round(
            statistics.median(cpu_times["enterprise_monthly"]) / peer["cpu"]["median_s"], 2
        ),
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
        ("enterprise report, CPU median s", result["enterprise_report_cpu_one_core"]["median_s"]),
        ("Chromium, same HTML: median s", peer["wall"]["median_s"]),
        ("Chromium, same HTML: p90 s", peer["wall"]["p90_s"]),
        ("Chromium, same HTML: CPU median s", peer["cpu"]["median_s"]),
        ("WeasyPrint ÷ Chromium (wall, median)", result["weasyprint_to_chromium_wall"]),
        ("WeasyPrint ÷ Chromium (CPU, median)", result["weasyprint_to_chromium_cpu"]),
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
