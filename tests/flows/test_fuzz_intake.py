"""Fuzzing the intake (issue 13): files generated from the contract, then re-encoded,
re-separated, re-sheeted, or mutated (bytes flipped, truncated, hostile cells), each landed
through the real intake beside a good companion file. For every case: nothing escapes as
an exception, the companion lands untouched, a file that only changed form lands with
exactly its values, every refusal gives reasons in both languages, and no value reaches a
receipt as live HTML, a control character or a spreadsheet formula.

`make test` runs a bounded number of cases (NETZERO_FUZZ_EXAMPLES, default 25); `make fuzz`
runs many more (see the Makefile).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from dataclasses import dataclass

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.writers import encode_cp1258
from tests.flows.test_bad_input import Intake
from transforms.submission_contract import COLUMNS, XLSX_SHEET

EXAMPLES = int(os.environ.get("NETZERO_FUZZ_EXAMPLES", "25"))
HEADER = [c.code for c in COLUMNS]
PAIRS = [
    ("ELEC_GRID", "kWh"),
    ("WATER_SUPPLY", "m3"),
    ("LPG_STATIONARY", "kg"),
    ("EV_CHARGING", "MWh"),
]
NOTES = ["", "Hóa đơn EVN tháng này", "đồng hồ số 2", "ghi chú, có dấu phẩy; và chấm phẩy"]
# Cells that must never land as read (each is refused by a rule or a guard).
HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(A1)",
    "1\x002",
    "１２３",
    "٣٤",
    "1,234",
    "-5",
    "12 kWh",
    "\x1b[31m",
]


@dataclass(frozen=True)
class Line:
    activity: str
    unit: str
    quantity: str
    note: str


lines_strategy = st.lists(
    st.builds(
        Line,
        activity=st.just(""),
        unit=st.just(""),
        quantity=st.one_of(
            st.integers(0, 10**9).map(str),
            st.decimals(0, 10**6, places=3, allow_nan=False).map(lambda d: f"{d:.3f}"),
        ),
        note=st.sampled_from(NOTES),
    ),
    min_size=1,
    max_size=5,
).map(
    # Distinct activities: one file, one line per activity (no duplicate-line refusals).
    lambda lines: [
        Line(a, u, line.quantity, line.note) for (a, u), line in zip(PAIRS, lines, strict=False)
    ]
)


def rows(tax: str, revision: int, lines: list[Line]) -> list[list[str]]:
    return [HEADER] + [
        [tax, "2026-09", str(revision), x.activity, x.quantity, x.unit, x.note] for x in lines
    ]


def as_csv(table: list[list[str]], delimiter: str, newline: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(table)
    text = out.getvalue()
    if encoding == "cp1258":
        try:
            return encode_cp1258(text)
        except UnicodeEncodeError:  # a cell Windows-1258 cannot hold: sent as UTF-8 instead
            return text.encode("utf-8")
    return text.encode(encoding)


def as_json(table: list[list[str]]) -> bytes:
    head, *body = table
    tax, period = body[0][0], body[0][1]
    return json.dumps(
        {
            "tax_code": tax,
            "period": period,
            "revision": int(body[0][2]),
            "lines": [dict(zip(head[3:], row[3:], strict=True)) for row in body],
        },
        ensure_ascii=False,
    ).encode()


def as_xlsx(table: list[list[str]], stale_hidden_first: bool, cover: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if stale_hidden_first:  # stale figures on a hidden sheet: never read
        stale = book.add_worksheet("Cũ")
        for r, row in enumerate(table):
            stale.write_row(r, 0, [("999999" if r and c == 4 else v) for c, v in enumerate(row)])
        stale.hide()
    if cover:
        book.add_worksheet("Hướng dẫn").write(0, 0, "Hướng dẫn / Instructions")
    sheet = book.add_worksheet(XLSX_SHEET)
    for r, row in enumerate(table):
        sheet.write_row(r, 0, row)
    sheet.activate()
    book.close()
    return buffer.getvalue()


forms = st.one_of(
    st.tuples(
        st.just("csv"),
        st.sampled_from([",", ";", "\t"]),
        st.sampled_from(["\n", "\r\n", "\r"]),
        st.sampled_from(["utf-8", "utf-8-sig", "cp1258"]),
    ),
    st.tuples(st.just("json")),
    st.tuples(st.just("xlsx"), st.booleans(), st.booleans()),
)


def render(form: tuple[object, ...], table: list[list[str]]) -> tuple[str, bytes]:
    kind = form[0]
    if kind == "csv":
        _, delimiter, newline, encoding = form
        return "csv", as_csv(table, str(delimiter), str(newline), str(encoding))
    if kind == "json":
        return "json", as_json(table)
    return "xlsx", as_xlsx(table, bool(form[1]), bool(form[2]))


mutations = st.one_of(
    st.tuples(st.just("none")),
    st.tuples(
        st.just("hostile_cell"),
        st.integers(0, 4),
        st.sampled_from([3, 4, 5]),
        st.sampled_from(HOSTILE),
    ),
    st.tuples(
        st.just("flip"),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
    ),
    st.tuples(st.just("truncate"), st.floats(0.05, 0.95)),
)


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Intake:
    return Intake(tmp_path_factory.mktemp("fuzz") / "data")


CASES = itertools.count(1)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("NETZERO_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=lines_strategy, form=forms, mutation=mutations)
def test_every_file_lands_right_or_is_refused_with_reasons(
    intake: Intake,
    lines: list[Line],
    form: tuple[object, ...],
    mutation: tuple[object, ...],
) -> None:
    # Every case is the next revision of one enterprise-month: always newer than the last.
    case = next(CASES)
    table = rows(intake.tax, case, lines)
    kind = mutation[0]
    hostile_line = None
    if kind == "hostile_cell":
        _, index, column, value = mutation
        hostile_line = int(index) % len(lines)
        table[hostile_line + 1][int(column)] = str(value)
    suffix, data = render(form, table)
    if kind == "flip":
        flipped = bytearray(data)
        for position, byte in mutation[1]:  # type: ignore[union-attr]
            flipped[int(position) % len(flipped)] = int(byte)
        data = bytes(flipped)
    elif kind == "truncate":
        data = data[: max(1, int(len(data) * float(mutation[1])))]  # type: ignore[arg-type]
    name = f"case{case:04d}.{suffix}"
    intake.put(name, data)
    intake.run(run_id=f"fuzz-{case}")  # asserts: the companion lands clean, the inbox empties

    status, reason_vi, reason_en = intake.ledger(name)
    assert status in {"landed", "rejected", "duplicate"}, status
    if status == "rejected":
        assert reason_vi and reason_en, "a refused file says why, in both languages"
    refused = intake.sql(
        "select q.line_no, q.reason_vi, q.reason_en from ops.quarantine q "
        f"join ops.file_ledger l using (sha256) where l.file_name = '{name}'"
    )
    assert all(vi and en and vi != en for _, vi, en in refused)
    landed = dict(
        intake.sql(
            "select l.line_no, l.quantity from raw.submission_lines l "
            f"join ops.file_ledger f using (sha256) where f.file_name = '{name}' "
            "and f.status = 'landed'"
        )
    )
    refused_lines = {line for line, _, _ in refused}
    first_line = 1 if suffix == "json" else 2
    if kind == "none":
        # Only the form changed: every line lands, with exactly its value.
        assert status == "landed" and not refused, (status, reason_en, refused)
        assert landed == {i + first_line: x.quantity for i, x in enumerate(lines)}
    if kind == "hostile_cell" and status == "landed":
        assert hostile_line + first_line in refused_lines, "a hostile cell never lands as read"
        for i, x in enumerate(lines):
            if i != hostile_line:
                assert landed.get(i + first_line) == x.quantity
    _answered_safely(intake, name)


FORMULA = re.compile(r"^[=+\-@\t\r]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _answered_safely(intake: Intake, name: str) -> None:
    """The receipt and its CSV: no live HTML from a value, no control character, no formula."""
    html = intake.receipt(name)
    assert "<script>alert" not in html and not CONTROL.search(html)
    receipt = next(
        p for p in (intake.settings.outbox / "receipts").rglob("*.html") if p.read_text() == html
    )
    for attachment in receipt.parent.glob(receipt.stem.split("_")[0] + "*.csv"):
        for row in csv.reader(io.StringIO(attachment.read_text(encoding="utf-8-sig"))):
            for cell in row:
                assert not FORMULA.match(cell) or cell.startswith("-") and _number(cell), cell
                assert not CONTROL.search(cell), cell


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_fuzz_cases_cover_every_form_and_mutation() -> None:
    """The strategies can reach each form and each mutation (a fuzz test that cannot fail
    for lack of cases is no test)."""
    from hypothesis import find

    for kind in ("csv", "json", "xlsx"):
        assert find(forms, lambda f, k=kind: f[0] == k)[0] == kind
    for kind in ("none", "hostile_cell", "flip", "truncate"):
        assert find(mutations, lambda m, k=kind: m[0] == k)[0] == kind
