"""Write one submission file in each of the contract's three forms, byte-for-byte stable."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from demo.submissions import Line
from report_templates.submission_template import TemplateLine, write_template
from transforms.submission_contract import COLUMNS


def _rows(tax_code: str, period: str, revision: int, lines: list[Line]) -> list[list[object]]:
    return [
        [tax_code, period, revision, ln.activity_code, ln.quantity, ln.unit, ln.note]
        for ln in lines
    ]


def write_csv(
    path: Path,
    tax_code: str,
    period: str,
    revision: int,
    lines: list[Line],
    encoding: str = "utf-8",
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    writer.writerows(_rows(tax_code, period, revision, lines))
    text = buffer.getvalue()
    data = encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)


# Grave, acute, tilde, hook above, dot below: separate combining bytes in cp1258.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def encode_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: base letters precomposed, tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], list(decomposed[1:])
        tones = [m for m in marks if m in _TONE_MARKS]
        others = "".join(m for m in marks if m not in _TONE_MARKS)
        out += unicodedata.normalize("NFC", base + others).encode("cp1258")
        out += "".join(tones).encode("cp1258")
    return bytes(out)


def write_json(path: Path, tax_code: str, period: str, revision: int, lines: list[Line]) -> None:
    document = {
        "tax_code": tax_code,
        "period": period,
        "revision": revision,
        "lines": [
            {
                "activity_code": ln.activity_code,
                "quantity": ln.quantity,
                "unit": ln.unit,
                "note": ln.note,
            }
            for ln in lines
        ],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_xlsx(path: Path, tax_code: str, period: str, revision: int, lines: list[Line]) -> None:
    """The enterprise's filled-in Excel template (report_templates/submission_template.py)."""
    filled = [TemplateLine(ln.activity_code, ln.quantity, ln.unit, ln.note) for ln in lines]
    write_template(path, tax_code, period, revision, filled)


WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}
