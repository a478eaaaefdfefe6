"""A build whose inputs have not changed since the last complete one is skipped (issue 19):
the same files, register, reference, options and code give the same tables, so they are
left as they are; anything new rebuilds them. The build and validation hold a bounded share
of DuckDB's pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.build_warehouse import build_warehouse
from flows.ingest import ingest_inbox
from flows.reference import load_reference
from flows.settings import Settings
from flows.validate import validate_submissions


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from demo.generate import DemoSpec, generate_demo

    data = tmp_path_factory.mktemp("skip") / "data"
    generate_demo(data, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    (data / "held").mkdir()
    shutil.move(data / "inbox" / "3766691743_2026-10.csv", data / "held")
    _intake(Settings(data_dir=data))
    return data


def _intake(settings: Settings) -> None:
    load_reference.fn(settings)
    ingest_inbox.fn(settings, "run")
    validate_submissions.fn(settings, "run")
    build_warehouse.fn(settings)


def _state(data: Path) -> tuple[object, object, object]:
    with duckdb.connect(str(data / "warehouse" / "netzero.duckdb"), read_only=True) as con:
        built_at = con.execute("select max(built_at) from meta.build_inputs").fetchone()
        months = con.execute(
            "select count(*), min(due_at) from marts.fct_submission_status"
        ).fetchone()
        missing = con.execute(
            "select count(*) from marts.fct_submission_status where submission_status = 'missing'"
        ).fetchone()
    return built_at[0], months, missing[0]  # type: ignore[index]


def test_nothing_new_skips_the_build_and_anything_new_rebuilds(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built, data)
    settings = Settings(data_dir=data)
    first, months, missing = _state(data)
    assert first is not None

    _intake(settings)  # nothing new: the tables stand
    assert _state(data) == (first, months, missing)

    # a new file lands: rebuilt, and the month it fills is no longer missing
    shutil.move(data / "held" / "3766691743_2026-10.csv", data / "inbox")
    _intake(settings)
    second, _, fewer_missing = _state(data)
    assert second > first and fewer_missing == missing - 1  # type: ignore[operator]

    # another due day (an option of the build): rebuilt, with the new due moment
    _intake(Settings(data_dir=data, due_day=14))
    third, (_, due), _ = _state(data)
    assert third > second and due != months[1]  # type: ignore[index, operator]

    # a register change (an enterprise's target): rebuilt
    enterprises = data / "register" / "enterprises.csv"
    text = enterprises.read_text(encoding="utf-8")
    enterprises.write_text(text.replace("2050", "2045", 1), encoding="utf-8")
    _intake(Settings(data_dir=data, due_day=14))
    assert _state(data)[0] > third  # type: ignore[operator]


def test_the_build_holds_a_bounded_share_of_duckdb_s_pages(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB keeps up to 80 % of the machine's memory of pages by default: the build, the
    month's largest stage at 10,000 enterprises (1.98 GiB), holds ``PAGES_MEMORY`` at most."""
    from flows import build_warehouse as bw

    data = tmp_path / "data"
    shutil.copytree(built, data)
    limits: set[str] = set()
    build = bw._build

    def recorded(con: duckdb.DuckDBPyConnection, *args: object) -> None:
        limits.add(_limit(con))
        build(con, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bw, "_build", recorded)
    build_warehouse.fn(Settings(data_dir=data, due_day=14))  # another option: rebuilt
    assert limits == {_bounded()}


def test_validation_holds_a_bounded_share_of_duckdb_s_pages(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation reads which lines are new against every file landed: 1.29 GiB of DuckDB's
    pages at 24 months of 10,000 enterprises, unbounded."""
    from flows import warehouse as wh

    data = tmp_path / "data"
    shutil.copytree(built, data)
    settings = Settings(data_dir=data)
    shutil.move(data / "held" / "3766691743_2026-10.csv", data / "inbox")
    ingest_inbox.fn(settings, "run")
    limits: set[str] = set()
    query = wh.query

    def recorded(con: duckdb.DuckDBPyConnection, *args: object) -> object:
        limits.add(_limit(con))
        return query(con, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(wh, "query", recorded)
    validate_submissions.fn(settings, "run")  # the new file's lines
    assert limits == {_bounded()}


def _bounded() -> str:
    """What ``limit_pages`` sets, as DuckDB reports it, and not DuckDB's default."""
    from flows import warehouse as wh

    with duckdb.connect() as con:
        default = _limit(con)
        wh.limit_pages(con)
        bounded = _limit(con)
    assert default != bounded
    return bounded


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    """The connection's memory limit, as DuckDB reports it ("488.2 MiB")."""
    return str(con.execute("select current_setting('memory_limit')").fetchall()[0][0])
