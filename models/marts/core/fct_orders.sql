with int_orders_netted as (
    select * from {{ ref('int_orders_netted') }}
),

final as (
    select
        order_key,
        order_id,
        customer_id,
        channel,
        order_type,
        order_status,
        store_id,
        original_order_id,
        payment_method,
        coupon_code,
        gross_amount,
        discount_amount,
        paid_amount,
        refunded_amount,
        net_amount,
        is_sale,
        is_paid,
        is_purchase,
        is_anonymous,
        (coalesce(discount_amount, 0) > 0 or coupon_code is not null) as is_discounted,
        order_date,
        ordered_at
    from int_orders_netted
)

select * from final
