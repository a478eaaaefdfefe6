"""What the reports say, as English msgids marked with ``N_`` so that the catalog extraction
finds them (the templates translate them with ``bi()``): statuses, reasons, titles, notes,
and the indicators every report shows, in order, with their units and digits."""

from __future__ import annotations

from transforms.reports import COVERED


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return msgid


OBLIGATION_MSGIDS = {
    "over": N_("Threshold reached"),
    "under": N_("Below threshold"),
    "undetermined": N_("Not yet determined"),
    None: N_("Not yet determined"),
}


# Why a figure or a status is unknown (the codes of transforms/unknowns.py).
REASON_MSGIDS = {
    "not_submitted": N_("no submission for the month"),
    "line_rejected": N_("a line was rejected; a corrected submission is awaited"),
    "grid_line_missing": N_("no grid-electricity line was submitted"),
    "no_grid_factor": N_("no grid emission factor has been published for the year"),
    "no_emission_factor": N_("a fuel has no emission factor"),
    "no_toe_factor": N_("a fuel has no official TOE conversion factor"),
    "output_missing": N_("no production output was submitted"),
    "history_short": N_("fewer than 12 months on record"),
    "year_not_over": N_("the year is not over yet"),
}


def reason_msgid(code: str | None) -> str | None:
    return REASON_MSGIDS[code] if code else None


STATUS_MSGIDS = {
    "on_time": N_("On time"),
    "late": N_("Late"),
    "revised": N_("Revised"),
    "rejected": N_("Rejected"),
    "missing": N_("Missing"),
}


GRID_FACTOR_PUBLISHED = N_(
    "Scope 2 uses the grid emission factor published for the calculation year."
)


# What a year with no published grid factor got, by policy.
GRID_POLICY_MSGIDS = {
    "provisional_latest": N_(
        "No grid emission factor has been published for this year yet: Scope 2 uses the "
        "latest published factor and is provisional until the new factor is published."
    ),
    "leave_empty": N_(
        "No grid emission factor has been published for this year yet: Scope 2 is left "
        "empty until it is published."
    ),
}


# What a report asks of an enterprise (reports.rpt_action_items), in the order page one
# lists them: (heading, what to do, what ``items`` counts).
ACTIONS: dict[str, tuple[str, str, str | None]] = {
    "submit_missing": (
        N_("No file for the month"),
        N_("Submit the month's file. Until it arrives the month counts as unknown, never as zero."),
        None,
    ),
    "correct_rejected_lines": (
        N_("Lines rejected"),
        N_(
            "Correct the rejected lines and submit a new revision. Until then what they hold "
            "is unknown."
        ),
        N_("lines"),
    ),
    "confirm_flagged_figures": (
        N_("Figures to confirm"),
        N_("Confirm the flagged figures in writing, or correct them with a new revision."),
        N_("figures"),
    ),
    "noted_late": (
        N_("Submitted after the due day"),
        N_("The file is counted. Submit next month's file by its due day."),
        None,
    ),
    "behind_path": (
        N_("Behind the path"),
        N_(
            "Emissions are above the enterprise's declared reduction path: review its "
            "reduction plan with it."
        ),
        None,
    ),
    "newly_ghg_inventory": (
        N_("Newly over the GHG-inventory threshold"),
        N_(
            "3,000 tCO₂e or more in the last 12 months (Decree 06/2022/NĐ-CP, Art. 5): the "
            "facility must run a GHG inventory and send the year's activity data to the "
            "provincial People's Committee by 31 March."
        ),
        None,
    ),
    "newly_key_energy_user": (
        N_("Newly over the key energy user threshold"),
        N_(
            "1,000 TOE or more in the last 12 months (Decree 21/2011/NĐ-CP, Art. 6): a key "
            "energy-using establishment, with the duties the law on energy efficiency gives it."
        ),
        None,
    ),
}

# What an enterprise's own report says where it differs from the agency's wording.
ENTERPRISE_WHAT = {
    "behind_path": N_(
        "Your emissions are above your declared reduction path: review your reduction plan."
    ),
}

