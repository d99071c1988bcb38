-- Value checks: macros/staging/checks/mall.sql (staging_spec_mall__order_items, one
-- check per item of the order's items array); every failed check is listed in
-- audit.staging_rejections, as is an order whose items are not an array.
{%- set spec = staging_spec_mall__order_items() %}
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
    {{ staging_json_elements('base_orders', 'order_id', 'items_json', 'item_json', 'line_no') }}
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
        line_no,
        {{ staging_value(spec, 'sku') }} as sku,
        {{ staging_value(spec, 'quantity') }} as quantity,
        {{ staging_value(spec, 'unit_price') }} as unit_price,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

final as (
    select
        {{ dbt.hash(dbt.concat(["'mall|'", 'order_id', "'|'", dbt.safe_cast('line_no', dbt.type_string())])) }} as order_item_id,
        order_id,
        sku,
        line_no,
        quantity,
        unit_price,
        cast(quantity * unit_price as decimal(18, 2)) as line_amount,
        {{ lineage_columns() }}
    from typed
    where {{ staging_is_kept(spec) }}
)

select * from final
