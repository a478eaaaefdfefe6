"""Read one submission file's bytes into contract lines, every value kept as NFC text
(workbooks.py reads an .xlsx; refusals.py says why a file is refused whole).

A file that cannot be read at all raises ``UnreadableFile`` with a bilingual reason;
judging the values is the validation suite's job, not the parser's.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

import polars as pl

from flows.refusals import ADVICE, IntakeLimits, UnreadableFile, mb
from flows.workbooks import guard_xlsx, xlsx_rows
from report_templates import words
from report_templates.words import Each, Term
from transforms.submission_contract import (
    COLUMN_CODES,
    COLUMNS,
    JSON_HEADER_FIELDS,
    REQUIRED_CODES,
    column_code,
)

FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
LINE_FIELDS = ("activity_code", "quantity", "unit", "note")


@dataclass(frozen=True)
class ParsedFile:
    file_format: str
    encoding: str | None
    lines: pl.DataFrame  # line_no + COLUMN_CODES, all text


def file_format(name: str) -> str | None:
    return FORMATS.get(PurePath(name).suffix.lower())


def parse_submission(name: str, data: bytes, limits: IntakeLimits | None = None) -> ParsedFile:
    limits = limits or IntakeLimits()
    if len(data) > limits.max_bytes:
        raise UnreadableFile(
            *words.pair(
                "File too large: {size} MB (the limit is {limit} MB)",
                size=mb(len(data)),
                limit=mb(limits.max_bytes),
            ),
        )
    parsed = _parse(name, data, limits)
    if parsed.lines.height > limits.max_lines:
        raise UnreadableFile(
            *words.pair(
                "Too many lines: {height} (the limit is {max_lines}); one file is one "
                "enterprise for one month",
                height=parsed.lines.height,
                max_lines=limits.max_lines,
            ),
        )
    return parsed


def _parse(name: str, data: bytes, limits: IntakeLimits) -> ParsedFile:
    fmt = file_format(name)
    if fmt is None:
        raise UnreadableFile(
            *words.pair("Unsupported file type (only .xlsx, .csv and .json are accepted)"),
        )
    if not data.strip():
        raise UnreadableFile(*words.pair("The file is empty"))
    _sniff(fmt, data)
    if fmt == "csv":
        text, encoding = _decode(data)
        return ParsedFile("csv", encoding, _from_rows(list(_csv_rows(text))))
    if fmt == "json":
        return ParsedFile("json", "utf-8", _from_json(data))
    guard_xlsx(data, limits)
    return ParsedFile("xlsx", None, _from_rows(xlsx_rows(data)))


# What the first bytes say a file is, whatever its name: (magic, what it is).
MAGIC = (
    (b"PK\x03\x04", Term("an Excel workbook or a zip archive")),
    (b"\x1f\x8b", Term("a gzip-compressed file")),
    (b"\xd0\xcf\x11\xe0", Term("an old Excel workbook (.xls)")),
    (b"%PDF", Term("a PDF document")),
)
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _sniff(fmt: str, data: bytes) -> None:
    """Decide from the bytes, not the name: a .csv or .json that is really a workbook, an
    archive, a wide-character text or binary is refused saying what it is."""
    if fmt == "xlsx":
        return
    suffix = f".{fmt}"
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(
                *words.pair(
                    "This {suffix} file is really {what}: {advice}",
                    suffix=suffix,
                    what=what,
                    advice=ADVICE,
                )
            )
    for bom, name in WIDE_BOMS:
        if data.startswith(bom):
            raise UnreadableFile(
                *words.pair("The file is encoded in {name}: {advice}", name=name, advice=ADVICE)
            )
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            *words.pair("The file holds binary data (NUL bytes), not text: {advice}", advice=ADVICE)
        )


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1258; always NFC afterwards."""
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            # cp1258 keeps tone marks as combining bytes: the text arrives decomposed.
            text, encoding = data.decode("cp1258"), "cp1258"
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                *words.pair(
                    "The file is neither UTF-8 nor Windows-1258 text (byte {byte:#04x} at "
                    "position {position}): {advice}",
                    byte=data[error.start],
                    position=error.start,
                    advice=ADVICE,
                )
            ) from error
    return unicodedata.normalize("NFC", text), encoding


