with

base_orders as (
    select * from {{ ref('base_mall__orders') }}
),

unnested as (
    select
        base_orders.order_id,
        refund.refund_no,
        {{ clean_text(json_get_text('refund.element', 'refund_id')) }} as refund_id,
        {{ fen_to_yuan(json_get_text('refund.element', 'refund_fee')) }} as refund_amount,
        {{ iso8601_to_utc(json_get_text('refund.element', 'refunded_at')) }} as refunded_at,
        base_orders._source_file,
        base_orders._source_line,
        base_orders._file_id,
        base_orders._loaded_at
    from base_orders
    {{ join_json_array_elements('base_orders.refunds_json', 'refund', 'element', 'refund_no') }}
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
    from unnested
)

select * from final
