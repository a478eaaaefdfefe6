"""Run the GX suites: submission lines (errors quarantine the line) and marts (errors stop)."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
from prefect import task

from expectations import (
    RESULT_SCHEMA,
    SuiteError,
    SuiteRun,
    line_rules,
)
from expectations import marts as marts_suites
from expectations import quality as quality_suite
from expectations import submission_lines as lines_suite
from flows import suite_process
from flows import warehouse as wh
from flows.build_warehouse import code_digest
from flows.failpoints import failpoint
from flows.settings import Settings
from report_templates import words
from transforms.periods import month_index
from transforms.submission_contract import describe_character


class MartsInvalid(RuntimeError):
    pass


def current_period_index(now: datetime | None = None) -> int:
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    return month_index(today.year, today.month)


@task
def validate_submissions(settings: Settings, run_id: str) -> int:
    """Validate lines of files not validated yet; returns how many lines were quarantined."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with wh.connect(settings.warehouse) as con:
        # 24 months of 10,000 enterprises' files: 1,289 -> 706 MiB at most (6.2 -> 6.5 s)
        wh.limit_pages(con)
        # What each file speaks for: the one rule staging uses too.
        wh.build_sql_model(con, "staging", "stg_submissions__file_keys")
        pending = wh.query(con, wh.sql("lines_to_validate"))
        if pending.is_empty():
            return 0
        known = lines_suite.known_codes(
            wh.read_table(con, "reference.ref_enterprises"),
            wh.read_table(con, "reference.ref_activities"),
            wh.read_table(con, "reference.ref_activity_units"),
            wh.read_table(con, "reference.ref_grid_emission_factors"),
            current_period_index(),
        )
        prepared = lines_suite.prepared_lines(pending, known)
        failpoint("validate.lines")
        outcome = suite_process.outcome(prepared, lines_suite.suite, known)
        quarantine = quarantine_rows(prepared, outcome.failures).with_columns(
            run_id=pl.lit(run_id),
            suite_version=pl.lit(lines_suite.SUITE_VERSION),
            quarantined_at=pl.lit(now),
        )
        results = outcome.results.with_columns(
            run_id=pl.lit(run_id),
            suite_name=pl.lit(outcome.suite_name),
            suite_version=pl.lit(lines_suite.SUITE_VERSION),
            validated_at=pl.lit(now),
        )
        validated = (
            pending.select("sha256")
            .unique()
            .with_columns(
                run_id=pl.lit(run_id),
                suite_version=pl.lit(lines_suite.SUITE_VERSION),
                validated_at=pl.lit(now),
            )
        )
        con.begin()
        wh.append_rows(con, quarantine, "ops.quarantine")
        wh.append_rows(con, results, "ops.validation_results")
        wh.append_rows(con, validated, "ops.file_validations")
        con.commit()
    return quarantine.select("sha256", "line_no").unique().height


def quarantine_rows(prepared: pl.DataFrame, failures: pl.DataFrame) -> pl.DataFrame:
    """One row per failing line and rule, with the value the submitter wrote.

    A field refused for a character outside ASCII gets that character named in its reason,
    and no other reason: the rest would only be consequences of the one mistake.
    """
    plain = {rule.name for rule in line_rules.PLAIN_RULES.values()}
    odd_fields = failures.filter(pl.col("rule").is_in(plain)).select("row_key", "field")
    failures = failures.join(odd_fields, on=["row_key", "field"], how="anti").vstack(
        failures.filter(pl.col("rule").is_in(plain))
    )
    joined = _name_odd_characters(failures.join(prepared, on="row_key", how="left"))
    value = pl.coalesce(
        *(
            pl.when(pl.col("field") == name).then(pl.col(name).cast(pl.String))
            for name in ("tax_code", "period", "revision", "activity_code", "quantity", "unit")
        )
    )
    return joined.select(
        "sha256",
        "file_name",
        "line_no",
        "field",
        value.alias("value"),
        "rule",
        "severity",
        "reason_vi",
        "reason_en",
    ).sort("file_name", "line_no", "rule")


def _name_odd_characters(joined: pl.DataFrame) -> pl.DataFrame:
    odd = pl.coalesce(
        *(
            pl.when(pl.col("rule") == rule.name).then(pl.col(f"{field}_odd_character"))
            for field, rule in line_rules.PLAIN_RULES.items()
        )
    )
    described = (
        joined.select(odd.alias("char"))
        .to_series()
        .map_elements(lambda char: list(describe_character(char)), return_dtype=pl.List(pl.String))
    )
    return joined.with_columns(described.alias("described")).with_columns(
        pl.when(pl.col("described").is_not_null())
        .then(pl.concat_str("reason_vi", pl.lit(": "), pl.col("described").list.get(0)))
        .otherwise("reason_vi")
        .alias("reason_vi"),
        pl.when(pl.col("described").is_not_null())
        .then(pl.concat_str("reason_en", pl.lit(": "), pl.col("described").list.get(1)))
        .otherwise("reason_en")
        .alias("reason_en"),
    )


WARNINGS = "marts.fct_data_quality_warnings"