# The document type's one-line summary (trích yếu, Decree 30/2020/NĐ-CP) under "BÁO CÁO".
SUMMARIES = {
    "enterprise_monthly": N_("Report on an enterprise's monthly progress in reducing emissions"),
    "park_monthly": N_("Report on an industrial park's monthly progress towards net zero"),
    "province_monthly": N_(
        "Report summing up the industrial parks' monthly progress towards net zero"
    ),
    "method_annex": N_("Method, emission factors and terms of the month's reports"),
    "member_list": N_("List of the enterprises of the month's report, in parts"),
    "obligated_list": N_(
        "List of the enterprises over the GHG-inventory threshold of the month's report, in parts"
    ),
}
TITLES = {
    "enterprise_monthly": N_("Monthly emission-reduction progress report"),
    "park_monthly": N_("Industrial park monthly report"),
    "province_monthly": N_("Provincial monthly net-zero summary"),
    "method_annex": N_("Method annex of the monthly net-zero reports"),
    "member_list": N_("List of enterprises of the monthly net-zero report"),
    "period_index": N_("The period's reports"),
}


# (msgid, unit, column, digits): the indicators every report shows, in this order.
INDICATORS: tuple[tuple[str, str, str, int], ...] = (
    (N_("Direct emissions (Scope 1)"), "tCO₂e", "scope1_tco2e", 1),
    (N_("of which mobile combustion"), "tCO₂e", "scope1_mobile_tco2e", 1),
    (
        N_("Indirect emissions from electricity (Scope 2, location-based)"),
        "tCO₂e",
        "scope2_location_tco2e",
        1,
    ),
    (
        N_("Indirect emissions from electricity (Scope 2, market-based)"),
        "tCO₂e",
        "scope2_market_tco2e",
        1,
    ),
    (N_("Total emissions (Scope 1 + 2)"), "tCO₂e", "emissions_tco2e", 1),
    (N_("Total emissions, market-based (Scope 1 + 2)"), "tCO₂e", "emissions_market_tco2e", 1),
    (N_("Biogenic CO₂ from biomass (outside the totals)"), "tCO₂", "biogenic_co2_t", 1),
    (N_("Grid electricity purchased"), "MWh", "grid_electricity_mwh", 1),
    (N_("of which covered by retired I-RECs"), "MWh", "irec_retired_mwh", 1),
    (N_("of which bought under a DPPA"), "MWh", "dppa_mwh", 1),
    (N_("Rooftop solar, self-consumed"), "MWh", "solar_self_consumed_mwh", 1),
    (N_("Rooftop solar exported (not subtracted)"), "MWh", "solar_exported_mwh", 1),
    (N_("EV charging on site"), "MWh", "ev_charging_mwh", 1),
    (N_("Energy used"), "TOE", "energy_toe", 1),
    (N_("Energy used"), "GJ", "energy_gj", 0),
    (N_("Diesel (generators)"), "t", "diesel_t", 2),
    (N_("Diesel (vehicles, forklifts)"), "t", "diesel_mobile_t", 2),
    (N_("Petrol (vehicles)"), "t", "petrol_mobile_t", 2),
    (N_("LPG"), "t", "lpg_t", 2),
    (N_("Natural gas"), "t", "natural_gas_t", 2),
    (N_("Fuel oil"), "t", "fuel_oil_t", 2),
    (N_("Anthracite"), "t", "coal_anthracite_t", 2),
    (N_("Bituminous coal"), "t", "coal_bituminous_t", 2),
    (N_("Sub-bituminous coal"), "t", "coal_subbituminous_t", 2),
    (N_("Wood and wood waste (biomass)"), "t", "wood_t", 2),
    (N_("Water withdrawn"), "m³", "water_supply_m3", 0),
    (N_("Rainwater reused"), "m³", "rainwater_reused_m3", 0),
    (N_("Wastewater to central treatment"), "m³", "wastewater_m3", 0),
    (N_("Solid waste generated"), "t", "waste_generated_t", 2),
    (N_("Solid waste recycled"), "t", "waste_recycled_t", 2),
)


# Shown only where there is something to show (most enterprises burn no coal).
OPTIONAL = {
    "scope1_mobile_tco2e",
    "biogenic_co2_t",
    "irec_retired_mwh",
    "dppa_mwh",
    "solar_exported_mwh",
    "diesel_t",
    "diesel_mobile_t",
    "petrol_mobile_t",
    "lpg_t",
    "natural_gas_t",
    "fuel_oil_t",
    "coal_anthracite_t",
    "coal_bituminous_t",
    "coal_subbituminous_t",
    "wood_t",
}


PROGRESS_MSGIDS = {
    "ahead": N_("Ahead of the path"),
    "on_track": N_("On track"),
    "behind": N_("Behind the path"),
    "undetermined": N_("Not yet determined"),
    None: N_("Not yet determined"),
}


MARKET_BASED_NOTE = N_(
    "Scope 2 market-based: retired I-RECs carry their certificate's factor and DPPA volumes "
    "the seller's documented factor; no residual-mix factor is published for Viet Nam, so "
    "electricity no instrument covers takes the national grid factor."
)


