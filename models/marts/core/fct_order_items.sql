{#- Order lines of both channels. A line whose order header has not arrived (the
    contract allows it) is kept, with has_order_header false and no customer or date:
    nothing is dropped. -#}

with stg_pos__order_items as (
    select * from {{ ref('stg_pos__order_items') }}
),

stg_mall__order_items as (
    select * from {{ ref('stg_mall__order_items') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

stg_catalog__products as (
    select * from {{ ref('stg_catalog__products') }}
),

items as (
    select
        'store' as channel,
        order_item_id,
        order_id,
        sku,
        cast(line_no as {{ dbt.type_int() }}) as line_no,
        quantity,
        unit_price,
        line_amount
    from stg_pos__order_items
    union all
    select
        'mall' as channel,
        order_item_id,
        order_id,
        sku,
        cast(line_no as {{ dbt.type_int() }}) as line_no,
        quantity,
        unit_price,
        line_amount
    from stg_mall__order_items
),

final as (
    select
        items.channel || ':' || items.order_item_id as order_item_key,
        items.channel || ':' || items.order_id as order_key,
        items.order_item_id,
        items.order_id,
        orders.customer_id,
        items.channel,
        items.sku,
        products.category_l1,
        products.category_l2,
        products.brand,
        products.product_size,
        items.line_no,
        items.quantity,
        items.unit_price,
        items.line_amount,
        (orders.order_key is not null) as has_order_header,
        coalesce(orders.is_purchase, false) as is_purchase,
        orders.order_type,
        orders.order_date
    from items
    left join fct_orders as orders
        on items.channel || ':' || items.order_id = orders.order_key
    left join stg_catalog__products as products
        on items.sku = products.sku
)

select * from final
