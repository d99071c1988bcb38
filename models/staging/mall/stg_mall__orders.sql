with

base_orders as (
    select * from {{ ref('base_mall__orders') }}
),

final as (
    select
        order_id,
        openid,
        unionid,
        coupon_code,
        receiver_mobile,
        receiver_mobile_quality,
        order_status,
        receiver_province,
        receiver_city,
        total_amount,
        discount_amount,
        paid_amount,
        (paid_at is not null) as is_paid,
        {{ utc_to_business_date('created_at') }} as created_date,
        {{ utc_to_business_date('paid_at') }} as paid_date,
        created_at,
        paid_at,
        updated_at,
        {{ lineage_columns() }}
    from base_orders
)

select * from final
