-- Value checks: macros/staging/checks/pos.sql (staging_spec_pos__order_items); every
-- failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_pos__order_items() %}
{{ config(
    materialized=staging_incremental_materialized(),
    unique_key=spec.key_columns,
    incremental_strategy="delete+insert",
    on_schema_change="fail",
    pre_hook="{{ staging_incremental_prepare(staging_spec_pos__order_items(), none) }}",
    post_hook="{{ staging_incremental_finish(staging_spec_pos__order_items(), none) }}",
) }}

with

source as (
    select * from {{ source('pos', 'order_items') }}
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
        {{ staging_value(spec, 'line_no') }} as line_no,
        {{ staging_value(spec, 'sku') }} as sku,
        {{ staging_value(spec, 'quantity') }} as quantity,
        {{ staging_value(spec, 'unit_price') }} as unit_price,
        {{ staging_value(spec, 'line_amount') }} as line_amount,
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
        {{ dbt.hash(dbt.concat(["'pos|'", 'order_id', "'|'", dbt.safe_cast('line_no', dbt.type_string())])) }} as order_item_id,
        order_id,
        sku,
        line_no,
        quantity,
        unit_price,
        line_amount,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
