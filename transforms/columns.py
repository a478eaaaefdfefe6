"""What each warehouse column means, by name, wherever it appears (transforms/dictionary.py
adds table-specific meanings and derived families). No IO here."""

from __future__ import annotations

from transforms.measures import ACTIVITY_COLUMNS, REASONED_FIGURES

_TCO2E = "tCO2e"
_GRID = "national grid factor of the year (reference.ref_grid_emission_factors)"

COLUMNS: dict[str, str] = {
    # ids and keys
    "tax_code": "Enterprise tax code (mã số thuế), the enterprise key.",
    "period": "Reporting month, YYYY-MM.",
    "reporting_month": "First day of the reporting month (date).",
    "year": "Calendar year of the period.",
    "calendar_year": "Calendar year of the period.",
    "park_code": "Industrial park code (register).",
    "park_name_vi": "Industrial park name, Vietnamese.",
    "park_name_en": "Industrial park name, English.",
    "vsic_code": "Sector, VSIC 2018 code (reference.ref_sectors).",
    "sector_label_vi": "Sector label, Vietnamese (VSIC 2018).",
    "sector_label_en": "Sector label, English (VSIC 2018).",
    "name_vi": "Enterprise name, Vietnamese.",
    "name_en": "Enterprise name, English.",
    "is_fictional": "True for the demo's invented enterprises: never real figures.",
    "sha256": "SHA-256 of the submission file the figure comes from (raw.submission_files).",
    "line_no": "Line of the submission file (spreadsheet/CSV row, header = 1; JSON index + 1).",
    "file_name": "File name as received.",
    "file_format": "xlsx, csv or json.",
    "encoding": "Text encoding the file was read with.",
    "line_count": "Lines in the file.",
    "landed_at": "When the file was landed (UTC).",
    "run_id": "Monthly-cycle run that landed the file (ops.runs).",
    "revision": "Submission revision number; the highest in force (ties: landed last).",
    "is_current": "True for the revision in force for its enterprise and month.",
    "files_for_month": "Files landed for this enterprise and month, all revisions.",
    "files_received": "Files received for this enterprise and period, all revisions.",
    "lines_quarantined": "Lines rejected with an error (ops.quarantine).",
    "submission_status": (
        "on_time, late, revised, rejected (every line of the revision in force rejected) or "
        "missing, for this enterprise and period."
    ),
    "received_at": "When the file reached the inbox (its modification time, UTC).",
    "first_received_at": "When the month's first file reached the inbox (UTC).",
    "due_at": "End of the due day in the following month (NETZERO_DUE_DAY), as UTC.",
    "is_late": "True when the first file arrived after the due day.",
    "enterprises_on_time": "Enterprises whose file arrived on time.",
    "enterprises_late": "Enterprises whose file arrived after the due day.",
    "enterprises_rejected": "Enterprises whose month had every line rejected.",
    "activity_code": "Activity submitted (reference.ref_activities).",
    "unit": "Unit as submitted.",
    "note": "Free-text note as submitted.",
    "quantity": "Quantity in the submitted unit.",
    "quantity_text": (
        "Quantity as submitted (text); staging reads the number with the contract's rule "
        "(transforms/submission_contract.py), the one validation used."
    ),
    "quantity_canonical": (
        "Quantity in the activity's canonical unit (t for fuels, MWh for electricity, m3 for "
        "water); for Scope 2 market-based rows, the share this rule covers."
    ),
    "canonical_unit": "Canonical unit of quantity_canonical.",
    "conversion_factor_id": (
        "Density (ref_fuel_densities) or NCV (ref_fuel_combustion_factors) row used to reach "
        "tonnes; null when no conversion was needed."
    ),
    "toe_factor_id": "TOE factor row used (reference.ref_toe_factors, MOIT CV 3505/BCT-KHCN).",
    # emissions lineage
    "scope": "scope1, scope2_location or scope2_market.",
    "source_category": (
        "stationary_combustion, mobile_combustion or purchased_electricity (TT 38/2023 Art. 16)."
    ),
    "scope2_market_basis": (
        "Market-based rule: irec, dppa_supplier_factor, dppa_grid_factor_fallback or "
        "residual_grid_factor (no Vietnamese residual mix: the grid factor, disclosed)."
    ),
    "energy_tj": "Fuel energy, TJ on a net calorific basis (IPCC 2006 Vol.2 Ch.1 Table 1.2).",
    "co2_t": "CO2, t (fossil or biogenic, see biogenic_co2_t).",
    "ch4_t": "CH4, t.",
    "n2o_t": "N2O, t.",
    "biogenic_co2_t": "Biogenic CO2 from biomass, t: reported apart, outside every tCO2e total.",
    "factor_id": "Emission factor row applied (reference.*; a DPPA contract id for its factor).",
    "factor_version": "Registry version of the factor row.",
    "factor_year": "Year of the grid factor applied (may differ from the period's: provisional).",
    "is_factor_provisional": (
        "True when the period's year has no published grid factor and the policy applied "
        "another year's (or none)."
    ),
    "gwp_set": "GWP set used for CH4 and N2O (AR4, AR5 or AR6; configuration).",
    # enterprise-month
    "fuel_t": "All fuels, t.",
    "output_quantity": "Production output, in output_unit.",
    "output_unit": "Unit the enterprise counts output in (t, pcs, pair).",
    "electricity_mwh": "Electricity used: grid purchased + rooftop solar self-consumed, MWh.",
    "scope1_tco2e": (
        "Scope 1 (direct) emissions, tCO2e: fuels, CO2 + CH4 + N2O, without biogenic CO2."
    ),
    "scope1_stationary_tco2e": "Scope 1 from stationary combustion, tCO2e.",
    "scope1_mobile_tco2e": "Scope 1 from mobile combustion (QĐ 2626 road factors), tCO2e.",
    "scope2_location_tco2e": f"Scope 2 location-based, tCO2e: grid MWh × the {_GRID}.",
    "scope2_market_tco2e": (
        "Scope 2 market-based, tCO2e: I-RECs at their factor, DPPA at the registered supplier "
        f"factor, the rest at the {_GRID}."
    ),
    "emissions_tco2e": "Scope 1 + Scope 2 location-based, tCO2e (null while any is unknown).",
    "emissions_market_tco2e": "Scope 1 + Scope 2 market-based, tCO2e (null while any is unknown).",
    "fuel_energy_gj": "Fuel energy, GJ (NCV basis).",
    "energy_gj": "Energy used: electricity × 3.6 GJ/MWh + fuel energy, GJ.",
    "energy_mwh": "energy_gj expressed in MWh (÷ 3.6).",
    "energy_toe": (
        "Energy used, TOE (MOIT CV 3505/BCT-KHCN factors, in the submitted unit); null when "
        "a part has no TOE factor or is unknown (energy_toe_unknown_reason)."
    ),
    "has_energy_without_toe": (
        "True when an energy line has no TOE factor (biomass, coal grades): energy_toe is "
        "unknown and energy_lower_bound_toe holds the part that is known."
    ),
    "scope1_lower_bound_tco2e": "Scope 1 of the accepted fuel lines, tCO2e: the known part.",
    "scope2_location_lower_bound_tco2e": (
        "Scope 2 location-based of the accepted grid lines with a factor, tCO2e: the known part."
    ),
    "emissions_lower_bound_tco2e": (
        "The known part of emissions_tco2e, tCO2e: equal to it when it is known, else what "
        "the accepted, factored lines add up to; can prove a threshold crossed, never not."
    ),
    "energy_lower_bound_toe": (
        "The known part of energy_toe, TOE: the lines with a TOE factor, accepted."
    ),
    "rules": "The validation rules the line broke, comma-separated (ops.quarantine).",
    "rejected_activities": (
        "Activities named by the month's rejected lines ('*': unreadable, could be any)."
    ),
    "has_quality_warning": "True when a warning flagged a figure progress rests on.",
    "has_missing_grid_factor": "True when Scope 2 is empty for want of a grid factor.",
    "has_provisional_grid_factor": "True when a provisional grid factor was applied.",
    "has_dppa_grid_fallback": "True when a DPPA volume had no registered supplier factor.",
    "instruments_exceed_grid": (
        "True when I-RECs + DPPA claimed more than the grid purchase (they were scaled down)."
    ),
    "renewable_share": "Rooftop solar self-consumed ÷ electricity used (0-1).",
    "intensity_tco2e_per_output": "emissions_tco2e ÷ output_quantity, tCO2e per output unit.",
    "intensity_tco2e_per_bn_vnd": "emissions_tco2e ÷ revenue, tCO2e per VND billion.",
    # obligations
    "rolling_12m_tco2e": (
        "Emissions over the 12 months ending in the period, tCO2e; null unless all 12 known."
    ),
    "rolling_12m_toe": "Energy over the 12 months ending in the period, TOE; null unless all "
    "12 known.",
    "rolling_12m_lower_bound_tco2e": "The known part of the 12 months' emissions, tCO2e.",
    "rolling_12m_lower_bound_toe": "The known part of the 12 months' energy, TOE.",
    "rolling_12m_months": "Months on record in the rolling window (12 once history allows).",
    "rolling_12m_months_known": (
        "Months of the rolling window with both emissions and TOE known (of 12)."
    ),
    "calendar_ytd_tco2e": (
        "Emissions of the calendar year up to the period, tCO2e; null unless every month is known."
    ),
    "calendar_ytd_toe": "Energy of the calendar year up to the period, TOE; null unless every "
    "month is known.",
    "calendar_ytd_lower_bound_tco2e": "The known part of the year's emissions, tCO2e.",
    "calendar_ytd_lower_bound_toe": "The known part of the year's energy, TOE.",
    "calendar_ytd_months": "Months of the calendar year on record up to the period.",
    "calendar_ytd_energy_months_known": "Months of the calendar year with TOE known.",
    "rolling_12m_energy_months_known": "Months of the rolling window with TOE known (of 12).",
    "calendar_ytd_months_known": "Months of the calendar year with both emissions and TOE known.",
    "ghg_inventory_rolling": (
        "Decree 06/2022 Art. 5(1) GHG inventory (≥ 3,000 tCO2e or ≥ 1,000 TOE a year) on the "
        "rolling year: over, under (12 months known) or undetermined."
    ),
    "ghg_inventory_calendar": "As ghg_inventory_rolling, on the calendar year to date.",
    "key_energy_user_rolling": (
        "Decree 21/2011 Art. 6 key energy user (≥ 1,000 TOE a year) on the rolling year: over, "
        "under or undetermined."
    ),
    "key_energy_user_calendar": "As key_energy_user_rolling, on the calendar year to date.",
    "ghg_inventory_rolling_reason": (
        "Why ghg_inventory_rolling is undetermined (a reason code of transforms/unknowns.py)."
    ),
    "ghg_inventory_calendar_reason": "Why ghg_inventory_calendar is undetermined "
    "(year_not_over: months still to come).",
    "key_energy_user_rolling_reason": "Why key_energy_user_rolling is undetermined.",
    "key_energy_user_calendar_reason": "Why key_energy_user_calendar is undetermined.",
    # targets and progress
    "target_type": "absolute (tCO2e) or intensity (tCO2e per output unit), as declared.",
    "baseline_year": "Declared baseline year (năm cơ sở).",
    "baseline_tco2e": "Declared baseline-year emissions, Scope 1 + 2 location-based, tCO2e.",
    "baseline_intensity": "Declared baseline-year intensity, tCO2e per output unit.",
    "target_year": "Declared interim target year.",
    "target_reduction_pct": "Declared reduction from baseline by the target year, %.",
    "net_zero_year": "Net-zero year (2050 unless declared otherwise).",
    "path_annual": (
        "Path value for the period's year: tCO2e (absolute) or tCO2e per output unit "
        "(intensity), linear baseline → interim target → 0 in the net-zero year."
    ),
    "path_month_tco2e": (
        "The month's share of the path, tCO2e: a twelfth (absolute) or path intensity × the "
        "month's output (intensity)."
    ),
    "ytd_months_known": "Months of the calendar year to date compared with the path.",
    "ytd_months": "Months of the calendar year to date on record (the compared window).",
    "ytd_tco2e": "Emissions of the year's known months, tCO2e.",
    "ytd_known_tco2e": "Emissions of the year's known months, tCO2e (compared with the path).",
    "ytd_path_tco2e": "Path over the same known months, tCO2e (pro-rated, never a full year).",
    "ytd_vs_path_pct": "Year to date against the path, % (negative: below the path).",
    "rolling_12m_path_tco2e": "Path over the known months of the rolling 12, tCO2e.",
    "rolling_12m_vs_path_pct": "Rolling 12 months against the path, %.",
    "year_ago_tco2e": "Emissions of the same month a year before, tCO2e.",
    "yoy_change_pct": "Month against the same month a year before, %.",
    "rolling_12m_vs_baseline_pct": "12 known months against the declared baseline, %.",
    "progress_status": (
        "ahead, on_track or behind on year to date against the path (± progress_tolerance), "
        "or undetermined."
    ),
    "progress_status_rolling_12m": "As progress_status, on the rolling 12 months.",
    "progress_status_reason": (
        "Why progress_status is undetermined: the reason of the latest unknown month of the "
        "year to date (transforms/unknowns.py)."
    ),
    "progress_status_rolling_12m_reason": (
        "Why progress_status_rolling_12m is undetermined (history_short: under 12 months)."
    ),
    "progress_to_confirm": (
        "True when a month of the year to date carries a data-quality warning on a figure the "
        "status rests on: the status stands, to be confirmed."
    ),
    "progress_rolling_12m_to_confirm": "As progress_to_confirm, on the rolling 12 months.",
    "progress_tolerance": "Share of the path within which an enterprise is on track.",
    "months_reported_ytd": "Months of the calendar year to date with known emissions.",
    "months_expected_ytd": "Months of the calendar year to date in the reporting window.",
    # roll-ups and coverage
    "enterprises": "Registered enterprises in the group.",
    "enterprises_submitted": "Enterprises that submitted for the period.",
    "enterprises_missing": "Enterprises that did not submit for the period.",
    "enterprises_revised": "Enterprises whose period was revised.",
    "enterprises_with_emissions": "Enterprises whose emissions total is known: the coverage.",
    "enterprises_to_confirm": (
        "Enterprises whose ahead / on track / behind status rests on a flagged figure."
    ),
    "enterprises_comparable": (
        "Enterprises with emissions known both in this and in the previous month: what the "
        "month-on-month comparison rests on."
    ),
    "comparable_prior_tco2e": "Previous month's emissions of the comparable enterprises, tCO2e.",
    "comparable_tco2e": "This month's emissions of the comparable enterprises, tCO2e.",
    "comparable_change_pct": (
        "Change from the previous month over the comparable enterprises, % (like for like; "
        "null when nothing compares)."
    ),
    "enterprise_months_ytd": "Enterprise-months of the year to date with known emissions.",
    "enterprise_months_expected_ytd": "Enterprise-months of the year to date expected.",
    "enterprises_ahead": "Enterprises ahead of their path.",
    "enterprises_on_track": "Enterprises on track.",
    "enterprises_behind": "Enterprises behind their path.",
    "enterprises_undetermined": "Enterprises whose progress cannot be determined.",
    "enterprises_ghg_inventory_over": "Enterprises over a Decree 06/2022 threshold (rolling).",
    "enterprises_key_energy_user_over": "Enterprises over 1,000 TOE (Decree 21/2011, rolling).",
    "measure": "Measure reconciled (a column of the roll-ups).",
    "enterprises_total": "Sum over enterprises.",
    "parks_total": "Sum over industrial parks.",
    "sectors_total": "Sum over sectors.",
    "province_total": "Province total.",
    "abs_difference": "Largest gap between the levels (must be ~0; infinite if one is absent).",
    # data quality
    "rooftop_solar_kwp": "Declared rooftop solar capacity, kWp (register).",
    "previous_quantity": "The activity's quantity in the previous calendar month.",
    "mom_threshold": "Allowed month-on-month change t (ref_quality_thresholds).",
    "history_months": "Known months among the 12 before.",
    "history_median": "Median of the 12 previous months.",
    "history_mad": "Median absolute deviation of the 12 previous months.",
    "solar_yield_kwh_per_kwp": "Solar generation (self-consumed + exported) per kWp, kWh.",
    "solar_ceiling": "Plausible ceiling, kWh per kWp per month (ref_quality_thresholds).",
    "mom_change": "Warning: beyond the allowed month-on-month change.",
    "far_from_history": "Warning: far from the enterprise's own history (robust z).",
    "solar_implausible": "Warning: solar beyond what the declared capacity can produce.",
    "zero_electricity": "Warning: zero grid electricity in a month with output.",
    "rule": "The rule that flagged the row.",
    "severity": "error (line rejected) or warning (accepted, flagged).",
    "compared_with": "What the quantity was compared with (previous month, history median, "
    "or kWh/kWp).",
    "reason_vi": "Reason, Vietnamese.",
    "reason_en": "Reason, English.",
    "suite_version": "Version of the GX suite that produced the row.",
    "prior_month_emissions_tco2e": "Emissions of the previous calendar month, tCO2e.",
    "water_reuse_share": "Rainwater reused ÷ (water withdrawn + rainwater reused), 0-1.",
    "waste_recycling_share": "Solid waste recycled ÷ solid waste generated, 0-1.",
    # restatements
    "previous_revision": "The revision this one replaced.",
    "named_in_period": "Period whose reports name the restatement.",
    "is_restatement": "True when an earlier, already-closed month was revised.",
    "emissions_change_tco2e": "emissions_tco2e after minus before, tCO2e.",
}

