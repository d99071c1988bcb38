{#- Every refund (mall) and return (POS) recorded on or before the as-of date D, as an
    amount taken off the sale it belongs to: what makes an order's net amount change
    over time. One row per refund_key. -#}

with stg_pos__orders as (
    select * from {{ ref('stg_pos__orders') }}
),

stg_mall__order_refunds as (
    select * from {{ ref('stg_mall__order_refunds') }}
),

pos_returns as (
    select
        'store:' || order_id as refund_key,
        'store:' || original_order_id as order_key,
        paid_amount as refund_amount,
        order_date as refund_date
    from stg_pos__orders
    where
        is_return
        and is_original_order_found
        and order_date <= {{ as_of_date() }}
),

mall_refunds as (
    select
        'mall:' || refund_id as refund_key,
        'mall:' || order_id as order_key,
        refund_amount,
        refunded_date as refund_date
    from stg_mall__order_refunds
    where refunded_date <= {{ as_of_date() }}
),

final as (
    select * from pos_returns
    union all
    select * from mall_refunds
)

select * from final
