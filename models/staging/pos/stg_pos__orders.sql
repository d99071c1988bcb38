-- Value checks: macros/staging/checks/pos.sql (staging_spec_pos__orders); every
-- failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_pos__orders() %}
{{ config(
    materialized=staging_incremental_materialized(),
    unique_key=spec.key_columns,
    incremental_strategy="delete+insert",
    on_schema_change="fail",
    pre_hook="{{ staging_incremental_prepare(staging_spec_pos__orders(), 'order_date', stg_pos__orders_dependent_keys()) }}",
    post_hook="{{ staging_incremental_finish(staging_spec_pos__orders(), 'order_date') }}",
) }}

with

source as (
    select * from {{ source('pos', 'orders') }}
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
        {{ clean_text('order_no') }} as order_id,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('member_card_no') }} as member_card_no,
        {{ clean_text('original_order_no') }} as original_order_id,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ staging_value(spec, 'order_type') }} as order_type,
        {{ clean_code('payment_method') }} as payment_method,
        {{ staging_value(spec, 'total_amount') }} as total_amount,
        {{ staging_value(spec, 'discount_amount') }} as discount_amount,
        {{ staging_value(spec, 'paid_amount') }} as paid_amount,
        {{ staging_value(spec, 'ordered_at') }} as ordered_at,
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

latest as (
    select * from ranked
    where {{ staging_is_kept(spec) }}
),

sales as (
    select order_id from latest
    where order_type = 'sale'
    {%- if is_incremental() %}
    union all
    -- the sales staged before and not re-staged now (their rows are still there)
    select order_id from {{ this }}
    where order_type = 'sale'
    {%- endif %}
),

final as (
    select
        latest.order_id,
        latest.store_id,
        latest.member_card_no,
        latest.original_order_id,
        latest.mobile,
        latest.mobile_quality,
        latest.order_type,
        latest.payment_method,
        latest.total_amount,
        latest.discount_amount,
        latest.paid_amount,
        coalesce(latest.order_type = 'return', false) as is_return,
        (sales.order_id is not null) as is_original_order_found,
        {{ utc_to_business_date('latest.ordered_at') }} as order_date,
        latest.ordered_at,
        latest._source_file,
        latest._source_line,
        latest._file_id,
        latest._loaded_at
    from latest
    left join sales
        on
            latest.order_type = 'return'
            and latest.original_order_id = sales.order_id
)

select * from final
