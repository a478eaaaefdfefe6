-- Truy vết một con số: phát thải của một doanh nghiệp trong một tháng, đến tệp, dòng và hệ số.
-- Trace one figure: an enterprise-month's emissions back to file, line and factor.
-- Set the enterprise and month first, e.g. in the duckdb shell:
--   set variable tax_code = '3717888069';  -- the demo's first enterprise
--   set variable period = '2026-10';
select
    e.scope,
    e.scope2_market_basis,
    e.activity_code,
    round(e.quantity_canonical, 4) as quantity_canonical,
    e.canonical_unit,
    round(e.emissions_tco2e, 6) as emissions_tco2e,
    round(e.biogenic_co2_t, 6) as biogenic_co2_t,
    e.factor_id,
    e.factor_version,
    e.factor_year,
    e.is_factor_provisional,
    e.gwp_set,
    f.file_name,
    e.line_no,
    e.sha256
from marts.fct_emissions as e
inner join raw.submission_files as f using (sha256)
where e.tax_code = getvariable('tax_code') and e.period = getvariable('period')
order by e.scope, e.line_no;
