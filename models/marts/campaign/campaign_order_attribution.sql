{#- Last-touch attribution of purchases to campaign sends (domain.md, Campaigns): a
    purchase as of D (fct_orders) is attributed to the latest send to its customer
    whose attribution window holds it: sent_at < ordered_at <= sent_at + N days (var
    campaign_attribution_window_days, default 7). Each order goes to at most one send
    (ties on sent_at: the higher send_id). Held-out control records count as sends
    here, so a control group's conversions are measured by the same rule as its
    treated groups'. The recipient is the customer of campaign_send_recipients. One row
    per attributed order_key. -#}

{%- set days = var('campaign_attribution_window_days') %}

with campaign_send_recipients as (
    select * from {{ ref('campaign_send_recipients') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

sends as (
    select *
    from campaign_send_recipients
    where customer_id is not null
),

purchases as (
    select
        order_key,
        customer_id,
        channel,
        net_amount,
        ordered_at
    from fct_orders
    where
        is_purchase
        and customer_id is not null
),

candidates as (
    select
        purchases.order_key,
        purchases.customer_id,
        purchases.channel,
        purchases.net_amount,
        purchases.ordered_at,
        sends.send_id,
        sends.campaign_id,
        sends.variant,
        sends.is_control,
        sends.sent_at,
        -- tie-break: send_id unique per order_key (keys of sends and of purchases)
        row_number() over (
            partition by purchases.order_key
            order by sends.sent_at desc, sends.send_id desc
        ) as send_rank
    from purchases
    inner join sends
        on
            purchases.customer_id = sends.customer_id
            and purchases.ordered_at > sends.sent_at
            and purchases.ordered_at <= {{ dbt.dateadd('day', days, 'sends.sent_at') }}
),

final as (
    select
        order_key,
        send_id,
        campaign_id,
        customer_id,
        variant,
        channel,
        net_amount,
        is_control,
        sent_at,
        ordered_at
    from candidates
    where send_rank = 1
)

select * from final
