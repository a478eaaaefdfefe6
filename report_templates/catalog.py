"""Which msgids the templates and contexts use: the catalog must translate every one.

``python -m report_templates.catalog`` prints the msgids missing from the Vietnamese
catalog, as .po entries ready to translate.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from report_templates.render import HERE, vietnamese

KEYWORDS = {"bi": None, "vi": None, "N_": None}
METHOD_MAP = [("**.j2", "jinja2"), ("contexts.py", "python")]
OPTIONS = {"**.j2": {"extensions": "", "trimmed": "false"}}


def used_msgids(folder: Path = HERE) -> set[str]:
    found = extract_from_dir(
        str(folder), method_map=METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    )
    return {str(message) for _file, _line, message, _comments, _context in found}


def missing_msgids() -> list[str]:
    return sorted(used_msgids() - set(vietnamese()))


if __name__ == "__main__":
    for msgid in missing_msgids():
        escaped = msgid.replace('"', '\\"')
        print(f'msgid "{escaped}"\nmsgstr ""\n')  # noqa: T201
