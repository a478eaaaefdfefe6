-- Doanh nghiệp chậm so với lộ trình giảm phát thải (lũy kế năm so với lộ trình), kỳ mới nhất.
-- Enterprises behind their path (year to date against the pro-rated path), latest period.
with latest as (
    select max(period) as period from marts.fct_enterprise_progress
)

select
    p.tax_code,
    d.name_vi,
    p.target_type,
    p.ytd_months_known,
    round(p.ytd_tco2e, 1) as ytd_tco2e,
    round(p.ytd_path_tco2e, 1) as ytd_path_tco2e,
    round(p.ytd_vs_path_pct, 1) as ytd_vs_path_pct,
    p.progress_status_rolling_12m
from marts.fct_enterprise_progress as p
inner join latest using (period)
inner join marts.dim_enterprises as d using (tax_code)
where p.progress_status = 'behind'
order by p.ytd_vs_path_pct desc, p.tax_code;
