{#- Membership tier at every month end, from the customer's first purchase to the last
    month end on or before D, with upgrades and downgrades, stored as spans: one row per
    customer and run of consecutive month ends with the same tier and spend (valid_from
    to valid_to); months in which the customer holds no tier are in no span.
    customer_tier_history is its month-end view. Point in time: spend as of month end M
    counts sales placed and refunds recorded on or before M; the trailing 12 months as
    of M are the 12 calendar months ending at M. Set-based, no loop over months and no
    dense month grid: spend changes only in the months a sale is paid or a refund is
    recorded and in the months they leave the trailing 12 months, so running sums of
    those changes, one row per customer and month with a change, give the spend of
    every month end up to the next change.
    previous_tier_code and tier_change describe the span's first month end: the tier
    held at the latest earlier month end that had one (first when none). One row per
    customer_id and valid_from. -#}

with int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

refunded_sales as (
    -- the sales again, for their refunds (an import of its own: a relation read by
    -- two joins would be materialized whole first)
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
    inner join refunded_sales as sales
        on refunds.order_key = sales.order_key
    group by 1, 2, 3
),

events as (
    -- how each month changes the spend as of its month end: a payment adds to both
    -- bases and leaves the trailing 12 months 12 months later; a refund recorded
    -- takes from lifetime spend, and from the trailing 12 months while its sale is in
    -- them (from the month recorded to the month the sale leaves)
    select
        customer_id,
        month_end,
        paid_amount as lifetime_change,
        paid_amount as trailing_change
    from payments
    union all
    select
        customer_id,
        {{ shift_month_end('month_end', 12) }} as month_end,
        0 as lifetime_change,
        -paid_amount as trailing_change
    from payments
    union all
    select
        customer_id,
        refund_month_end as month_end,
        -refund_amount as lifetime_change,
        case
            when refund_month_end < {{ shift_month_end('order_month_end', 12) }} then -refund_amount
            else 0
        end as trailing_change
    from refunds
    union all
    select
        customer_id,
        {{ shift_month_end('order_month_end', 12) }} as month_end,
        0 as lifetime_change,
        refund_amount as trailing_change
    from refunds
    where refund_month_end < {{ shift_month_end('order_month_end', 12) }}
),

last_month as (
    select max(month_end) as last_month_end
    from int_month_ends
),

monthly_changes as (
    select
        events.customer_id,
        events.month_end,
        sum(events.lifetime_change) as lifetime_change,
        sum(events.trailing_change) as trailing_change
    from events
    cross join last_month
    where events.month_end <= last_month.last_month_end
    group by 1, 2
),

running as (
    select
        customer_id,
        month_end,
        lifetime_change,
        trailing_change,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        sum(lifetime_change) over (
            partition by customer_id
            order by month_end asc
            rows between unbounded preceding and current row
        ) as lifetime_spend,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        sum(trailing_change) over (
            partition by customer_id
            order by month_end asc
            rows between unbounded preceding and current row
        ) as trailing_12m_spend,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        lag(month_end) over (
            partition by customer_id
            order by month_end asc
        ) as previous_month_end
    from monthly_changes
),

span_starts as (
    -- a month whose changes cancel out continues the span before it
    select
        running.customer_id,
        running.lifetime_spend,
        running.trailing_12m_spend,
        running.month_end as valid_from,
        last_month.last_month_end
    from running
    cross join last_month
    where
        running.previous_month_end is null
        or running.lifetime_change != 0
        or running.trailing_change != 0
),

spend_spans as (
    {{ spans_from_starts('span_starts', 'customer_id', ['lifetime_spend', 'trailing_12m_spend']) }}
),

ranked as (
    {{ membership_tier_ranks('spend_spans', ['customer_id', 'valid_from'], 'membership_tier_presets') }}
),

spans as (
    -- spans in which the customer holds no tier are left out
    select
        spend_spans.customer_id,
        ranked.tier_rank,
        spend_spans.lifetime_spend,
        spend_spans.trailing_12m_spend,
        spend_spans.valid_from,
        spend_spans.valid_to
    from spend_spans
    inner join ranked
        on
            spend_spans.customer_id = ranked.customer_id
            and spend_spans.valid_from = ranked.valid_from
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
