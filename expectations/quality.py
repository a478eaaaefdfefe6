"""Warning suite: accepted lines worth a second look (marts.int_quality_checks masks).

Warnings never reject a line: they are shown in receipts and in the reports' data-quality
sections. The masks, the rules' reasons and marts.fct_data_quality_warnings are computed in
Polars (transforms/quality.py); GX reports on the masks, and the run checks it agrees.
"""

from __future__ import annotations

from typing import Any

from expectations import Rule, meta
from transforms.quality import WARNING_RULES, WARNING_RULES_VERSION

SUITE_NAME = "marts.int_quality_checks.warning"
SUITE_VERSION = WARNING_RULES_VERSION

RULES = tuple(Rule(rule, "quantity", "warning", reason) for rule, reason in WARNING_RULES.items())


def reasons() -> dict[str, tuple[str, str]]:
    """Each warning rule's reason, (Vietnamese, English): what marts.fct_data_quality_warnings
    says."""
    return {rule.name: rule.reasons for rule in RULES}


def suite() -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name=SUITE_NAME,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column=rule.name, value_set=[False], meta=meta(rule))
            for rule in RULES
        ],
        meta={"suite_version": SUITE_VERSION},
    )
