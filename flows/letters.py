"""Bilingual letters sent as mail (issue 18): reminders, reports delivered, the agency's list.
Each is the same words twice: a plain-text part (Vietnamese, then English) and an HTML part
(report_templates/letter), every sentence taken from the gettext catalogs by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flows import mail
from flows.settings import Settings
from report_templates.render import render_html

Pair = tuple[str, str]  # (Vietnamese, English)


@dataclass(frozen=True)
class Letter:
    title: Pair  # also the subject, "vi / en"
    paragraphs: Sequence[Pair]
    key: Pair | None = None  # the one thing to know, shown first
    columns: Sequence[Pair] = ()  # an optional table
    rows: Sequence[Sequence[str]] = ()
    attachments: Sequence[mail.Attachment] = field(default_factory=tuple)


def text(letter: Letter) -> str:
    """The plain-text part: the whole letter in Vietnamese, then in English."""
    parts = []
    for lang in (0, 1):
        lines = [letter.title[lang], ""]
        if letter.key:
            lines += [letter.key[lang], ""]
        lines += [p[lang] + "\n" for p in letter.paragraphs]
        if letter.rows:
            lines.append(" | ".join(c[lang] for c in letter.columns))
            lines += [" | ".join(row) for row in letter.rows]
        parts.append("\n".join(lines).rstrip())
    return parts[0] + "\n\n---\n\n" + parts[1] + "\n"


def html(settings: Settings, letter: Letter, run_id: str) -> str:
    from flows.receipts import receipt_common

    context = receipt_common(settings, run_id) | {
        "letter": {
            "title": letter.title,
            "key": letter.key,
            "paragraphs": list(letter.paragraphs),
            "columns": list(letter.columns),
            "rows": list(letter.rows),
        }
    }
    return render_html("letter", context)


def queued(
    settings: Settings,
    letter: Letter,
    *,
    kind: str,
    about: str,
    to: Sequence[str],
    run_id: str,
) -> mail.Queued:
    """The letter as a message to ``to``, its id fixed by kind, about and recipients."""
    message = mail.compose(
        settings.mail,
        kind=kind,
        about=about,
        recipients=list(to),
        subject=f"{letter.title[0]} / {letter.title[1]}",
        text=text(letter),
        html=html(settings, letter, run_id),
        attachments=letter.attachments,
    )
    return mail.Queued(message, kind, about)
