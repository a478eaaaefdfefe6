"""Both languages of what a user reads outside the report templates (the reasons a line is
refused, the run summary, the CLI), from the same gettext catalogs as the reports: one
mechanism, one test that every msgid has its Vietnamese.

The English msgid is the English text. Placeholders are ``{name}`` (``str.format``), filled
in both languages; a value that is itself words (:class:`Term`) is translated too, and one
given in each language (:class:`Each`) is taken as given. Call
sites are ``words.pair(...)`` / ``words.both(...)`` / ``words.N_(...)`` so that the
catalog extraction (report_templates/catalog.py) finds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from report_templates.render import en, vi


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return msgid


@dataclass(frozen=True)
class Term:
    """A placeholder value that is words, translated in each language."""

    msgid: str


@dataclass(frozen=True)
class Each:
    """A placeholder value given in each language (names from a register or a contract)."""

    vi: object
    en: object


def _in(lang: str, value: object) -> object:
    if isinstance(value, Term):
        return vi(value.msgid) if lang == "vi" else en(value.msgid)
    if isinstance(value, Each):
        return value.vi if lang == "vi" else value.en
    return value


def pair(msgid: str, **values: object) -> tuple[str, str]:
    """(Vietnamese, English) of ``msgid`` with its placeholders filled."""
    in_vi = {k: _in("vi", v) for k, v in values.items()}
    in_en = {k: _in("en", v) for k, v in values.items()}
    return vi(msgid).format(**in_vi), en(msgid).format(**in_en)


def both(msgid: str, **values: object) -> str:
    """ "Vietnamese / English", as the CLI and the logs print a message."""
    in_vi, in_en = pair(msgid, **values)
    return f"{in_vi} / {in_en}"