def text_rows(data: bytes) -> list[list[str]]:
    """A CSV's rows whatever Excel saved it as: UTF-8 with or without BOM or Windows-1258,
    comma, semicolon or tab, any line ending; text NFC."""
    _sniff("csv", data)
    return _csv_rows(_decode(data)[0])


def _csv_rows(text: str) -> list[list[str]]:
    # Classic-Mac (CR-only) and Windows line endings read like Unix ones.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(
            *words.pair("Cannot read the CSV file: {error}", error=error)
        ) from error


def _from_rows(rows: list[list[str]]) -> pl.DataFrame:
    if not rows:
        raise UnreadableFile(*words.pair("The file has no header row"))
    header = [column_code(cell) for cell in rows[0]]
    missing = [code for code in REQUIRED_CODES if code not in header]
    if missing:
        columns = Each(", ".join(_label_vi(c) for c in missing), ", ".join(missing))
        raise UnreadableFile(*words.pair("Missing required columns: {columns}", columns=columns))
    records = []
    for line_no, row in enumerate(rows[1:], start=2):
        record = dict.fromkeys(COLUMN_CODES, None) | {"line_no": line_no}
        for code, cell in zip(header, row, strict=False):
            if code is not None:
                record[code] = _clean(cell)
        # A template row with only the enterprise and month filled in is not a line yet.
        if all(record[code] is None for code in LINE_FIELDS):
            continue
        records.append(record)
    return _frame(records)


MAX_JSON_DEPTH = 8  # the contract's JSON is an object of lines: 3 levels deep
MAX_JSON_NUMBER = 40  # characters: no monthly quantity needs more


def _json_depth(text: str) -> int:
    """How deep the brackets nest, strings skipped: checked before any recursive parser."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = not escaped and char == "\\"
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _long_number(text: str) -> str:
    if len(text) > MAX_JSON_NUMBER:
        raise UnreadableFile(
            *words.pair(
                "The JSON holds a number {text_count} characters long: not a quantity",
                text_count=len(
                    text,
                ),
            ),
        )
    return text


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise UnreadableFile(
            *words.pair(
                "The JSON repeats a key (which value is right?): {keys}", keys=", ".join(repeated)
            )
        )
    return dict(pairs)


def _from_json(data: bytes) -> pl.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(*words.pair("Invalid JSON: {error}", error=error)) from error
    if (depth := _json_depth(text)) > MAX_JSON_DEPTH:
        raise UnreadableFile(
            *words.pair(
                "The JSON nests too deep ({depth} levels, the limit is {MAX_JSON_DEPTH})",
                depth=depth,
                MAX_JSON_DEPTH=MAX_JSON_DEPTH,
            ),
        )
    try:
        document = json.loads(
            text,
            parse_int=lambda text: int(_long_number(text)),
            parse_float=lambda text: float(_long_number(text)),
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as error:
        raise UnreadableFile(*words.pair("Invalid JSON: {error}", error=error)) from error
    if not isinstance(document, dict) or not isinstance(document.get("lines"), list):
        raise UnreadableFile(
            *words.pair('JSON must be an object with a "lines" list'),
        )
    header = {k: _clean(document.get(k)) for k in JSON_HEADER_FIELDS}
    records = []
    for line_no, line in enumerate(document["lines"], start=1):
        fields = line if isinstance(line, dict) else {}
        record = dict.fromkeys(COLUMN_CODES, None) | header | {"line_no": line_no}
        for code in COLUMN_CODES:
            if code in fields:
                record[code] = _clean(fields[code])
        records.append(record)
    return _frame(records)


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _frame(records: list[dict[str, object]]) -> pl.DataFrame:
    if not records:
        raise UnreadableFile(
            *words.pair("The file has no data lines (only a header or blank rows)"),
        )
    schema = {"line_no": pl.Int32} | dict.fromkeys(COLUMN_CODES, pl.String)
    return pl.DataFrame(records, schema=schema, orient="row")


def _label_vi(code: str) -> str:
    return next(c.label for c in COLUMNS if c.code == code)
