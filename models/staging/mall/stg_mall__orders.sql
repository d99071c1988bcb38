-- Incremental like base_mall__orders (macros/staging/incremental.sql): a refresh
-- replaces the rows of the orders with a raw row in a file loaded since this model's
-- last build, read from base_mall__orders (built first).
{%- set order_keys = staging_spec_mall__orders() %}
{{ staging_incremental_config('staging_spec_mall__orders') }}

with

base_orders as (
    select * from {{ ref('base_mall__orders') }}
    {{- staging_incremental_filter(order_keys, order_keys.key_columns) }}
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
