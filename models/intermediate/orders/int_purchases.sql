{#- Purchases as of the as-of date D (domain.md): sales placed on or before D, paid,
    not cancelled, with a net amount above zero after the refunds and returns recorded
    on or before D, of a stitched customer. One row per order_key. A view: a filter of
    int_orders_netted its readers apply as they scan it. -#}

{{ config(materialized='view') }}

with int_orders_netted as (
    select * from {{ ref('int_orders_netted') }}
),

final as (
    select
        order_key,
        customer_id,
        channel,
        net_amount,
        order_date
    from int_orders_netted
    where
        is_purchase
        and customer_id is not null
)

select * from final
