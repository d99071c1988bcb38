{#- Retention (客户保持率, domain.md): of the customers who bought on a day, the share
    who buy again within N days after it (N in var kpi_retention_days), per cohort
    month (the month of the buying day). The unit is a buyer-day: one (customer,
    purchase day) pair, whatever the number of purchases that day; it is retained when
    the customer has a purchase on a later day d' with d < d' <= d + N. Purchases as of
    the as-of date D (int_purchases). A buyer-day counts in the rate once its N days
    have fully elapsed (d + N <= D); is_complete says every day of the cohort month
    has. One row per cohort_month and horizon_days. -#}

with int_purchases as (
    select * from {{ ref('int_purchases') }}
),

horizons as (
    {{ integer_rows(var('kpi_retention_days'), 'horizon_days') }}
),

buyer_days as (
    select distinct
        customer_id,
        order_date
    from int_purchases
),

sequenced as (
    select
        customer_id,
        order_date,
        -- tie-break: order_date unique per customer_id (buyer_days is distinct)
        lead(order_date) over (
            partition by customer_id order by order_date asc
        ) as next_purchase_date
    from buyer_days
),

units as (
    select
        horizons.horizon_days,
        cast({{ dbt.date_trunc('month', 'sequenced.order_date') }} as date) as cohort_month,
        cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'sequenced.order_date') }} as date)
        <= {{ as_of_date() }} as is_elapsed,
        coalesce(
            sequenced.next_purchase_date
            <= cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'sequenced.order_date') }} as date),
            false
        ) as is_retained
    from sequenced
    cross join horizons
),

aggregated as (
    select
        cohort_month,
        horizon_days,
        count(*) as buyer_days,
        sum(case when is_elapsed then 1 else 0 end) as elapsed_buyer_days,
        sum(case when is_elapsed and is_retained then 1 else 0 end) as retained_buyer_days
    from units
    group by 1, 2
),

final as (
    select
        horizon_days,
        buyer_days,
        elapsed_buyer_days,
        retained_buyer_days,
        {{ kpi_ratio('retained_buyer_days', 'elapsed_buyer_days') }} as retention_rate,
        cast({{ dbt.dateadd(
            'day', 'horizon_days', dbt.last_day('cohort_month', 'month')
        ) }} as date) <= {{ as_of_date() }} as is_complete,
        cohort_month
    from aggregated
)

select * from final
