-- Phát thải toàn tỉnh theo phạm vi, 12 tháng gần nhất, kèm độ bao phủ.
-- Province emissions by scope over the last 12 months, with what the totals rest on.
select
    period,
    round(scope1_tco2e, 1) as scope1_tco2e,
    round(scope2_location_tco2e, 1) as scope2_location_tco2e,
    round(scope2_market_tco2e, 1) as scope2_market_tco2e,
    round(biogenic_co2_t, 1) as biogenic_co2_t_outside_totals,
    enterprises_with_emissions,
    enterprises
from reports.rpt_province_monthly
order by period desc
limit 12;
