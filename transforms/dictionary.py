"""What every warehouse column means: unit and source. The build writes these as
``COMMENT ON COLUMN``; ``netzero dictionary`` turns the comments into docs/data-dictionary.md.
No IO here.

A column is described once by name, wherever it appears; prefixed families (``ytd_``,
``year_ago_``, ``previous_``) are derived from the base column's description.
"""

from __future__ import annotations

from transforms.columns import COLUMNS

REFERENCE_TABLES: dict[str, str] = {
    "ref_activities": "One row per activity an enterprise may submit: category, fuel, scope, "
    "canonical unit, bilingual label.",
    "ref_activity_units": "One row per activity and accepted unit: the conversion to the "
    "canonical unit (SI prefix, density or NCV).",
    "ref_fuel_combustion_factors": "One row per fuel: IPCC 2006 NCV and stationary CO2/CH4/N2O "
    "factors, biogenic flag, source, confidence, registry version.",
    "ref_mobile_combustion_factors": "One row per fuel: QĐ 2626/QĐ-BTNMT road-vehicle factors "
    "with the IPCC NCV, source, registry version.",
    "ref_fuel_densities": "One row per fuel: density for litres → tonnes, with its source.",
    "ref_grid_emission_factors": "One row per year: the national grid emission factor "
    "(tCO2/MWh) as the DCC published it, with the letter where known.",
    "ref_gwp": "One row per GWP set and gas: 100-year GWP (AR4, AR5, AR6) with its source.",
    "ref_toe_factors": "One row per activity and unit: TOE per unit (MOIT CV 3505/BCT-KHCN).",
    "ref_scope2_instruments": "One row per market-based instrument rule: I-REC, DPPA, residual "
    "fallback, with the factor where fixed and the source.",
    "ref_regulatory_thresholds": "One row per threshold: Decree 06/2022 GHG inventory, "
    "Decree 21/2011 key energy user.",
    "ref_sectors": "One row per VSIC 2018 sector code: bilingual label.",
    "ref_monitoring_outlets": "The register: one row per wastewater monitoring outlet (a "
    "park's central treatment plant or an exempted enterprise) with its permit: standard, "
    "column, Kq, Kf, the parameters its station reports and how often.",
    "ref_outlet_permit_limits": "The register: one row per outlet and parameter whose permit "
    "sets its own limit (it comes before the standard's).",
    "ref_wastewater_limits": "One row per standard, column and parameter of industrial "
    "effluent: the limit C (QCVN 40:2011/BTNMT; QCVN 40:2025's table is not verified and not "
    "held), whether C × Kq × Kf applies, and its source.",
    "ref_wastewater_parameters": "One row per parameter a wastewater monitoring station or lab "
    "may report: unit, kind, bilingual label.",
    "ref_units": "One row per unit code a submission may use: its name in Vietnamese and "
    "English (the template's unit lists show them).",
    "ref_enterprises": "The register: one row per enterprise expected to submit, with its "
    "park, sector, baseline and target.",
    "ref_industrial_parks": "The register: one row per industrial park.",
    "ref_enterprise_contacts": "The register: one row per enterprise and e-mail address that "
    "may submit for it and receives its receipts, report and reminders.",
    "ref_quality_thresholds": "One row per warning rule and activity: the threshold, its "
    "unit and why (project choices, stated as such).",
    "ref_electricity_contracts": "The register: one row per DPPA contract on file, with the "
    "seller's documented factor (TT 38/2023 App. II §2 pt 3) and validity.",
}

