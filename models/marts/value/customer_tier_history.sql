{#- Membership tier at every month end, from the customer's first purchase to the last
    month end on or before D, with upgrades and downgrades. Point in time: spend as of
    month end M counts sales placed and refunds recorded on or before M; the trailing
    12 months as of M are the 12 calendar months ending at M. Set-based: monthly net
    changes (payments and refunds by the month they were placed and recorded) joined
    to the month-end spine. One row per customer_id and month_end (months in which the
    customer holds a tier). -#}


with int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

membership_tier_presets as (
    select * from {{ ref('membership_tier_presets') }}
),

net_changes as (
    -- + the amount paid in the month the sale was placed, - each refund in the month
    -- it was recorded, both under the month the sale was placed
    select
        customer_id,
        cast({{ dbt.last_day('order_date', 'month') }} as date) as order_month_end,
        cast({{ dbt.last_day('order_date', 'month') }} as date) as change_month_end,
        paid_amount as amount
    from int_sales_valid_spans
    union all
    select
        sales.customer_id,
        cast({{ dbt.last_day('sales.order_date', 'month') }} as date) as order_month_end,
        cast({{ dbt.last_day('refunds.refund_date', 'month') }} as date) as change_month_end,
        -1 * refunds.refund_amount as amount
    from int_order_refund_events as refunds
    inner join int_sales_valid_spans as sales
        on refunds.order_key = sales.order_key
),

monthly_changes as (
    select
        customer_id,
        order_month_end,
        change_month_end,
        sum(amount) as amount
    from net_changes
    group by 1, 2, 3
),

first_months as (
    select
        customer_id,
        min(order_month_end) as first_month_end
    from monthly_changes
    group by 1
),

customer_months as (
    select
        first_months.customer_id,
        month_ends.month_end
    from first_months
    inner join int_month_ends as month_ends
        on first_months.first_month_end <= month_ends.month_end
),

spend as (
    select
        customer_months.customer_id,
        customer_months.month_end,
        sum(monthly_changes.amount) as lifetime_spend,
        sum(
            case
                when monthly_changes.order_month_end > {{ shift_months_back('customer_months.month_end', 12) }}
                    then monthly_changes.amount
                else 0
            end
        ) as trailing_12m_spend
    from customer_months
    inner join monthly_changes
        on
            customer_months.customer_id = monthly_changes.customer_id
            and customer_months.month_end >= monthly_changes.change_month_end
    group by 1, 2
),

ranked as (
    {{ membership_tier_ranks('spend', ['customer_id', 'month_end'], 'membership_tier_presets') }}
),

with_previous as (
    select
        ranked.customer_id,
        ranked.month_end,
        ranked.tier_rank,
        lag(ranked.tier_rank) over (partition by ranked.customer_id order by ranked.month_end asc) as previous_tier_rank
    from ranked
),

final as (
    select
        with_previous.customer_id,
        tiers.tier_code,
        previous_tiers.tier_code as previous_tier_code,
        case
            when with_previous.previous_tier_rank is null then 'first'
            when with_previous.tier_rank > with_previous.previous_tier_rank then 'upgrade'
            when with_previous.tier_rank < with_previous.previous_tier_rank then 'downgrade'
            else 'same'
        end as tier_change,
        with_previous.tier_rank,
        spend.lifetime_spend,
        spend.trailing_12m_spend,
        with_previous.month_end
    from with_previous
    inner join spend
        on
            with_previous.customer_id = spend.customer_id
            and with_previous.month_end = spend.month_end
    inner join membership_tier_presets as tiers
        on
            tiers.preset = '{{ var("membership_tier_preset") }}'
            and with_previous.tier_rank = tiers.tier_rank
    left join membership_tier_presets as previous_tiers
        on
            previous_tiers.preset = '{{ var("membership_tier_preset") }}'
            and with_previous.previous_tier_rank = previous_tiers.tier_rank
)

select * from final
