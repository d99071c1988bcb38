with

base_orders as (
    select * from {{ ref('base_mall__orders') }}
),

unnested as (
    select
        base_orders.order_id,
        item.line_no,
        {{ clean_text(json_get_text('item.element', 'sku')) }} as sku,
        {{ dbt.safe_cast(json_get_text('item.element', 'quantity'), dbt.type_int()) }} as quantity,
        {{ fen_to_yuan(json_get_text('item.element', 'price_fee')) }} as unit_price,
        base_orders._source_file,
        base_orders._source_line,
        base_orders._file_id,
        base_orders._loaded_at
    from base_orders
    {{ join_json_array_elements('base_orders.items_json', 'item', 'element', 'line_no') }}
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
    from unnested
)

select * from final
