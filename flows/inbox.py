"""The inbox is a jail: what may be read from it and how. Links, folders, pipes and devices
are refused and never followed; a file is opened without following links and kept only if
it did not change while read; files still being written are left for the next run."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from report_templates import words
from report_templates.words import Term

log = logging.getLogger("netzero.intake")


@dataclass(frozen=True)
class Refused:
    """An inbox entry that is not a regular file the run may read, and why."""

    kind: str
    reason_vi: str
    reason_en: str


NOT_A_FILE = {
    "link": Term("a link (symlink), not a file: it is never followed"),
    "folder": Term("a folder, not a file"),
    "special": Term("a special file (pipe, device), not a data file"),
}


def not_a_file(kind: str) -> Refused:
    return Refused(
        kind,
        *words.pair("This entry is {what}; send the data file itself", what=NOT_A_FILE[kind]),
    )


@dataclass(frozen=True)
class Read:
    data: bytes
    received_at: datetime  # when the file reached the inbox: its modification time
    signature: tuple[int, int, int]  # inode, size, mtime (ns) while it was read


def _signature(result: os.stat_result) -> tuple[int, int, int]:
    return (result.st_ino, result.st_size, result.st_mtime_ns)


def _entry_kind(mode: int) -> str | None:
    """What an inbox entry is when it is not a regular file."""
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    return None if stat.S_ISREG(mode) else "special"


def read_jailed(path: Path) -> Read | Refused | None:
    """The bytes of a regular file in the inbox; a refusal for anything else; None for a
    file that changed while it was read (still being written: left for the next run)."""
    before = path.lstat()
    if kind := _entry_kind(before.st_mode):
        return not_a_file(kind)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        return Refused(
            "unreadable",
            *words.pair(
                "The file could not be opened ({strerror}); send it again", strerror=error.strerror
            ),
        )
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        data = handle.read() if stat.S_ISREG(opened.st_mode) else b""
        after = os.fstat(handle.fileno())
    if kind := _entry_kind(opened.st_mode):
        return not_a_file(kind)
    seen = {_signature(before), _signature(opened), _signature(after), _signature(path.lstat())}
    if len(seen) > 1 or len(data) != opened.st_size:
        log.warning("%s is still being written: left for the next run", path.name)
        return None
    received = datetime.fromtimestamp(opened.st_mtime, UTC).replace(tzinfo=None)
    return Read(data, received, _signature(opened))


def unchanged(path: Path, signature: tuple[int, int, int] | None) -> bool:
    """Whether the inbox file is still the one that was read (and may leave the inbox)."""
    try:
        return signature is None or _signature(path.lstat()) == signature
    except FileNotFoundError:
        return False


# Editors' lock files and partial uploads: someone is still working on them. Everything
# else in the inbox is read, and answered (landed, duplicate or rejected with a reason).
IN_PROGRESS_PREFIXES = (".~lock.", "~$")


# WinSCP uploads over SFTP as <name>.filepart and renames it when whole: an SFTP drop or a
# shared folder pointed at the inbox is the same code path as a local one.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart")


def in_progress(path: Path) -> bool:
    name = path.name
    return (
        name.startswith(IN_PROGRESS_PREFIXES)
        or name.lower().endswith(IN_PROGRESS_SUFFIXES)
        or name == ".DS_Store"
    )
