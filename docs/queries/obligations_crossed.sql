-- Doanh nghiệp thuộc diện kiểm kê khí nhà kính (Nghị định 06/2022) theo năm trượt, kỳ mới nhất.
-- Enterprises over a Decree 06/2022 GHG-inventory threshold on the rolling year, latest period.
with latest as (
    select max(period) as period from marts.fct_enterprise_obligations
)

select
    o.tax_code,
    d.name_vi,
    d.park_name_vi,
    round(o.rolling_12m_tco2e) as rolling_12m_tco2e,
    round(o.rolling_12m_toe) as rolling_12m_toe,
    o.rolling_12m_tco2e >= 3000 as over_by_emissions,
    o.rolling_12m_toe >= 1000 as over_by_energy
from marts.fct_enterprise_obligations as o
inner join latest using (period)
inner join marts.dim_enterprises as d using (tax_code)
where o.ghg_inventory_rolling = 'over'
order by o.rolling_12m_tco2e desc, o.tax_code;
