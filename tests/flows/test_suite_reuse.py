"""A suite that checks the same tables with the same code as an earlier run takes that
run's results instead of running Great Expectations again (issue 19: a rerun with nothing
new). The results are the earlier run's, failures included: the check never turns
favourable by not running, and anything changed in the tables runs it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows import validate
from flows.build_warehouse import build_warehouse
from flows.ingest import ingest_inbox
from flows.receipts import receipt_common, write_validation_page
from flows.reference import load_reference
from flows.settings import Settings
from flows.validate import MartsInvalid, validate_marts, validate_submissions, validate_warnings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from demo.generate import DemoSpec, generate_demo

    data = tmp_path_factory.mktemp("reuse") / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    settings = Settings(data_dir=data)
    load_reference.fn(settings)
    ingest_inbox.fn(settings, "intake")
    validate_submissions.fn(settings, "intake")
    build_warehouse.fn(settings)
    return data


@pytest.fixture
def settings(built: Path, tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(built, data)
    return Settings(data_dir=data)


def results(settings: Settings, run_id: str) -> pl.DataFrame:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.sql(
            "select * exclude (run_id) from ops.validation_results where run_id = ? order by all",
            params=[run_id],
        ).pl()


def whose(settings: Settings, run_id: str) -> dict[str, str]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select suite_name, results_of_run from ops.suite_runs where run_id = ?", [run_id]
        ).fetchall()
    return dict(rows)


def gx_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("Great Expectations ran on tables an earlier run checked")

    monkeypatch.setattr(validate.suite_process, "outcome", refuse)
    monkeypatch.setattr(validate.suite_process, "columns", refuse)


def test_the_same_tables_take_the_earlier_results_and_a_change_checks_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings = validate_warnings.fn(settings, "first")
    validate_marts.fn(settings, "first")
    checked = results(settings, "first")
    assert set(whose(settings, "first").values()) == {"first"}
    assert len(whose(settings, "first")) == 7  # the warning suite and the six marts suites

    with monkeypatch.context() as patched:
        gx_must_not_run(patched)
        assert validate_warnings.fn(settings, "second") == warnings
        validate_marts.fn(settings, "second")
    assert results(settings, "second").equals(checked)  # validated_at: when GX ran
    assert set(whose(settings, "second").values()) == {"first"}

    # one value of one mart changes: that suite runs again, the others stand
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute(
            "update marts.dim_enterprises set name_vi = name_vi || ' (mới)' "
            "where tax_code = (select min(tax_code) from marts.dim_enterprises)"
        )
    validate_warnings.fn(settings, "third")
    validate_marts.fn(settings, "third")
    owners = whose(settings, "third")
    assert owners.pop("marts.dim_enterprises.critical") == "third"
    assert set(owners.values()) == {"first"}


def test_a_failed_check_fails_again_without_running(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute(
            "update marts.dim_enterprises set park_name_vi = null "
            "where tax_code = (select min(tax_code) from marts.dim_enterprises)"
        )
    with pytest.raises(MartsInvalid, match="known_park"):
        validate_marts.fn(settings, "failed")
    with monkeypatch.context() as patched:
        gx_must_not_run(patched)
        with pytest.raises(MartsInvalid, match="known_park"):
            validate_marts.fn(settings, "again")
    assert whose(settings, "again")["marts.dim_enterprises.critical"] == "failed"
    assert not results(settings, "again").filter(pl.col("rule") == "known_park")["success"][0]


def test_the_validation_page_says_whose_results_it_shows(settings: Settings) -> None:
    validate_warnings.fn(settings, "first")
    validate_marts.fn(settings, "first")
    with duckdb.connect(str(settings.warehouse)) as con:  # the first run was two days ago
        con.execute(
            "update ops.validation_results set validated_at = validated_at - interval 2 days "
            "where run_id = 'first'"
        )
        (checked,) = con.execute(
            "select max(validated_at) from ops.validation_results where run_id = 'first'"
        ).fetchone() or (None,)
    validate_marts.fn(settings, "second")
    first = write_validation_page.fn(settings, "first", receipt_common(settings, "first"))
    second = write_validation_page.fn(settings, "second", receipt_common(settings, "second"))
    assert "Không chạy lại" not in first.read_text(encoding="utf-8")
    assert "Suites not run again" not in first.read_text(encoding="utf-8")
    page = second.read_text(encoding="utf-8")
    # said first, above the suites: how many of them
    assert page.index("Bộ kiểm tra không chạy lại") < page.index("Suites not run again")
    assert "Suites not run again" in page[: page.index("<h2>")]
    assert "<strong>6 / 6</strong>" in page
    # six suites (the marts'), each from run "first", in both languages
    assert page.count("Không chạy lại") == 6
    assert page.count("Not run again") == 6
    assert page.count("<code>first</code>") == 6
    # the page's own time is this run's: when it took those results
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        (taken,) = con.execute(
            "select max(recorded_at) from ops.suite_runs where run_id = 'second'"
        ).fetchone() or (None,)
    assert f"<code>second</code> · {taken:%Y-%m-%d %H:%M} UTC" in page
    assert page.count(f"<code>first</code> · {checked:%Y-%m-%d %H:%M} UTC") == 6


def test_each_suite_reads_only_its_columns_and_finds_what_the_whole_table_gives(
    settings: Settings,
) -> None:
    """The mart and warning suites are given only the columns they name (at 10,000
    enterprises the report table is 144 columns, copied to pandas for GX): on a table with a
    failing row, the results on those columns are the results on every column."""
    from expectations import marts as marts_suites
    from expectations import quality as quality_suite
    from expectations import run_suite, suite_columns
    from flows import warehouse as wh

    with duckdb.connect(str(settings.warehouse)) as con:
        # a missing month said to be on track: the suite must catch it either way
        con.execute(
            "update reports.rpt_enterprise_monthly set submission_status = 'missing', "
            "progress_status = 'on_track' "
            "where rowid = (select min(rowid) from reports.rpt_enterprise_monthly)"
        )
        cases = [(table, make(), rows) for table, (make, rows) in marts_suites.SUITES.items()] + [
            ("marts.int_quality_checks", quality_suite.suite(), pl.lit(True))
        ]
        for table, suite, rows in cases:
            columns = suite_columns(suite)
            assert columns is not None, table
            whole = wh.read_table(con, table)
            narrow = wh.read_table(con, table, columns | set(rows.meta.root_names()))
            assert narrow.width < whole.width, table
            outcomes = [
                run_suite(
                    frame.filter(rows)
                    .with_row_index("row_key")
                    .with_columns(pl.col("row_key").cast(pl.Int64)),
                    suite,
                ).results
                for frame in (whole, narrow)
            ]
            assert outcomes[0].equals(outcomes[1]), table
            if table == "reports.rpt_enterprise_monthly":
                assert not outcomes[1]["success"].all()
