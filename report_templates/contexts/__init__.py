"""Plain template contexts from report-table rows. Pure: rows in, dicts out.

``labels`` holds what the reports say (msgids) and the indicator list; ``common`` what every
report is made of; ``attachments`` the CSV rows attached to the PDFs; ``enterprise``,
``park`` and ``province`` one report each; ``method_annex`` the period's method annex;
``member_list`` the parts of a long list of enterprises; ``period_index`` the period's index
page.
"""

from report_templates.contexts.attachments import TREND_COLUMNS
from report_templates.contexts.common import (
    dated,
    for_enterprise,
    method,
    report_file,
    wastewater_outlets,
)
from report_templates.contexts.enterprise import enterprise_context
from report_templates.contexts.labels import (
    REASON_MSGIDS,
    RECEIPT_OUTCOME_MSGIDS,
    RECEIPT_TODO_MSGIDS,
)
from report_templates.contexts.member_list import (
    ROWS_PER_PART,
    member_list_context,
    without_listed_rows,
)
from report_templates.contexts.method_annex import method_context
from report_templates.contexts.park import park_context
from report_templates.contexts.period_index import index_context
from report_templates.contexts.province import province_context

__all__ = [
    "ROWS_PER_PART",
    "TREND_COLUMNS",
    "REASON_MSGIDS",
    "RECEIPT_OUTCOME_MSGIDS",
    "RECEIPT_TODO_MSGIDS",
    "dated",
    "enterprise_context",
    "for_enterprise",
    "index_context",
    "member_list_context",
    "method",
    "method_context",
    "park_context",
    "province_context",
    "report_file",
    "wastewater_outlets",
    "without_listed_rows",
]
