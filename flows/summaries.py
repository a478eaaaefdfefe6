"""What a run did, as the operator reads it: the CLI's table and the Prefect artifact, and
the stage clock that times it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar

from flows.runs import terminated
from flows.settings import Settings
from flows.warehouse import ops
from report_templates import words


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    period: str
    files_landed: int
    files_rejected: int
    files_skipped: int
    lines_landed: int
    lines_quarantined: int
    warnings: int
    reports_written: int
    reports_rendered: int
    outbox: str
    warehouse: str
    published: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # Why this month, when the run chose it (no --period): the rule and what it skipped.
    period_note: str = ""

    @property
    def duration_s(self) -> float:
        return round(sum(self.stage_seconds.values()), 2)

    def rows(self) -> list[tuple[str, str]]:
        """The summary as (bilingual label, value) rows: the CLI and the artifact show these."""
        out = [(words.both("reporting period"), self.period)]
        if self.period_note:
            out.append((words.both("why this period"), self.period_note))
        out += intake_rows(self)
        out += [
            (words.both("PDF reports for the period"), str(self.reports_written)),
            (words.both("reports rendered by this run"), str(self.reports_rendered)),
        ]
        out += stage_rows(self.stage_seconds)
        out += [
            (words.both("outbox"), self.outbox),
            (words.both("published for analysts"), self.published),
        ]
        return out

    def markdown(self) -> str:
        return markdown_table(f"netzero {self.period} · run {self.run_id}", self.rows())

    artifact_key: ClassVar[str] = "netzero-run-summary"

    @property
    def artifact_description(self) -> str:
        return f"netzero monthly cycle {self.period}"


@dataclass(frozen=True)
class IntakeSummary:
    """What a daily intake did: the operator's view in the Prefect UI (no reports)."""

    run_id: str
    files_landed: int
    files_rejected: int
    files_skipped: int
    lines_landed: int
    lines_quarantined: int
    warnings: int
    receipts: str
    stage_seconds: dict[str, float] = field(default_factory=dict)

    artifact_key: ClassVar[str] = "netzero-intake-summary"

    @property
    def artifact_description(self) -> str:
        return "netzero daily intake"

    def rows(self) -> list[tuple[str, str]]:
        return [
            *intake_rows(self),
            *stage_rows(self.stage_seconds),
            (words.both("receipts"), self.receipts),
        ]

    def markdown(self) -> str:
        return markdown_table(f"netzero daily intake · run {self.run_id}", self.rows())


def intake_rows(summary: RunSummary | IntakeSummary) -> list[tuple[str, str]]:
    """What the intake did, as both summaries show it."""
    return [
        (words.both("files landed"), str(summary.files_landed)),
        (words.both("files rejected"), str(summary.files_rejected)),
        (
            words.both("files skipped (already landed or duplicate)"),
            str(summary.files_skipped),
        ),
        (words.both("lines landed"), str(summary.lines_landed)),
        (words.both("lines quarantined"), str(summary.lines_quarantined)),
        (words.both("data-quality warnings (all periods)"), str(summary.warnings)),
    ]


def stage_rows(stage_seconds: dict[str, float]) -> list[tuple[str, str]]:
    """Seconds per stage, in the order they ran, and the total."""
    return [
        *(
            (words.both("seconds: {stage}", stage=stage), f"{seconds:.2f}")
            for stage, seconds in stage_seconds.items()
        ),
        (words.both("total seconds"), f"{round(sum(stage_seconds.values()), 2):.2f}"),
    ]


def markdown_table(title: str, rows: list[tuple[str, str]]) -> str:
    body = "\n".join(f"| {label} | {value} |" for label, value in rows)
    item, value = words.both("item"), words.both("value")
    header = f"| {item} | {value} |\n|---|---|"
    return f"# {title}\n\n{header}\n{body}\n"


class StageClock:
    """Seconds per stage of a run, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        # A stop signal that a library caught and carried on from (GX catches every error
        # of an expectation) still stops the run, at the latest before the next stage.
        stop = terminated()
        if stop is not None:
            raise stop
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(time.perf_counter() - start, 2)


def summary_artifact(summary: RunSummary | IntakeSummary) -> None:
    """The summary as a Prefect markdown artifact (in the UI under the flow run)."""
    from prefect.artifacts import create_markdown_artifact

    create_markdown_artifact(
        key=summary.artifact_key,
        markdown=summary.markdown(),
        description=summary.artifact_description,
    )


def count_reports(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.pdf"))


def record(settings: Settings, summary: RunSummary) -> None:
    """Close the run's ops.runs row as completed, with what the summary says it did."""
    values = asdict(summary)
    figures = {column: values[column] for column in ops.RUN_FIGURES}
    ops.complete_run(
        settings.warehouse, summary.run_id, summary.period, figures, summary.stage_seconds
    )
