"""Plain template contexts from report-table rows. Pure: rows in, dicts out.

``labels`` holds what the reports say (msgids) and the indicator list; ``common`` what every
report is made of; ``attachments`` the CSV rows attached to the PDFs; ``enterprise``,
``park`` and ``province`` one report each; ``method_annex`` the period's method annex;
``period_index`` the period's index page.
"""

from report_templates.contexts.common import dated, for_enterprise, method, wastewater_outlets
from report_templates.contexts.enterprise import enterprise_context
from report_templates.contexts.labels import (
    REASON_MSGIDS,
    RECEIPT_OUTCOME_MSGIDS,
    RECEIPT_TODO_MSGIDS,
)
from report_templates.contexts.method_annex import method_context
from report_templates.contexts.park import park_context
from report_templates.contexts.period_index import index_context
from report_templates.contexts.province import province_context

__all__ = [
    "REASON_MSGIDS",
    "RECEIPT_OUTCOME_MSGIDS",
    "RECEIPT_TODO_MSGIDS",
    "dated",
    "enterprise_context",
    "for_enterprise",
    "index_context",
    "method",
    "method_context",
    "park_context",
    "province_context",
    "wastewater_outlets",
]
