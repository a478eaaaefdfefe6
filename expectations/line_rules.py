"""The rules a submission line must keep, each with what the submitter is told (an English
msgid; its Vietnamese in the catalogs): the suite in submission_lines.py checks them."""

from __future__ import annotations

from expectations import Rule
from report_templates.words import N_, Term
from transforms.submission_contract import (
    PLAIN_FIELDS,
)

MAX_NOTE = 1000


def _required(field: str, name: Term) -> Rule:
    return Rule(f"required_{field}", field, "error", "Required value missing: {field}", name)


REQUIRED_RULES = (
    _required("tax_code", Term("tax code")),
    _required("period", Term("period")),
    _required("activity_code", Term("activity code")),
    _required("quantity", Term("quantity")),
    _required("unit", Term("unit")),
)


KNOWN_ENTERPRISE = Rule(
    "known_enterprise",
    "tax_code",
    "error",
    "Tax code is not in the enterprise register; check it or contact the park management board",
)


PERIOD_FORMAT = Rule(
    "period_format",
    "period",
    "error",
    "Period must be written YYYY-MM (for example 2026-10)",
)


PERIOD_NOT_FUTURE = Rule(
    "period_not_future",
    "period",
    "error",
    "Period is in the future",
)


# A field in plain ASCII (PLAIN_FIELDS): the offending character is named with the reason.
PLAIN_RULES = {
    field: Rule(f"plain_{field}", field, "error", reason)
    for field, reason in (
        (
            "tax_code",
            N_("The tax code must be written with ASCII digits and signs only (0-9 - . ,)"),
        ),
        ("period", N_("The period must be written with ASCII digits and signs only (0-9 - . ,)")),
        (
            "revision",
            N_("The revision must be written with ASCII digits and signs only (0-9 - . ,)"),
        ),
        (
            "quantity",
            N_("The quantity must be written with ASCII digits and signs only (0-9 - . ,)"),
        ),
    )
}


def period_covered(first_year: int) -> Rule:
    return Rule(
        "period_covered",
        "period",
        "error",
        "Period before {first_year}, the first year with a published grid emission factor: "
        "this month's emissions cannot be computed; check the year",
        first_year,
    )


KNOWN_ACTIVITY = Rule(
    "known_activity",
    "activity_code",
    "error",
    "Unknown activity code; use a code from the submission template",
)


KNOWN_UNIT = Rule(
    "known_unit",
    "unit",
    "error",
    "Unknown unit (for example: kWh, MWh, L, kg, t, m3)",
)


UNIT_FITS_ACTIVITY = Rule(
    "unit_fits_activity",
    "unit",
    "error",
    "This unit does not fit the activity; see the activity's accepted units",
)


QUANTITY_NUMERIC = Rule(
    "quantity_numeric",
    "quantity",
    "error",
    "Quantity must be a number (decimal point, no thousands separators)",
)


QUANTITY_UNAMBIGUOUS = Rule(
    "quantity_unambiguous",
    "quantity",
    "error",
    "Quantity can be read two ways (is 1,234 1234 or 1.234?): write it without thousands "
    "separators and with a decimal point, e.g. 1234 or 1.234",
)


QUANTITY_CLEAR_IN_FILE = Rule(
    "quantity_clear_in_file",
    "quantity",
    "error",
    "This file writes decimals with a comma (1,5), so 4.321 could be 4321 or 4.321: write it "
    "without thousands separators, e.g. 4321 or 4,321",
)


QUANTITY_PLAUSIBLE = Rule(
    "quantity_plausible",
    "quantity",
    "error",
    "Quantity implausibly large (over 10^12): check the unit and the digits",
)


DUPLICATE_LINE = Rule(
    "line_not_duplicated",
    "activity_code",
    "error",
    "Duplicate of a line above in the same file (same activity, quantity, unit and note); "
    "for two meters, say which in the note",
)


# A file speaks for one enterprise and one month (staging.stg_submissions__file_keys): a
# line naming another would otherwise be counted on top of that one's own submission.
LINE_OF_FILE_ENTERPRISE = Rule(
    "line_names_the_file_enterprise",
    "tax_code",
    "error",
    "This line names another tax code than the rest of its file; one file is for one "
    "enterprise: send the other enterprise's figures in a file of its own",
)


LINE_OF_FILE_MONTH = Rule(
    "line_names_the_file_month",
    "period",
    "error",
    "This line names another period than the rest of its file; one file is for one month: "
    "send the other month's figures in a file of its own",
)


REVISION_NEWER = Rule(
    "revision_newer",
    "revision",
    "error",
    "This month was already received with the same or a higher revision number; no file is "
    "dropped silently: send the whole month again in one file with the next revision number",
)


NOTE_LENGTH = Rule(
    "note_length",
    "note",
    "error",
    "Note too long (at most {max_note} characters)",
    MAX_NOTE,
)


QUANTITY_NON_NEGATIVE = Rule(
    "quantity_non_negative",
    "quantity",
    "error",
    "Quantity must not be negative",
)


REVISION_FORMAT = Rule(
    "revision_format",
    "revision",
    "error",
    "Revision must be a positive whole number (1, 2, …)",
)

assert tuple(PLAIN_RULES) == PLAIN_FIELDS
