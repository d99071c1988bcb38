-- The latest export of each mall order, typed, with its nested items and refunds still
-- as JSON text. stg_mall__orders, stg_mall__order_items and stg_mall__order_refunds
-- read it, so the three agree on which version of an order stands.
-- Value checks: macros/staging/checks/mall.sql (staging_spec_mall__orders); every
-- failed check is listed in audit.staging_rejections. When the newest version of an
-- order is rejected, the order is left out (no older version stands in for it).
-- Incremental (macros/staging/incremental.sql): a refresh re-stages the orders with a
-- raw row in a file loaded since the last build, every version of them.
{%- set spec = staging_spec_mall__orders() %}
{{ staging_incremental_config('staging_spec_mall__orders') }}

with

source as (
    select * from {{ source('mall', 'orders') }}
    {{- staging_incremental_filter(spec) }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ staging_value(spec, 'openid') }} as openid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('coupon_code') }} as coupon_code,
        {{ normalize_mobile('mobile') }} as receiver_mobile,
        {{ mobile_quality('mobile') }} as receiver_mobile_quality,
        {{ staging_value(spec, 'order_status') }} as order_status,
        {{ clean_text('receiver_province') }} as receiver_province,
        {{ clean_text('receiver_city') }} as receiver_city,
        {{ staging_value(spec, 'items_json') }} as items_json,
        {{ staging_value(spec, 'refunds_json') }} as refunds_json,
        {{ staging_value(spec, 'total_amount') }} as total_amount,
        {{ staging_value(spec, 'discount_amount') }} as discount_amount,
        {{ staging_value(spec, 'paid_amount') }} as paid_amount,
        {{ staging_value(spec, 'created_at') }} as created_at,
        {{ staging_value(spec, 'paid_at') }} as paid_at,
        {{ staging_value(spec, 'updated_at') }} as updated_at,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

ranked as (
    select
        *,
        {{ staging_version_rank(spec) }} as _version_rank
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
    where {{ staging_is_kept(spec) }}
)

select * from final
