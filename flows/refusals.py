"""Why a file is refused whole, and the limits that refuse it before it is opened."""

from __future__ import annotations

from dataclasses import dataclass

from report_templates import words
from report_templates.words import Term


class UnreadableFile(Exception):
    def __init__(self, reason_vi: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def failed_to_read(error: Exception) -> UnreadableFile:
    """The refusal for a file whose reading failed in a way no rule foresaw: the enterprise
    is told to send it again from the template; the operator's log has the traceback."""
    name = type(error).__name__
    return UnreadableFile(
        *words.pair(
            "The file could not be read (error {name}); save it from the template "
            "and send it again",
            name=name,
        ),
    )


@dataclass(frozen=True)
class IntakeLimits:
    """What one file may weigh: beyond this it is refused whole, before it is opened."""

    max_bytes: int = 20 * 1024 * 1024
    max_lines: int = 10_000
    # An .xlsx is a zip: what it expands to is checked before any parser sees it.
    max_unzipped_bytes: int = 200 * 1024 * 1024


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


ADVICE = Term("save it as a UTF-8 CSV or as .xlsx from the template and send it again")