# A column whose name means something else in one table.
TABLE_COLUMNS: dict[str, str] = {
    "ops.runs.status": "running, completed, stopped (on purpose: stopped_reason) or "
    "interrupted (a run that never closed, killed or ended by an error, as the next run "
    "found it).",
    "ops.file_ledger.status": "landed, rejected, duplicate or already_landed.",
    "ops.outgoing_mail.kind": "What the message is: receipt (a file's receipt, to the "
    "enterprise's registered addresses, or the reply to the message that brought the file), "
    "mail_refused (the answer to a message the mail intake did not take).",
    "ops.outgoing_mail.status": "written (no SMTP server was configured: the .eml in the "
    "outbox is the output, never sent), queued (not sent yet: the server refused or was "
    "down; retried by the next run), sending (an attempt began), sent, or "
    "uncertain (a run stopped mid-send: it may have gone, so it is never sent again).",
    "ops.incoming_mail.sent_at": "When the sender's Date header says it was sent (UTC).",
    "ops.incoming_mail.received_at": "When the agency's mail server received it (IMAP "
    "INTERNALDATE, UTC): the arrival time of the files it brought.",
    "ops.incoming_mail.size_bytes": "The message's size on the server.",
    "ops.incoming_mail.eml_path": "The message kept whole, relative to the data folder "
    "(mail/<yyyy-mm>/<sha256>.eml); null for one too large to read.",
    "ops.incoming_mail.status": "taken (its attachments went to the inbox) or refused.",
    "ops.incoming_mail.rule": "Why it was refused: sender_not_registered, no_attachment, "
    "too_large, unreadable_attachment or automatic (never answered).",
    "ops.incoming_mail.files": "The names its attachments were given in the inbox.",
    "ops.incoming_mail.message_id": "The message's Message-ID header, as sent.",
    "ops.incoming_mail.subject": "The message's subject, as sent.",
    "ops.incoming_mail_files.file_name": "The name the attachment was given in the inbox (and "
    "so in the file ledger).",
    "ops.incoming_mail_files.received_at": "When the agency's mail server received the "
    "message (UTC).",
    "ops.quarantine.value": "The value as received (text) that broke the rule.",
    "ops.validation_results.column_name": "Column the expectation checks (null: the table).",
    "reference.ref_activities.measure_column": "Column of marts.fct_enterprise_monthly that "
    "holds the activity's monthly quantity (transforms/measures.py reads it).",
    "ops.suite_runs.run_id": "The run the suite checked the marts for (ops.runs).",
    "ops.suite_runs.fingerprint": "sha256 of what the suite checked: the rows of the tables it "
    "read, the suite and the code (flows/validate.suite_fingerprint).",
    "ops.suite_runs.results_of_run": "The run whose results in ops.validation_results are this "
    "suite's: this run when Great Expectations ran, an earlier run that checked the same "
    "tables with the same code otherwise.",
    "ops.suite_runs.recorded_at": "When this run recorded the suite's outcome (UTC).",
    "meta.build_inputs.fingerprint": "sha256 of the inputs of the last complete build "
    "(flows/build_warehouse.inputs_fingerprint).",
    "meta.build_inputs.built_at": "When that build completed (UTC).",
    "meta.schema_migrations.version": "Migration number (flows/warehouse/migrations/NNNN_*.sql).",
    "meta.schema_migrations.name": "Migration file name, without .sql.",
    "meta.schema_migrations.applied_at": "When it was applied to this warehouse (UTC).",
    "reports.rpt_data_as_of.latest_arrival": "Latest arrival (received, else landed; UTC) of "
    "a file of this enterprise for the period or an earlier one: the report's as-of date.",
    "reports.rpt_data_as_of.tax_code": "Enterprise tax code (null: files that named none).",
    "reports.rpt_method_factors.section": "Where the method section lists the factor: 1 grid, "
    "2 fuels, 3 Scope 2 instruments and DPPA contracts, 4 fuel densities.",
    "reports.rpt_method_factors.part_no": "Order of the part within the factor.",
    "reports.rpt_method_factors.part": "Which part of the factor (NCV, CO₂, CH₄, N₂O; empty "
    "for a one-value factor).",
    "reports.rpt_method_factors.value": "The part's value (null: none published, as for the "
    "residual mix).",
    "reports.rpt_method_factors.digits": "Decimals the value is published with, as printed.",
    "reports.rpt_method_factors.unit": "Unit of the factor's values.",
    "marts.fct_wastewater_hourly.value": "Mean of the hour's valid readings, in the "
    "parameter's unit.",
    "marts.fct_wastewater_hourly.readings": "Valid readings in the hour.",
    "marts.fct_wastewater_daily.value": "Daily average: the mean of the day's hourly averages.",
    "marts.fct_wastewater_daily.status": "exceeded, compliant, insufficient_data (too few "
    "valid hours), limit_unknown (the register lacks what the limit rests on), no_limit.",
    "staging.stg_station_readings.value": "The measured value, in the parameter's unit.",
    "staging.stg_station_readings.unit": "The parameter's unit.",
    "staging.stg_station_readings.status": "The instrument's status: measuring, calibrating, "
    "fault.",
    "raw.station_readings.value": "The measured value, in the parameter's unit (null: none "
    "sent while calibrating or in fault).",
    "raw.station_readings.unit": "The parameter's unit (reference.ref_wastewater_parameters), "
    "whatever spelling the station used.",
    "raw.station_readings.status": "The instrument's status: measuring, calibrating or fault "
    "(only measuring readings are judged).",
    "marts.fct_wastewater_limits.limit_max": "The permitted maximum: the permit's own, or C × "
    "Kq × Kf (C for pH and coliforms); null: no maximum, or unknown (limit_unknown_reason).",
    "marts.fct_wastewater_limits.limit_min": "The permitted minimum (pH); null: none.",
    "marts.fct_wastewater_limits.source": "The permit (its number) or the standard's table.",
    "reports.rpt_wastewater_events.kind": "episode (consecutive exceedance days), "
    "lab_exceedance (a laboratory sample over the limit) or gap (no valid reading).",
    "reports.rpt_wastewater_events.value": "An episode's daily average furthest beyond the "
    "limit, or the sample's result; null for a gap.",
    "reports.rpt_wastewater_events.ratio": "That value over the permitted maximum (null: no "
    "maximum, or pH below its minimum).",
    "reports.rpt_wastewater_events.parameters": "The parameter, or for a gap every parameter "
    "silent over the same stretch, comma-separated.",
    "reports.rpt_wastewater_events.label_vi": "The parameters' names, Vietnamese.",
    "reports.rpt_wastewater_events.label_en": "The parameters' names, English.",
    "marts.fct_wastewater_lab_results.value": "The laboratory's result, in the parameter's unit.",
    "marts.fct_wastewater_lab_results.status": "exceeded, compliant (this sample), "
    "limit_unknown, no_limit.",
    "marts.fct_wastewater_lab_results.ratio": "The result over the permitted maximum (null: no "
    "maximum).",
    "raw.lab_results.value": "The laboratory's result, in the parameter's unit.",
    "raw.lab_results.unit": "The parameter's unit (reference.ref_wastewater_parameters), "
    "whatever spelling the laboratory used.",
    "reports.rpt_method_factors.source": "Where the factor comes from (cited).",
    "reports.rpt_method_factors.not_verified": "The parts of the factor not yet verified "
    "against the original text (all: the whole factor; null: verified).",
    "reports.rpt_method_factors.note_vi": "What the reader should know about the factor, "
    "Vietnamese (a DPPA contract: the generator).",
    "reports.rpt_method_factors.note_en": "The same note, English.",
    "reports.rpt_method_gwp.digits": "Decimals the GWP value is published with.",
    "reports.rpt_province_annual.year": "Calendar year of the point (the period's own year "
    "for the rolling 12 months).",
    "reports.rpt_province_annual.kind": "calendar (a complete calendar year) or rolling_12m "
    "(the 12 months ending at the period).",
    "reports.rpt_province_annual.tco2e": "Province emissions of the 12 months, tCO2e (null "
    "unless every month's province total is known).",
    "reports.rpt_province_annual.months": "Months of the year on record.",
    "reports.rpt_province_annual.min_enterprises_with_emissions": "Fewest enterprises with "
    "known emissions in any of the months.",
    "reports.rpt_province_pathway.year": "Calendar year of the path.",
    "reports.rpt_province_pathway.path_tco2e": "The province's path for the year, tCO2e: the "
    "sum of every enterprise's own path (an intensity path × its output of the 12 months "
    "ending at the period, annualised).",
    "reports.rpt_province_pathway.enterprises_in_path": "Enterprises whose path is in the sum.",
    "reports.rpt_province_pathway.enterprises_without_output": "Enterprises with an intensity "
    "target and no output in the 12 months: not in the sum.",
    "reports.rpt_action_items.action": "What the report asks of the enterprise: submit_missing, "
    "correct_rejected_lines, confirm_flagged_figures, noted_late, behind_path, "
    "newly_ghg_inventory (Decree 06/2022) or newly_key_energy_user (Decree 21/2011).",
    "reports.rpt_action_items.items": "How many rejected lines or flagged figures the action "
    "concerns (null: not counted).",
    "reports.rpt_action_items.deadline": "When it is due (UTC): the next due day for what the "
    "next report can still count; 31 March of the following year for a GHG inventory newly "
    "owed; null where no rule gives one.",
    "reports.rpt_action_items.deadline_rule": "next_due, decree_06_31_march, or null.",
    "reports.rpt_action_items.deadline_date": "The last day to act, in Viet Nam (the day "
    "before the exclusive deadline, Asia/Ho_Chi_Minh); null where no rule gives one.",
    "reports.rpt_action_items.emissions_tco2e": "The enterprise's emissions in the period, "
    "tCO2e (null: unknown): the reports list the enterprises of an action by it, largest first.",
    "reports.rpt_restatements.restated_period": "The earlier, closed month the revision "
    "restates, YYYY-MM.",
    "reports.rpt_restatements.period": "The period whose reports name the restatement.",
}

PREFIXES = {
    "ytd_": "Year to date (sum of the calendar year's months so far; null unless every month "
    "so far is known): ",
    "enterprises_known_": "Enterprises whose figure is known and counted in the roll-up's "
    "total (coverage) of: ",
    "year_ago_": "Same month a year before: ",
    "previous_": "In the replaced revision: ",
}


def describe(column: str, table: str = "") -> str | None:
    """The column's description (``table``, "schema.table", picks a table's own meaning),
    or None when it has none (a test stops that)."""
    if f"{table}.{column}" in TABLE_COLUMNS:
        return TABLE_COLUMNS[f"{table}.{column}"]
    if column in COLUMNS:
        return COLUMNS[column]
    for prefix, lead in PREFIXES.items():
        base = describe(column.removeprefix(prefix)) if column.startswith(prefix) else None
        if base is not None:
            return lead + base
    return None