DPPA_FALLBACK_NOTE = N_(
    "A DPPA seller has not documented its emission factor: that volume takes the national "
    "grid factor in the market-based figure."
)


BIOGENIC_NOTE = N_(
    "CO₂ from burning biomass is biogenic: it is reported apart and is not in any total; "
    "its CH₄ and N₂O are in Scope 1."
)


TOE_GAP_NOTE = N_(
    "Some fuels have no official TOE factor (biomass, coal grades): energy in TOE is not "
    "known, and only the part that is known is shown (at least)."
)


# indicator column → (its reason column, its lower-bound column): what an unknown says
UNKNOWN_FIGURES: dict[str, tuple[str, str | None]] = {
    "scope1_tco2e": ("scope1_unknown_reason", "scope1_lower_bound_tco2e"),
    "scope1_mobile_tco2e": ("scope1_unknown_reason", None),
    "scope2_location_tco2e": (
        "scope2_location_unknown_reason",
        "scope2_location_lower_bound_tco2e",
    ),
    "scope2_market_tco2e": ("scope2_market_unknown_reason", None),
    "emissions_tco2e": ("emissions_unknown_reason", "emissions_lower_bound_tco2e"),
    "emissions_market_tco2e": ("emissions_market_unknown_reason", None),
    "biogenic_co2_t": ("scope1_unknown_reason", None),
    "grid_electricity_mwh": ("grid_electricity_unknown_reason", None),
    "solar_self_consumed_mwh": ("solar_self_consumed_unknown_reason", None),
    "energy_toe": ("energy_toe_unknown_reason", "energy_lower_bound_toe"),
    "energy_gj": ("energy_gj_unknown_reason", None),
}


# Roll-up coverage: how many enterprises a park or province figure adds up.
COVERAGE_FIGURES = COVERED


WARNING_MSGIDS = {
    "mom_change": N_("Large change from the previous month"),
    "far_from_history": N_("Far from the enterprise's own history"),
    "solar_implausible": N_("Solar beyond the registered capacity"),
    "zero_electricity": N_("Zero electricity in an operating month"),
}


RECEIPT_OUTCOME_MSGIDS = {
    "accepted": N_("Accepted"),
    "accepted_with_warnings": N_("Accepted, with figures to confirm"),
    "partly_rejected": N_("Accepted in part: some lines were rejected"),
    "rejected": N_("Rejected"),
    "duplicate": N_("Already received: this exact file was recorded before"),
}


RECEIPT_TODO_MSGIDS = {
    "accepted": N_("Nothing: the figures will appear in the next monthly report."),
    "accepted_with_warnings": N_(
        "The figures are accepted and will appear in the report with a data-quality note. "
        "If a flagged figure is wrong, send the month again with the next revision number."
    ),
    "partly_rejected": N_(
        "Correct the lines listed above and send the whole month again with the next revision "
        "number; the accepted lines count until then."
    ),
    "rejected": N_(
        "Nothing from this file was recorded. Correct it (use the template from "
        "netzero template, check it with netzero check) and send it again."
    ),
    "duplicate": N_("Nothing: the earlier copy is the one recorded."),
}

# Wastewater (issue 17): what a month's verdict on an outlet or a parameter says.
WASTEWATER_VERDICTS = {
    "exceeded": N_("Exceeded its permitted limit"),
    "limit_unknown": N_(
        "Limit unknown: the register lacks what it rests on (Kq, Kf or the permit's own limits)"
    ),
    "incomplete": N_("Not every day could be judged: too few valid readings"),
    "compliant": N_("Within its limit every day of the month"),
    "lab_within": N_("Laboratory samples within the limit (not monitored continuously)"),
    "no_limit": N_("No limit: reported only"),
}
# What the agency is asked to do about an outlet, by its month's verdict (none when within
# its limit every day).
WASTEWATER_ACTIONS = {
    "exceeded": N_(
        "Ask the operator for the cause of each exceedance and the measures taken to correct it"
    ),
    "incomplete": N_(
        "Ask the operator to restore the station's transmission and explain the days without "
        "enough valid readings"
    ),
    "limit_unknown": N_(
        "Complete the outlet's permit in the register (Kq, Kf or its own limits): until then "
        "its discharge cannot be judged"
    ),
}
WASTEWATER_BASIS = {
    "permit": N_("the permit's own limit"),
    "standard_kq_kf": N_("the standard × Kq × Kf"),
    "standard": N_("the standard"),
    "standard_not_held": N_("the standard, whose table netzero does not hold"),
    "none": N_("none"),
}
