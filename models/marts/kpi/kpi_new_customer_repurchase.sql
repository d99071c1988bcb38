{#- New-customer repurchase rate (新客30天复购率, domain.md): of the customers whose
    first purchase falls in a month, the share who buy again within N days after the
    first purchase day (var kpi_new_customer_repurchase_days, default 30): a purchase on
    a later day d' with first < d' <= first + N (a second order on the first day is not
    a repurchase, as for retention). By first-purchase month and the channel of the
    first purchase (store or mall; the earliest purchase of the first day, then the
    order key). Purchases as of the as-of date D. A customer counts in the rate once
    the N days have elapsed (first + N <= D); is_complete says they have for the whole
    month. One row per first_purchase_month and first_purchase_channel. -#}

{%- set days = var('kpi_new_customer_repurchase_days') %}

with fct_orders as (
    select * from {{ ref('fct_orders') }}
),

purchases as (
    -- fct_orders' purchases as of D are int_purchases, with the time of payment
    select
        order_key,
        customer_id,
        channel,
        order_date,
        ordered_at
    from fct_orders
    where
        is_purchase
        and customer_id is not null
),

ranked as (
    select
        customer_id,
        channel,
        order_date,
        -- tie-break: order_key unique (fct_orders' key)
        row_number() over (
            partition by customer_id order by order_date asc, ordered_at asc, order_key asc
        ) as purchase_rank,
        min(order_date) over (partition by customer_id) as first_purchase_date
    from purchases
),

repurchases as (
    select
        customer_id,
        min(order_date) as repurchase_date
    from ranked
    where order_date > first_purchase_date
    group by 1
),

new_customers as (
    select
        ranked.customer_id,
        ranked.channel as first_purchase_channel,
        ranked.first_purchase_date,
        cast({{ dbt.dateadd('day', days, 'ranked.first_purchase_date') }} as date) <= {{ as_of_date() }} as is_elapsed,
        coalesce(
            repurchases.repurchase_date
            <= cast({{ dbt.dateadd('day', days, 'ranked.first_purchase_date') }} as date),
            false
        ) as is_repurchased
    from ranked
    left join repurchases
        on ranked.customer_id = repurchases.customer_id
    where ranked.purchase_rank = 1
),

aggregated as (
    select
        cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date) as first_purchase_month,
        first_purchase_channel,
        count(*) as new_customers,
        sum(case when is_elapsed then 1 else 0 end) as elapsed_new_customers,
        sum(case when is_elapsed and is_repurchased then 1 else 0 end) as repurchased_customers
    from new_customers
    group by 1, 2
),

final as (
    select
        first_purchase_channel,
        {{ days }} as repurchase_days,
        new_customers,
        elapsed_new_customers,
        repurchased_customers,
        {{ kpi_ratio('repurchased_customers', 'elapsed_new_customers') }} as repurchase_rate,
        cast({{ dbt.dateadd(
            'day', days, dbt.last_day('first_purchase_month', 'month')
        ) }} as date) <= {{ as_of_date() }} as is_complete,
        first_purchase_month
    from aggregated
)

select * from final
