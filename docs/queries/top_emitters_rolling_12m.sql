-- Mười doanh nghiệp phát thải lớn nhất trong 12 tháng gần nhất, kèm nghĩa vụ kiểm kê.
-- The ten largest emitters over the rolling 12 months of the latest period, with obligations.
-- Ranked by the part of the 12 months that is known ("at least"); complete says whether
-- every month is known, and only then is the total itself given.
with latest as (
    select max(period) as period from marts.fct_enterprise_obligations
)

select
    o.tax_code,
    d.name_vi,
    d.park_code,
    d.vsic_code,
    round(o.rolling_12m_lower_bound_tco2e, 1) as rolling_12m_tco2e_at_least,
    round(o.rolling_12m_tco2e, 1) as rolling_12m_tco2e,
    round(o.rolling_12m_toe, 1) as rolling_12m_toe,
    o.rolling_12m_months_known,
    o.ghg_inventory_rolling,
    o.key_energy_user_rolling
from marts.fct_enterprise_obligations as o
inner join latest using (period)
inner join marts.dim_enterprises as d using (tax_code)
order by o.rolling_12m_lower_bound_tco2e desc, o.tax_code
limit 10;
