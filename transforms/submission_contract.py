"""The monthly submission contract: one enterprise-month per file, one activity per line.

The same columns in all three forms (xlsx, csv, json). A header cell may be the column
code (``tax_code``) or its bilingual label (``Mã số thuế / Tax code``). No IO here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import polars as pl

CONTRACT_VERSION = "2026.11"
XLSX_SHEET = "Số liệu"


@dataclass(frozen=True)
class Column:
    code: str
    label_vi: str
    label_en: str
    required: bool

    @property
    def label(self) -> str:
        return f"{self.label_vi} / {self.label_en}"


COLUMNS: tuple[Column, ...] = (
    Column("tax_code", "Mã số thuế", "Tax code", True),
    Column("period", "Kỳ báo cáo", "Period", True),
    Column("revision", "Lần nộp", "Revision", False),
    Column("activity_code", "Mã hoạt động", "Activity code", True),
    Column("quantity", "Số lượng", "Quantity", True),
    Column("unit", "Đơn vị", "Unit", True),
    Column("note", "Ghi chú", "Note", False),
)
COLUMN_CODES: tuple[str, ...] = tuple(c.code for c in COLUMNS)
# What a rejected line's ``field`` names, as a reader reads it (a column of the contract).
FIELD_LABELS: dict[str, tuple[str, str]] = {c.code: (c.label_vi, c.label_en) for c in COLUMNS}
REQUIRED_CODES: tuple[str, ...] = tuple(c.code for c in COLUMNS if c.required)
# Columns of a JSON file's top level; the rest are per line.
JSON_HEADER_FIELDS = ("tax_code", "period", "revision")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_HEADER_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _alias in (_c.code, _c.label, _c.label_vi, _c.label_en):
        _HEADER_ALIASES[_key(_alias)] = _c.code


def column_code(header_cell: str) -> str | None:
    """The contract column a header cell names, or None if it names none."""
    return _HEADER_ALIASES.get(_key(header_cell))


# Quantities: the contract asks for a decimal point and no thousands separators, but
# Vietnamese notation is read where it cannot be misread. "1,234" can (1234 or 1.234): it is
# refused as ambiguous, never guessed.
MAX_QUANTITY = 1e12  # beyond this a monthly quantity is a typing error, not a plant
_PLAIN = r"^-?[0-9]+(?:\.[0-9]+)?$"
_VI_FULL = r"^-?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+$"  # 1.234,5
_VI_GROUPS = r"^-?[0-9]{1,3}(?:\.[0-9]{3}){2,}$"  # 1.234.567
_EN_FULL = r"^-?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+$"  # 1,234.5
_EN_GROUPS = r"^-?[0-9]{1,3}(?:,[0-9]{3}){2,}$"  # 1,234,567
_AMBIGUOUS = r"^-?[0-9]{1,3},[0-9]{3}$"  # 1,234
_DECIMAL_COMMA = r"^-?[0-9]+,[0-9]+$"  # 1,5
_DOT_THOUSAND = r"^-?[0-9]{1,3}\.[0-9]{3}$"  # 4.321: a decimal, unless the file writes 1,5


def writes_decimal_comma(text: pl.Expr) -> pl.Expr:
    """Whether a quantity is written in Vietnamese notation (a decimal comma)."""
    t = text.str.replace_all(r"[\s\u00a0]", "")
    return (
        t.str.contains(_VI_FULL) | (t.str.contains(_DECIMAL_COMMA) & ~t.str.contains(_AMBIGUOUS))
    ).fill_null(False)


def quantity_parse_in_file(text: pl.Expr, file_writes_decimal_comma: pl.Expr) -> pl.Expr:
    """quantity_parse, where "4.321" is 'ambiguous_in_file' when its file writes decimals
    with a comma elsewhere: there the dot reads as a thousands separator (4321)."""
    t = text.str.replace_all(r"[\s\u00a0]", "")
    return (
        pl.when(file_writes_decimal_comma & t.str.contains(_DOT_THOUSAND))
        .then(pl.lit("ambiguous_in_file"))
        .otherwise(quantity_parse(text))
    )


def quantity_parse(text: pl.Expr) -> pl.Expr:
    """How a quantity's text reads: 'ok', 'ambiguous' or 'not_a_number' (null stays null)."""
    t = text.str.replace_all(r"[\s\u00a0]", "")
    readable = pl.any_horizontal(
        t.str.contains(p) for p in (_PLAIN, _VI_FULL, _VI_GROUPS, _EN_FULL, _EN_GROUPS)
    )
    return (
        pl.when(text.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(readable)
        .then(pl.lit("ok"))
        .when(t.str.contains(_AMBIGUOUS))
        .then(pl.lit("ambiguous"))
        .when(t.str.contains(_DECIMAL_COMMA))
        .then(pl.lit("ok"))
        .otherwise(pl.lit("not_a_number"))
    )


def quantity_value(text: pl.Expr) -> pl.Expr:
    """The number a quantity's text means, or null when it is not one (see quantity_parse)."""
    t = text.str.replace_all(r"[\s\u00a0]", "")
    vietnamese = t.str.contains(_VI_FULL) | t.str.contains(_VI_GROUPS)
    english = t.str.contains(_EN_FULL) | t.str.contains(_EN_GROUPS)
    decimal_comma = t.str.contains(_DECIMAL_COMMA) & ~t.str.contains(_AMBIGUOUS)
    normalised = (
        pl.when(t.str.contains(_PLAIN))
        .then(t)
        .when(vietnamese)
        .then(t.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(english)
        .then(t.str.replace_all(",", "", literal=True))
        .when(decimal_comma)
        .then(t.str.replace(",", ".", literal=True))
    )
    return normalised.cast(pl.Float64, strict=False)


# Numbers and codes are ASCII by contract: a full-width or Arabic-Indic digit, a Unicode
# minus or a letter look-alike is refused with the character named, never read as null.
PLAIN_FIELDS = ("tax_code", "period", "revision", "quantity")
# Whitespace of any script is spacing (a quantity reads "1 234,5" with a no-break space).
_NOT_PLAIN = r"([^\x00-\x7f\s])"


def odd_character(text: pl.Expr) -> pl.Expr:
    """The first character outside ASCII in ``text`` (null when there is none)."""
    return text.str.extract(_NOT_PLAIN, 1)


def describe_character(char: str) -> tuple[str, str]:
    """A character named so that the submitter can find it and knows what to type instead."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    digit = unicodedata.digit(char, None)
    plain = unicodedata.normalize("NFKC", char)
    instead = str(digit) if digit is not None else plain if plain.isascii() and plain else None
    what = f"{name}, {code}" if name else code
    if digit is not None:
        vi, en = f"chữ số không phải ASCII «{char}» ({what})", f"non-ASCII digit «{char}» ({what})"
    else:
        vi, en = f"ký tự «{char}» ({what})", f"character «{char}» ({what})"
    if instead:
        return f"{vi}: hãy gõ «{instead}»", f"{en}: type «{instead}» instead"
    return vi, en
