"""One uninterrupted demo run per session, shared by the tests that stop runs from outside
(crash safety, signals, rebuild): each starts from a copy and compares with it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from demo.generate import DemoSpec, generate_demo


class Province(NamedTuple):
    source: Path  # as generated, the inbox full, with Prefect's database already created
    expected: dict[str, str]  # the fingerprint of an uninterrupted run over it
    files: int  # files the demo put in the inbox
    reference: Path  # the data folder after that run


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str) -> Province:
    from tests.flows.test_crash_safety import fingerprint, run

    source = tmp_path_factory.mktemp("crash") / "source"
    demo = generate_demo(source, DemoSpec(enterprises=9, months=2, last_period="2026-10"))
    reference = source.parent / "reference"
    shutil.copytree(source, reference)
    assert run(reference, api_url=prefect_api_url) == 0
    # Every copy starts with Prefect's database already created (saves its migrations, ~5 s
    # a run); the warehouse, outbox and inbox are as generated.
    shutil.copytree(reference / "prefect", source / "prefect")
    return Province(source, fingerprint(reference), int(demo["files"]), reference)  # type: ignore[call-overload]
