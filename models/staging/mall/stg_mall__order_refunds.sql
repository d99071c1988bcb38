-- Value checks: macros/staging/checks/mall.sql (staging_spec_mall__order_refunds, one
-- check per refund of the order's refunds array); every failed check is listed in
-- audit.staging_rejections, as is an order whose refunds are not an array.
{%- set spec = staging_spec_mall__order_refunds() %}
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

unnested as (
    {{ staging_json_elements('base_orders', 'order_id', 'refunds_json', 'refund_json', 'refund_no') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from unnested
),

typed as (
    select
        order_id,
        refund_no,
        {{ clean_text(json_get_text('refund_json', 'refund_id')) }} as refund_id,
        {{ staging_value(spec, 'refund_amount') }} as refund_amount,
        {{ staging_value(spec, 'refunded_at') }} as refunded_at,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

final as (
    select
        coalesce(
            refund_id,
            {{ dbt.concat(['order_id', "'#'", dbt.safe_cast('refund_no', dbt.type_string())]) }}
        ) as refund_id,
        order_id,
        refund_amount,
        {{ utc_to_business_date('refunded_at') }} as refunded_date,
        refunded_at,
        {{ lineage_columns() }}
    from typed
    where {{ staging_is_kept(spec) }}
)

select * from final
