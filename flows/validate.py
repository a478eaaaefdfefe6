"""Run the GX suites: submission lines (errors quarantine the line) and marts (errors stop)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
from prefect import task

from expectations import SuiteError, line_rules, run_suite
from expectations import marts as marts_suites
from expectations import quality as quality_suite
from expectations import submission_lines as lines_suite
from flows import warehouse as wh
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
        outcome = run_suite(prepared, lines_suite.suite(known))
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


@task
def validate_warnings(settings: Settings, run_id: str) -> int:
    """Run the warning suite on this build's quality checks and record what it found; the
    warnings themselves are a model (marts.fct_data_quality_warnings), and the suite must
    flag exactly its rows. Returns the warnings found."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with wh.connect(settings.warehouse) as con:
        checks = wh.read_table(con, "marts.int_quality_checks").with_row_index("row_key")
        checks = checks.with_columns(pl.col("row_key").cast(pl.Int64))
        outcome = run_suite(checks, quality_suite.suite())
        warnings = wh.count_rows(con, "marts.fct_data_quality_warnings")
        if outcome.failures.height != warnings:
            raise SuiteError(
                f"{outcome.suite_name}: the suite flagged {outcome.failures.height} rows, "
                f"marts.fct_data_quality_warnings holds {warnings}"
            )
        wh.append_rows(
            con,
            outcome.results.with_columns(
                run_id=pl.lit(run_id),
                suite_name=pl.lit(outcome.suite_name),
                suite_version=pl.lit(quality_suite.SUITE_VERSION),
                validated_at=pl.lit(now),
            ),
            "ops.validation_results",
        )
    return outcome.failures.height


@task
def validate_marts(settings: Settings, run_id: str) -> None:
    """Stop the run before rendering if a mart breaks a critical expectation."""
    now = datetime.now(UTC).replace(tzinfo=None)
    failed = []
    with wh.connect(settings.warehouse) as con:
        for table, (suite, rows) in marts_suites.SUITES.items():
            frame = rows(wh.read_table(con, table)).with_row_index("row_key")
            outcome = run_suite(frame.with_columns(pl.col("row_key").cast(pl.Int64)), suite())
            wh.append_rows(
                con,
                outcome.results.with_columns(
                    run_id=pl.lit(run_id),
                    suite_name=pl.lit(outcome.suite_name),
                    suite_version=pl.lit(marts_suites.SUITE_VERSION),
                    validated_at=pl.lit(now),
                ),
                "ops.validation_results",
            )
            if not outcome.success:
                failed.append(outcome.results.filter(~pl.col("success")))
    if failed:
        raise MartsInvalid(
            words.both(
                "The marts failed their critical checks, no report was rendered:\n{value}",
                value=pl.concat(failed),
            )
        )
