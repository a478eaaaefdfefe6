"""The gettext catalogs: which msgids the templates and contexts use, and keeping the
``vi`` and ``en`` catalogs in step with them (Babel's extraction and update).

``python -m report_templates.catalog`` extracts every msgid (``_()`` / ``gettext`` in the
templates, ``N_()`` in contexts/, chart labels in render.py) into ``locale/messages.pot``,
updates ``locale/vi`` and ``locale/en`` from it (new msgids added empty, unused ones kept as
obsolete), and lists the msgids still waiting for a Vietnamese translation. The English
catalog may stay empty: the English msgid is the English text unless a msgstr rewords it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from report_templates.render import HERE, LOCALE, catalog_path, vietnamese

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "plain": None,
    "text": None,
    "pair": None,  # words.pair / words.both (the extractor keys on the last name)
    "both": None,
}
METHOD_MAP = [
    ("**.j2", "jinja2"),
    ("contexts/*.py", "python"),
    ("render.py", "python"),
    ("units.py", "python"),
    ("submission_template.py", "python"),
]
# Words outside the templates (report_templates/words.py): the rules' reasons and messages.
CODE_FOLDERS = ("flows", "expectations", "transforms")
CODE_KEYWORDS = {
    "pair": None,  # words.pair: the extractor keys on the last name
    "both": None,
    "N_": None,
    "Term": None,
    "Rule": (4,),  # expectations.Rule(name, field, severity, reason, *values)
    "_rule": (3,),
    "_null_where": (4,),
    "command_help": None,  # flows/cli.py: a command's help
    "_notice": None,  # flows/receipts.py: a receipt's notice
}
OPTIONS = {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
LANGUAGES = ("vi", "en")


def extract(folder: Path = HERE) -> Catalog:
    template = Catalog(project="netzero", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(folder), method_map=METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    ):
        template.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    if folder == HERE:
        for code in CODE_FOLDERS:
            for filename, lineno, message, comments, context in extract_from_dir(
                str(HERE.parent / code),
                method_map=[("**.py", "python")],
                keywords=CODE_KEYWORDS,
            ):
                template.add(
                    message,
                    locations=[(f"{code}/{filename}", lineno)],
                    auto_comments=comments,
                    context=context,
                )
        for message in rule_msgids():
            template.add(message, locations=[("expectations", 0)])
    return template


def rule_msgids() -> set[str]:
    """The reasons of every rule as the suites hold them, the ones built in loops included
    (the extraction sees only literal calls)."""
    from expectations import Rule, line_rules, quality, submission_lines
    from expectations import marts as marts_suite
    from report_templates.words import Term

    found = set()
    for module in (submission_lines, line_rules, quality, marts_suite):
        for value in vars(module).values():
            rules = value.values() if isinstance(value, dict) else value
            rules = rules if isinstance(rules, tuple | list) or isinstance(value, dict) else [value]
            for rule in rules:
                if isinstance(rule, Rule):
                    found.add(rule.reason)
                    found.update(v.msgid for v in rule.values if isinstance(v, Term))
    return found


def used_msgids(folder: Path = HERE) -> set[str]:
    found: set[str] = set()
    for message in extract(folder):
        if not message.id:
            continue
        if isinstance(message.id, str):
            found.add(message.id)
        else:
            found.update(message.id)
    return found


def missing_msgids() -> list[str]:
    """Msgids used but not translated into Vietnamese: a test keeps this empty."""
    return sorted(used_msgids() - set(vietnamese()))


def missing_from(lang: str) -> list[str]:
    """Msgids used but absent (not even empty) from a language's catalog."""
    with catalog_path(lang).open("rb") as handle:
        present = {m.id for m in read_po(handle, locale=lang) if m.id}
    return sorted(used_msgids() - present)


def update() -> None:
    template = extract()
    with (LOCALE / "messages.pot").open("wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, no_location=True)
    for lang in LANGUAGES:
        path = catalog_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                existing = read_po(handle, locale=lang)
        else:
            existing = Catalog(locale=lang, project="netzero")
        existing.update(template, update_header_comment=False, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(
                handle,
                existing,
                sort_output=True,
                no_location=True,
                ignore_obsolete=True,
                width=0,
            )


if __name__ == "__main__":
    update()
    for msgid in missing_msgids():
        escaped = msgid.replace('"', '\\"')
        sys.stdout.write(f'msgid "{escaped}"\nmsgstr ""\n\n')
