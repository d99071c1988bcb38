-- When D is a month end, the tier history's last month equals customer_tiers, customer
-- by customer, spend included (one definition, two computations).
select
    current_tiers.customer_id,
    current_tiers.tier_code,
    history.tier_code as history_tier_code
from {{ ref('customer_tiers') }} as current_tiers
left join {{ ref('customer_tier_history') }} as history
    on
        current_tiers.customer_id = history.customer_id
        and current_tiers.as_of_date = history.month_end
where
    current_tiers.as_of_date = cast({{ dbt.last_day(as_of_date(), 'month') }} as date)
    and (
        history.tier_code is null
        or history.tier_code <> current_tiers.tier_code
        or history.lifetime_spend <> current_tiers.lifetime_spend
        or history.trailing_12m_spend <> current_tiers.trailing_12m_spend
    )
