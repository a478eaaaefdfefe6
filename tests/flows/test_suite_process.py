"""Great Expectations runs in a process of its own (flows/suite_process.py): the run's process
never imports it, the outcomes are those of running the suites in place, and ``close()``
ends the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_checks_give_what_they_give_in_place_without_gx_in_the_run_s_process(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        import psutil
        from demo.generate import DemoSpec, generate_demo
        from expectations import quality, run_suite, submission_lines
        from flows import suite_process
        from flows import warehouse as wh
        from flows.build_warehouse import build_warehouse
        from flows.ingest import ingest_inbox
        from flows.reference import load_reference
        from flows.settings import Settings
        from flows.validate import current_period_index, validate_submissions, validate_warnings

        data = Path({str(tmp_path / "data")!r})
        generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
        settings = Settings(data_dir=data)
        load_reference.fn(settings)
        ingest_inbox.fn(settings, "run")
        with wh.connect(settings.warehouse) as con:
            wh.build_sql_model(con, "staging", "stg_submissions__file_keys")
            pending = wh.query(con, wh.sql("lines_to_validate"))
            known = submission_lines.known_codes(
                wh.read_table(con, "reference.ref_enterprises"),
                wh.read_table(con, "reference.ref_activities"),
                wh.read_table(con, "reference.ref_activity_units"),
                wh.read_table(con, "reference.ref_grid_emission_factors"),
                current_period_index(),
            )
        prepared = submission_lines.prepared_lines(pending, known)
        quarantined = validate_submissions.fn(settings, "run")
        build_warehouse.fn(settings)
        warnings = validate_warnings.fn(settings, "run")
        child = {{
            p.pid for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())
        }}
        gx_here = "great_expectations" in sys.modules
        suite_process.close()
        ended = not any(psutil.pid_exists(pid) for pid in child)
        # the same suite in place (GX imported here only now)
        apart = suite_process.outcome(prepared, submission_lines.suite, known)
        suite_process.close()
        here = run_suite(prepared, submission_lines.suite(known))
        print(json.dumps({{
            "gx_here": gx_here, "children": len(child), "ended": ended,
            "quarantined": quarantined, "warnings": warnings,
            "same_results": apart.results.equals(here.results),
            "same_failures": apart.failures.sort("row_key", "rule").equals(
                here.failures.sort("row_key", "rule")),
            "failures": here.failures.height,
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["gx_here"] is False, "Great Expectations was imported into the run's process"
    assert seen["children"] == 1 and seen["ended"]
    assert seen["same_results"] and seen["same_failures"]
    # the demo's deliberate defects: some lines fail, and are quarantined
    assert seen["failures"] > 0 and seen["quarantined"] > 0


def test_a_process_that_ran_a_suite_ends_without_close(tmp_path: Path) -> None:
    """Only a run's flow closes the suites' process; any other caller (a spawned data path,
    as the benchmarks run it; a command that lands station files) just returns. Its process
    must still end: a spawned process joins its children before its interpreter's exit
    hooks run, and the pool's worker waited for work that never came."""
    script = textwrap.dedent(
        """
        import multiprocessing, time

        def child():
            from expectations import quality
            from flows import suite_process
            suite_process.columns(quality.suite)

        if __name__ == "__main__":
            process = multiprocessing.get_context("spawn").Process(target=child)
            process.start()
            process.join(timeout=60)
            alive = process.is_alive()
            if alive:
                process.kill()
            print(alive, process.exitcode)
        """
    )
    path = tmp_path / "data_path.py"  # spawn imports the child's function from a file
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)],
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["False", "0"], done.stdout + done.stderr[-3000:]


def test_a_file_s_rows_are_checked_as_the_same_frame_would_be_and_a_grown_process_ends(
    tmp_path: Path,
) -> None:
    """``outcome_of_file`` keeps the rows its filter keeps and numbers them in the file's
    order, as the frame handed over would be; and once a suite leaves the process over
    ``RETIRE_AT_MIB`` (here 1 MiB, so after every suite) the next runs in a new process."""
    script = textwrap.dedent(
        f"""
        import json
        from pathlib import Path
        import polars as pl
        import psutil
        from expectations import marts
        from flows import suite_process

        def children():
            return {{
                p.pid for p in psutil.Process().children()
                if "spawn_main" in " ".join(p.cmdline())
            }}

        rows = pl.DataFrame({{
            "abs_difference": [0.0, 2.0, 9.0, 5.0, 5e-7],
            "kept": [True, True, False, True, True],
        }})
        path = Path({str(tmp_path / "rows.parquet")!r})
        rows.write_parquet(path)
        kept = rows.filter(pl.col("kept")).with_row_index("row_key")
        frame = kept.with_columns(pl.col("row_key").cast(pl.Int64))
        given = suite_process.outcome(frame, marts.rpt_rollup_reconciliation)
        first = children()
        suite_process.RETIRE_AT_MIB = 1
        read = suite_process.outcome_of_file(
            path, marts.rpt_rollup_reconciliation, rows=pl.col("kept")
        )
        after = children()
        again = suite_process.outcome_of_file(
            path, marts.rpt_rollup_reconciliation, rows=pl.col("kept")
        )
        print(json.dumps({{
            "same_results": read.results.equals(given.results),
            "failing_keys": sorted(read.failures["row_key"].to_list()),
            "first": len(first), "ended": not (first & after) and not after,
            "again_same": again.results.equals(given.results),
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # the kept rows (0.0, 2.0, 5.0, 5e-7) are numbered 0-3: 2.0 and 5.0 fail, keys 1 and 2
    # (numbered before the filter, 5.0 would be 3; 9.0, not kept, would fail as 2)
    assert seen == {
        "same_results": True,
        "failing_keys": [1, 2],
        "first": 1,
        "ended": True,
        "again_same": True,
    }
