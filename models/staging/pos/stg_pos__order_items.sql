with

source as (
    select * from {{ source('pos', 'order_items') }}
),

typed as (
    select
        {{ clean_text('order_no') }} as order_id,
        {{ dbt.safe_cast(clean_text('line_no'), dbt.type_int()) }} as line_no,
        {{ clean_text('sku') }} as sku,
        {{ dbt.safe_cast(clean_text('quantity'), dbt.type_int()) }} as quantity,
        {{ parse_yuan('unit_price') }} as unit_price,
        {{ parse_yuan('line_amount') }} as line_amount,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('order_id, line_no') }} as version_rank
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
    where version_rank = 1
)

select * from final
