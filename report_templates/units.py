"""How the reports print units. A unit code (a submission's, ref_units.csv, or the
reports' own) maps to an English msgid; the catalog gives its Vietnamese symbol. Vietnamese
and bilingual editions print the Vietnamese symbol (the Vietnamese text is the document of
record), the English edition the English one: one spelling per edition. A unit not listed
prints as it is (MWh, GJ, TOE, t, %)."""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return msgid


UNIT_MSGIDS: dict[str, str] = {
    "tCO₂e": N_("tCO₂e"),
    "pcs": N_("piece"),
    "pair": N_("pair"),
    "bnVND": N_("VND billion"),
    "mVND": N_("VND million"),
}
# Units the same in both languages but spelled otherwise in a submission.
SYMBOLS: dict[str, str] = {"m3": "m³"}
