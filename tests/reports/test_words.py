"""One mechanism for the words users read: the gettext catalogs (report_templates/words.py).

The catalog test (test_editions) checks every msgid the extraction finds has its
Vietnamese; these keep the extraction able to find them, and count what is still written
as a Vietnamese/English pair in Python, so that the count only goes down.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from report_templates import catalog, words

ROOT = Path(__file__).parents[2]
CODE = ("flows", "expectations", "transforms", "report_templates")
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]")
# Written as pairs in Python still (transforms has no catalog; the contract document's
# headings and a few table headers are next): may go down, never up.
PAIRS_LEFT = 36


def sources() -> list[Path]:
    return [p for folder in CODE for p in sorted((ROOT / folder).rglob("*.py"))]


def test_no_message_is_built_inside_an_f_string() -> None:
    """The extraction reads literal arguments only; a call inside an f-string's braces is
    invisible to it, and its msgid would reach users untranslated."""
    keywords = set(catalog.CODE_KEYWORDS) | {"pair", "both"}
    hidden = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
                    if name in keywords:
                        hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert hidden == []


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def inline_pairs(path: Path) -> int:
    """Vietnamese/English pairs written in Python: "vi / en" strings, (vi, en) arguments
    side by side, {"vi": …, "en": …} dicts."""
    found = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = _text(node)
        if text and " / " in text:
            left, right = text.split(" / ")[0], text.split(" / ")[-1]
            found += bool(VIETNAMESE.search(left) and not VIETNAMESE.search(right))
        if isinstance(node, ast.Call | ast.Tuple | ast.List):
            items = node.args if isinstance(node, ast.Call) else node.elts
            for a, b in zip(items, items[1:], strict=False):
                ta, tb = _text(a), _text(b)
                found += bool(ta and tb and VIETNAMESE.search(ta) and not VIETNAMESE.search(tb))
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            found += {"vi", "en"} <= keys
    return found


def test_pairs_written_in_python_only_go_down() -> None:
    counts = {
        str(p.relative_to(ROOT)): n
        for p in sources()
        if "contexts" not in p.parts and (n := inline_pairs(p))
    }
    assert sum(counts.values()) <= PAIRS_LEFT, counts


def test_a_message_gives_both_languages_with_its_values() -> None:
    """Placeholders are filled in each language; a Term is translated, an Each taken as
    given."""
    assert words.pair("Same content as {name}", name="a.xlsx") == (
        "Trùng nội dung với tệp a.xlsx",
        "Same content as a.xlsx",
    )
    assert words.both("Required value missing: {field}", field=words.Term("tax code")) == (
        "Thiếu giá trị bắt buộc: mã số thuế / Required value missing: tax code"
    )
    assert words.pair(
        "Missing required columns: {columns}", columns=words.Each("Số lượng", "quantity")
    ) == (
        "Thiếu cột bắt buộc: Số lượng",
        "Missing required columns: quantity",
    )
