-- Doanh nghiệp thuộc diện kiểm kê khí nhà kính (Nghị định 06/2022) theo năm trượt, kỳ mới nhất.
-- Enterprises over a Decree 06/2022 GHG-inventory threshold on the rolling year, latest period.
-- "Ít nhất" / at least: the part of the 12 months that is known. It can prove a threshold
-- crossed; the full total is given only when all 12 months are known.
with latest as (
    select max(period) as period from marts.fct_enterprise_obligations
)

select
    o.tax_code,
    d.name_vi,
    d.park_name_vi,
    round(o.rolling_12m_lower_bound_tco2e) as rolling_12m_tco2e_at_least,
    round(o.rolling_12m_lower_bound_toe) as rolling_12m_toe_at_least,
    o.rolling_12m_tco2e is not null as tco2e_complete,
    o.rolling_12m_lower_bound_tco2e >= 3000 as over_by_emissions,
    o.rolling_12m_lower_bound_toe >= 1000 as over_by_energy
from marts.fct_enterprise_obligations as o
inner join latest using (period)
inner join marts.dim_enterprises as d using (tax_code)
where o.ghg_inventory_rolling = 'over'
order by o.rolling_12m_lower_bound_tco2e desc, o.tax_code;
