"""A landing gathers its files' lines into one frame every GATHER_EVERY files (memory, at
230,000 files): the lines landed are exactly those of a landing that holds one frame a file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows import ingest
from flows.reference import load_reference
from flows.settings import Settings


def landed_lines(source: Path, target: Path) -> list[tuple[object, ...]]:
    shutil.copytree(source, target)
    settings = Settings(data_dir=target)
    load_reference.fn(settings)
    result = ingest.ingest_inbox.fn(settings, "run")
    assert result.landed > 4
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute("select * from raw.submission_lines order by all").fetchall()


def test_lines_gathered_every_few_files_are_the_lines_of_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from demo.generate import DemoSpec, generate_demo

    source = tmp_path / "source"
    generate_demo(source, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    one_a_file = landed_lines(source, tmp_path / "apart")
    monkeypatch.setattr(ingest, "GATHER_EVERY", 2)
    gathered = landed_lines(source, tmp_path / "gathered")
    assert gathered == one_a_file
    assert len(gathered) > 20
