-- The latest export of each mall order, typed, with its nested items and refunds still
-- as JSON text. stg_mall__orders, stg_mall__order_items and stg_mall__order_refunds
-- read it, so the three agree on which version of an order stands.
with

source as (
    select * from {{ source('mall', 'orders') }}
),

typed as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ normalize_identifier('openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('coupon_code') }} as coupon_code,
        {{ normalize_mobile('mobile') }} as receiver_mobile,
        {{ mobile_quality('mobile') }} as receiver_mobile_quality,
        {{ clean_code('status') }} as order_status,
        {{ clean_text('receiver_province') }} as receiver_province,
        {{ clean_text('receiver_city') }} as receiver_city,
        items as items_json,
        refunds as refunds_json,
        {{ fen_to_yuan('total_fee') }} as total_amount,
        {{ fen_to_yuan('discount_fee') }} as discount_amount,
        {{ fen_to_yuan('payment_fee') }} as paid_amount,
        {{ iso8601_to_utc('created_at') }} as created_at,
        {{ iso8601_to_utc('paid_at') }} as paid_at,
        {{ iso8601_to_utc('updated_at') }} as updated_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('order_id', 'updated_at') }} as version_rank
    from typed
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
        items_json,
        refunds_json,
        total_amount,
        discount_amount,
        paid_amount,
        created_at,
        paid_at,
        updated_at,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