@task
def validate_warnings(settings: Settings, run_id: str) -> int:
    """Run the warning suite on this build's quality checks and record what it found; the
    warnings themselves are a model (marts.fct_data_quality_warnings), and the suite must
    flag exactly its rows. Returns the warnings found. Checks that an earlier run made on
    the same tables with the same code are taken from it (``checked_before``)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with wh.connect(settings.warehouse) as con:
        checks_table = "marts.int_quality_checks"
        key = suite_fingerprint(con, "quality", quality_suite.SUITE_VERSION, checks_table, WARNINGS)
        if checked_before(con, run_id, key, now) is not None:
            return wh.count_rows(con, WARNINGS)
        read = suite_process.columns(quality_suite.suite)
        checks = wh.read_table(con, checks_table, read).with_row_index("row_key")
        checks = checks.with_columns(pl.col("row_key").cast(pl.Int64))
        outcome = suite_process.outcome(checks, quality_suite.suite)
        warnings = wh.count_rows(con, WARNINGS)
        if outcome.failures.height != warnings:
            raise SuiteError(
                f"{outcome.suite_name}: the suite flagged {outcome.failures.height} rows, "
                f"{WARNINGS} holds {warnings}"
            )
        record_suite(con, run_id, key, outcome, quality_suite.SUITE_VERSION, now)
    return outcome.failures.height


# DuckDB's pages while the marts are checked (see validate_marts)
CHECK_PAGES = "128MB"


@task
def validate_marts(settings: Settings, run_id: str) -> None:
    """Stop the run before rendering if a mart breaks a critical expectation (the outcome of
    an earlier run on the same tables with the same code stands for it, failures too)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    failed = []
    with wh.connect(settings.warehouse) as con:
        # The marts' rows only pass through here, sorted into a file: at 10,000 enterprises
        # × 24 months the largest's sort took this process from ~130 to ~575 MiB with the
        # run's 512 MB of pages, and to ~355 with this (it spills; the check took no longer).
        wh.limit_pages(con, CHECK_PAGES)
        for table, (make_suite, rows) in marts_suites.SUITES.items():
            key = suite_fingerprint(con, f"marts:{table}", marts_suites.SUITE_VERSION, table)
            results = checked_before(con, run_id, key, now)
            if results is None:
                # Only the columns the suite reads: at 10,000 enterprises × 24 months the
                # report table alone is 144 columns, and GX takes a pandas copy of what it is given.
                columns = suite_process.columns(make_suite)
                if columns is not None:
                    columns |= set(rows.meta.root_names())
                # Handed over as a file: the suites' process reads the rows, this one
                # (which goes on to render for an hour) never holds them.
                with tempfile.TemporaryDirectory(dir=settings.warehouse.parent) as folder:
                    rows_file = Path(folder) / "rows.parquet"
                    wh.write_table_parquet(con, table, rows_file, columns)
                    outcome = suite_process.outcome_of_file(rows_file, make_suite, rows=rows)
                record_suite(con, run_id, key, outcome, marts_suites.SUITE_VERSION, now)
                results = outcome.results
            if not results["success"].all():
                failed.append(results.filter(~pl.col("success")))
    if failed:
        raise MartsInvalid(
            words.both(
                "The marts failed their critical checks, no report was rendered:\n{value}",
                value=pl.concat(failed),
            )
        )


def suite_fingerprint(
    con: duckdb.DuckDBPyConnection, suite: str, suite_version: str, *tables: str
) -> str:
    """What a suite checks, in one digest: the suite and its version, the code that makes
    and checks the tables (transforms/, expectations/, the release, and this module, which
    hands the tables to the suites) and the tables' rows. The same digest, the same
    results: the suites read nothing else (no clock)."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(f"{suite}|{suite_version}".encode())
    for table in tables:
        digest.update(wh.table_digest(con, table).encode())
    return digest.hexdigest()


def checked_before(
    con: duckdb.DuckDBPyConnection, run_id: str, key: str, now: datetime
) -> pl.DataFrame | None:
    """The results of the last run that checked what ``key`` fingerprints (as ``SuiteRun``'s
    results), recorded again as this run's: ops.validation_results keeps when Great
    Expectations ran, ops.suite_runs says whose results they are. None when no run did."""
    earlier = con.execute(
        "select results_of_run, suite_name from ops.suite_runs where fingerprint = ? "
        "order by recorded_at desc limit 1",
        [key],
    ).fetchall()
    if not earlier:
        return None
    ((results_of_run, suite_name),) = earlier
    results = wh.query(
        con,
        "select * exclude (run_id) from ops.validation_results where run_id = ? and suite_name = ?",
        [results_of_run, suite_name],
    )
    if results.is_empty():
        return None
    con.begin()
    wh.append_rows(con, results.with_columns(run_id=pl.lit(run_id)), "ops.validation_results")
    _suite_run(con, run_id, suite_name, key, results_of_run, now)
    con.commit()
    return results.select(list(RESULT_SCHEMA))


def record_suite(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    key: str,
    outcome: SuiteRun,
    suite_version: str,
    now: datetime,
) -> None:
    """A suite's results, and what it checked, as this run's: in one transaction."""
    con.begin()
    wh.append_rows(
        con,
        outcome.results.with_columns(
            run_id=pl.lit(run_id),
            suite_name=pl.lit(outcome.suite_name),
            suite_version=pl.lit(suite_version),
            validated_at=pl.lit(now),
        ),
        "ops.validation_results",
    )
    _suite_run(con, run_id, outcome.suite_name, key, run_id, now)
    con.commit()


def _suite_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    suite_name: str,
    key: str,
    results_of_run: str,
    now: datetime,
) -> None:
    con.execute(
        "insert into ops.suite_runs values (?, ?, ?, ?, ?)",
        [run_id, suite_name, key, results_of_run, now],
    )
