"""The context of the period's method annex: one document every report of the period
refers to, with the method, every factor applied and the terms. Pure: rows in, dicts out."""

from __future__ import annotations

from report_templates.contexts.attachments import factor_rows
from report_templates.contexts.common import Row
from report_templates.contexts.labels import N_, SUMMARIES, TITLES


def method_context(common: Row) -> Row:
    """Context of the method annex of ``common["period"]``."""
    return common | {
        "title": TITLES["method_annex"],
        "summary": SUMMARIES["method_annex"],
        "report_kind": "method",
        "subject": {
            "name_vi": common["jurisdiction"]["province_vi"],
            "name_en": common["jurisdiction"]["province_en"],
        },
        "data_files": [
            ("factors", N_("Emission factors applied"), factor_rows(common["method"])),
        ],
    }
