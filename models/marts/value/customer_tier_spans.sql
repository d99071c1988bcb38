{#- Membership tier at every month end, from the customer's first purchase to the last
    month end on or before D, with upgrades and downgrades, stored as spans: one row per
    customer and run of consecutive month ends with the same tier and spend (valid_from
    to valid_to); months in which the customer holds no tier are in no span.
    customer_tier_history is its month-end view. Point in time: spend as of month end M
    counts sales placed and refunds recorded on or before M; the trailing 12 months as
    of M are the 12 calendar months ending at M. Set-based, no loop over months: running
    sums of monthly payments and refunds over each customer's dense month-end grid.
    previous_tier_code and tier_change describe the span's first month end: the tier
    held at the latest earlier month end that had one (first when none). One row per
    customer_id and valid_from. -#}

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

payments as (
    select
        customer_id,
        cast({{ dbt.last_day('order_date', 'month') }} as date) as month_end,
        sum(paid_amount) as paid_amount
    from int_sales_valid_spans
    group by 1, 2
),

refunds as (
    -- each refund under the month its sale was placed and the month it was recorded
    select
        sales.customer_id,
        cast({{ dbt.last_day('sales.order_date', 'month') }} as date) as order_month_end,
        cast({{ dbt.last_day('refunds.refund_date', 'month') }} as date) as refund_month_end,
        sum(refunds.refund_amount) as refund_amount
    from int_order_refund_events as refunds
    inner join int_sales_valid_spans as sales
        on refunds.order_key = sales.order_key
    group by 1, 2, 3
),

refunds_recorded as (
    select
        customer_id,
        refund_month_end as month_end,
        sum(refund_amount) as refund_amount
    from refunds
    group by 1, 2
),

first_months as (
    select
        customer_id,
        min(month_end) as first_month_end
    from payments
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

running as (
    -- linear in customer-months: lifetime spend is the running sum of payments minus
    -- refunds recorded; the trailing 12 months' payments are the current row and the
    -- 11 before (the grid is dense)
    select
        customer_months.customer_id,
        customer_months.month_end,
        -- tie-break: month_end unique per customer_id (the dense month-end grid)
        sum(coalesce(payments.paid_amount, 0) - coalesce(refunds_recorded.refund_amount, 0)) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between unbounded preceding and current row
        ) as lifetime_spend,
        -- tie-break: month_end unique per customer_id (the dense month-end grid)
        sum(coalesce(payments.paid_amount, 0)) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between 11 preceding and current row
        ) as trailing_12m_paid
    from customer_months
    left join payments
        on
            customer_months.customer_id = payments.customer_id
            and customer_months.month_end = payments.month_end
    left join refunds_recorded
        on
            customer_months.customer_id = refunds_recorded.customer_id
            and customer_months.month_end = refunds_recorded.month_end
),

trailing_refunds as (
    -- refunds recorded by M of sales placed in the 12 months ending at M (few rows)
    select
        customer_months.customer_id,
        customer_months.month_end,
        sum(refunds.refund_amount) as refund_amount
    from customer_months
    inner join refunds
        on
            customer_months.customer_id = refunds.customer_id
            and customer_months.month_end >= refunds.refund_month_end
            and customer_months.month_end < cast({{ dbt.last_day(dbt.dateadd('month', 12, 'refunds.order_month_end'), 'month') }} as date)
    group by 1, 2
),

spend as (
    select
        running.customer_id,
        running.month_end,
        running.lifetime_spend,
        running.trailing_12m_paid - coalesce(trailing_refunds.refund_amount, 0) as trailing_12m_spend
    from running
    left join trailing_refunds
        on
            running.customer_id = trailing_refunds.customer_id
            and running.month_end = trailing_refunds.month_end
),

ranked as (
    {{ membership_tier_ranks('spend', ['customer_id', 'month_end'], 'membership_tier_presets') }}
),

monthly as (
    select
        spend.customer_id,
        spend.month_end,
        ranked.tier_rank,
        spend.lifetime_spend,
        spend.trailing_12m_spend
    from spend
    left join ranked
        on
            spend.customer_id = ranked.customer_id
            and spend.month_end = ranked.month_end
),

spans as (
    {{ month_end_spans(
        'monthly',
        'customer_id',
        ['tier_rank', 'lifetime_spend', 'trailing_12m_spend']
    ) }}
),

with_previous as (
    select
        customer_id,
        tier_rank,
        lifetime_spend,
        trailing_12m_spend,
        valid_from,
        valid_to,
        -- tie-break: valid_from unique per customer_id (spans: one per customer and start)
        lag(tier_rank) over (partition by customer_id order by valid_from asc) as previous_tier_rank
    from spans
    where tier_rank is not null
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
        with_previous.lifetime_spend,
        with_previous.trailing_12m_spend,
        with_previous.valid_from,
        with_previous.valid_to
    from with_previous
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
