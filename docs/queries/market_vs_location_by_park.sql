-- Phát thải gián tiếp (phạm vi 2) theo hai phương pháp và tỷ lệ điện tái tạo, theo KCN, năm nay.
-- Scope 2 by both methods and renewable share, per industrial park, year to date.
with latest as (
    select max(period) as period from reports.rpt_park_monthly
)

select
    park_code,
    park_name_vi,
    round(ytd_scope2_location_tco2e, 1) as ytd_scope2_location_tco2e,
    round(ytd_scope2_market_tco2e, 1) as ytd_scope2_market_tco2e,
    round(ytd_scope2_location_tco2e - ytd_scope2_market_tco2e, 1) as instruments_effect_tco2e,
    round(100 * renewable_share, 1) as renewable_share_pct_this_month
from reports.rpt_park_monthly
inner join latest using (period)
order by park_code;