_ACTIVITY_UNITS = {"mwh": "MWh", "t": "t", "m3": "m3", "vnd": "VND billion"}
for _activity, _column in ACTIVITY_COLUMNS.items():
    _unit = _ACTIVITY_UNITS[_column.rsplit("_", 1)[-1]]
    COLUMNS.setdefault(_column, f"{_activity} in the month, {_unit} (canonical unit).")

for _figure in REASONED_FIGURES:
    COLUMNS[f"{_figure}_unknown_reason"] = (
        f"Why the month's {_figure} figure is unknown (null: known): not_submitted, "
        "line_rejected, grid_line_missing, no_grid_factor, no_emission_factor, no_toe_factor "
        "(transforms/unknowns.py)."
    )

# raw, ops and reference: what the pipeline appends and the registry it computes with.
COLUMNS |= {
    "size_bytes": "Size of the file as received, bytes.",
    "status": "What happened (the table's comment lists the values).",
    "seen_at": "When this run saw the file in the inbox (UTC).",
    "receipt_written_at": "When the file's bilingual receipt was written (UTC); null: owed.",
    "validated_at": "When the validation ran (UTC).",
    "quarantined_at": "When the line or file was rejected (UTC).",
    "field": "Submitted field the rule is about (tax_code, period, quantity, unit, …; file).",
    "value": "The value as received (text) that broke the rule.",
    "started_at": "When the run started (UTC).",
    "finished_at": "When the run ended (UTC); null while running or when killed.",
    "duration_s": "Run wall-clock time, seconds.",
    "files_landed": "Files this run landed in raw.",
    "files_rejected": "Files this run refused whole (ops.file_ledger says why).",
    "files_skipped": "Files this run skipped: already landed, or a duplicate.",
    "lines_landed": "Lines this run landed in raw.submission_lines.",
    "reports_written": "Report files in the period's outbox after the run.",
    "reports_rendered": "Report files this run rendered (the others were unchanged).",
    "outbox": "Folder of the period's reports.",
    "stage_seconds": 'Seconds per stage, JSON ({"stage": seconds}).',
    "stopped_reason": "Why the run stopped on purpose (status stopped), in English.",
    "warnings": "Data-quality warnings raised (figures to confirm).",
    "suite_name": "Great Expectations suite.",
    "column_name": "Column the expectation checks (null: the whole table).",
    "success": "True when the expectation held.",
    "element_count": "Rows the expectation checked.",
    "unexpected_count": "Rows that broke it.",
    # reference: the registry, each row with its source
    "source": "Where the row's value comes from: document, article, table (cited).",
    "not_verified": "The parts of the row's value not yet verified against the original "
    "text (all: the whole value; empty: verified).",
    "note_vi": "Note for the reader, Vietnamese.",
    "standard": "Effluent standard (e.g. QCVN 40:2011/BTNMT).",
    "contract_version": "Version of the station file contract the file was read with.",
    "hour": "Hour of Viet Nam's clock (naive, UTC+7) the average is for.",
    "day": "Day in Viet Nam the average is for.",
    "valid_hours": "Hours of the day with a valid hourly average.",
    "peak": "Highest hourly average of the day.",
    "judged": "True when the day has enough valid hours to be judged against its limit.",
    "ratio": "The daily average over the permitted maximum (null: no maximum).",
    "first_day": "First day of the episode (Viet Nam).",
    "last_day": "Last day of the episode (Viet Nam).",
    "days": "Days in the episode.",
    "peak_value": "The episode's daily average furthest beyond its limit.",
    "peak_ratio": "The episode's highest daily average over the maximum (null for pH below "
    "its minimum).",
    "expected_intervals": "Reporting intervals in the period at the station's interval.",
    "valid_intervals": "Intervals with a valid reading (instrument measuring, a value).",
    "calibrating_intervals": "Intervals with a reading taken while calibrating.",
    "fault_intervals": "Intervals with a reading taken in fault.",
    "valid_share": "Valid intervals over expected intervals (0–1).",
    "gap_start": "Last valid reading before the gap, or the period's start (UTC).",
    "gap_end": "Next valid reading after the gap, or the period's end (UTC).",
    "minutes": "Length of the gap, minutes.",
    "days_in_period": "Days in the month.",
    "days_judged": "Days of the month whose daily average was judged against the limit.",
    "days_exceeded": "Days whose daily average exceeded the limit (or left pH's range).",
    "days_insufficient": "Days with readings but too few valid hours to judge.",
    "max_daily": "Highest daily average of the month.",
    "min_daily": "Lowest daily average of the month (for a range such as pH's, a dip "
    "below its minimum).",
    "max_ratio": "Highest daily average over the maximum; empty for a range (pH) whose "
    "highest day is inside it.",
    "verdict": "exceeded (a day or a laboratory sample over), limit_unknown, incomplete (none "
    "over, but not every day judged), compliant (every day judged, none over), lab_within "
    "(tested only by a laboratory, every sample within), no_limit.",
    "parameters_exceeded": "Parameters with an exceedance in the month, comma-separated.",
    "episodes": "Episodes of consecutive exceedance days starting in the month.",
    "lowest_valid_share": "Lowest share of valid intervals among the parameters with a limit.",
    "volume_m3": "Volume discharged in the month, m3; null unless every day's volume is known "
    "(all 24 hours of flow).",
    "volume_lower_bound_m3": "Volume of the days and hours known, m3: at least this much.",
    "days_known": "Days with both a daily average and a volume.",
    "load_kg": "Pollutant load of the month, kg (daily average mg/L × daily volume m3 / "
    "1,000, summed); null unless every day is known.",
    "load_lower_bound_kg": "Load of the days known, kg: at least this much.",
    "readings": "Lines of the file that became readings.",
    "rejected_lines": "Lines of the file rejected (ops.station_quarantine says why).",
    "measured_at": "When the station measured the value (UTC).",
    "basis": "Where the limit comes from: permit (its own limit), standard_kq_kf (C × Kq × "
    "Kf), standard (C: pH and coliforms), standard_not_held (the permit's standard has no "
    "table in the reference: limit unknown), none (no limit: reported, never judged).",
    "c_max": "The standard's maximum C before Kq × Kf.",
    "limit_unknown_reason": "Why a limit due is unknown (k_factors_missing: the register "
    "lacks Kq or Kf; standard_not_held: the permit's standard, QCVN 40:2025, has no table in "
    "the reference and the permit states no limit of its own); null when known.",
    "outlet_id": "Wastewater monitoring outlet (reference.ref_monitoring_outlets).",
    "email": "An e-mail address, in lower case.",
    "message_id": "The message's Message-ID, derived from its kind, what it is about and its "
    "recipients (the same message always has the same id).",
    "about": "What the message is about (a receipt: the file's sha256/file name; an answer "
    "to a refused message: that message's key).",
    "recipients": "The addresses the message is sent to.",
    "subject": "The message's subject, as the reader sees it.",
    "eml_path": "The message as written, relative to the outbox (mail/<day>/<id>.eml).",
    "files": "The names of the files attached.",
    "in_reply_to": "The Message-ID of the message it answers, if any.",
    "attempts": "How many times sending was attempted.",
    "last_error": "The last sending error, if any.",
    "queued_at": "When the message was written and queued (UTC).",
    "sent_at": "When the SMTP server accepted it (UTC).",
    "contact_name": "Who reads mail at that address (optional).",
    "message_key": "The message's Message-ID, or sha256:<hash of the message> when it has none: "
    "a message seen twice is taken once.",
    "sender": "The address the message came from (its From), in lower case.",
    "taken_at": "When the mail intake handled the message (UTC).",
    "moved_to": "The mailbox folder the message was moved to; null until the move.",
    "moved_at": "When it was moved there (UTC).",
    "attachment_name": "The file's name as attached to the message.",
    "permit_number": "Number of the outlet's environmental permit (giấy phép môi trường).",
    "permit_date": "Date of the permit (YYYY-MM-DD); after 01/09/2025 QCVN 40:2025 applies.",
    "kq": "Kq of the permit: factor for the receiving water's flow or volume (QCVN 40).",
    "kf": "Kf of the permit: factor for the discharge flow (QCVN 40).",
    "parameters": "Parameters the outlet's automatic station must report, ';'-separated.",
    "interval_minutes": "Minutes between two readings the station must send.",
    "design_flow_m3_per_day": "Design discharge flow of the outlet, m3 per day.",
    "column_code": "Column of the standard (A, B): which receiving water the limit is for.",
    "parameter": "Wastewater parameter (pH, COD, TSS, NH4_N, …; "
    "reference.ref_wastewater_parameters).",
    "limit_min": "Lowest value permitted (pH); null: no minimum.",
    "limit_max": "Highest value permitted, before Kq × Kf; null: no maximum.",
    "multiplied": "True when the permitted maximum is C × Kq × Kf (not pH, not coliforms).",
    # laboratory results (contract lab-1) and what the reports read of them
    "sample_id": "The laboratory's sample identifier.",
    "sampled_at": "When the sample was taken (UTC).",
    "laboratory": "The laboratory that analysed the sample.",
    "method": "The analysis method the laboratory names (null: none given).",
    "on_station": "True when the outlet's station must report the parameter; false: only a "
    "laboratory may test it.",
    "lab_samples": "Laboratory results of the month.",
    "lab_exceeded": "Laboratory results of the month above the permitted limit (or outside "
    "pH's range).",
    "lab_max_value": "Highest laboratory result of the month.",
    "lab_max_ratio": "Highest laboratory result over the permitted maximum.",
    "enterprise_vi": "The exempted enterprise's name, Vietnamese (null: a park's central plant).",
    "enterprise_en": "The exempted enterprise's name, English.",
    "in_park": "The park the outlet is in: its own (a central plant) or its exempted enterprise's.",
    "starts": "When the event starts (UTC): an episode's first day at 00:00 in Viet Nam, a "
    "sample's time, a gap's last valid reading.",
    "ends": "When a gap ends (UTC): the next valid reading, or the period's end.",
    "hours": "Length of the gap, hours.",
    "kind": "What the parameter measures: concentration, range (pH), measure, count, flow.",
    "field_label_vi": "The field as the submission template labels it, Vietnamese (null: "
    "the whole file).",
    "field_label_en": "The field as the submission template labels it, English.",
    "activity_label_vi": "The activity's label, Vietnamese (reference.ref_activities).",
    "activity_label_en": "The activity's label, English (reference.ref_activities).",
    "note_en": "Note for the reader, English.",
    "confidence": "How sure the value is: High (read in the source), Medium (secondary "
    "source or inference, stated), Low.",
    "registry_version": "Version of the factor registry the row belongs to.",
    "label_vi": "Label, Vietnamese.",
    "label_en": "Label, English.",
    "category": "Kind of activity: electricity, electricity_instrument, fuel, water, waste, "
    "output, …",
    "combustion": "stationary or mobile, for fuels.",
    "emission_scope": "GHG Protocol scope the activity counts in (scope1, scope2, "
    "scope2_market; empty: none).",
    "fuel_code": "Fuel (joins the combustion factors and densities).",
    "unit_code": "Unit as written in a submission.",
    "multiplier": "Factor from the unit to the activity's canonical unit.",
    "conversion": "Conversion that needs more than a multiplier (e.g. by density).",
    "ncv_tj_per_gg": "Net calorific value, TJ per Gg (= GJ per t).",
    "ncv_source": "Source of the net calorific value.",
    "co2_kg_per_tj": "CO2 emission factor, kg per TJ.",
    "ch4_kg_per_tj": "CH4 emission factor, kg per TJ.",
    "n2o_kg_per_tj": "N2O emission factor, kg per TJ.",
    "is_biogenic": "True for biomass: its CO2 is reported apart, outside Scope 1.",
    "density_id": "Density row id.",
    "density_t_per_m3": "Fuel density, t per m3.",
    "ef_tco2_per_mwh": "Emission factor, tCO2 per MWh.",
    "grid_year": "Year the grid factor applies to.",
    "publishing_document": "Document that published the factor (number and date).",
    "gas": "Greenhouse gas.",
    "gwp_100yr": "Global warming potential, 100 years.",
    "toe_per_unit": "Tonnes of oil equivalent per unit.",
    "instrument": "Market-based instrument (IREC, DPPA, RESIDUAL).",
    "threshold_id": "Threshold id.",
    "obligation": "Obligation the threshold triggers (ghg_inventory, key_energy_user).",
    "metric": "Figure compared with the threshold.",
    "threshold_value": "The threshold, in its unit.",
    "applies_to": "Facilities the threshold applies to.",
    "threshold": "The rule's threshold (unit column says how to read it).",
    "rationale": "Why the threshold (project choices are stated as such).",
    "contract_id": "DPPA contract id.",
    "evidence": "The seller's evidence for its factor.",
    "generator_vi": "Generating plant, Vietnamese.",
    "generator_en": "Generating plant, English.",
    "technology": "Generation technology.",
    "model": "DPPA model (physical or virtual/financial).",
    "supplier_ef_tco2_per_mwh": "The seller's documented factor, tCO2 per MWh.",
    "valid_from": "First day the contract applies (YYYY-MM-DD).",
    "valid_to": "Last day the contract applies (YYYY-MM-DD; empty: open).",
    "province_vi": "Province today, Vietnamese.",
    "province_en": "Province today, English.",
    "former_province_vi": "Province before the 1 July 2025 merger, Vietnamese.",
    "locality_vi": "Ward or commune, Vietnamese.",
}
