{#- Every order of every channel placed on or before the as-of date D, with its net
    amount as of D (domain.md, Customer, order, purchase): amount paid minus the
    refunds and returns recorded on or before D. A purchase is a sale, paid and not
    cancelled, with a net amount above zero. A POS return is never a purchase: it is
    a row of its own (order_type 'return', net 0) and its amount reduces the sale it
    reverses. One row per order_key (channel and order id). -#}

{%- set as_of = as_of_date() %}

with stg_pos__orders as (
    select * from {{ ref('stg_pos__orders') }}
),

stg_mall__orders as (
    select * from {{ ref('stg_mall__orders') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

int_customer_records as (
    select * from {{ ref('int_customer_records') }}
),

sale_records as (
    -- the POS sales' records again, for the returns (an import of its own: a relation
    -- read by two joins would be materialized whole first)
    select * from {{ ref('int_customer_records') }}
    where record_source = 'pos_order'
),

refunds as (
    select
        order_key,
        sum(refund_amount) as refunded_amount
    from int_order_refund_events
    group by 1
),

pos_orders as (
    select
        orders.order_id,
        'store' as channel,
        orders.order_type,
        orders.store_id,
        orders.original_order_id,
        orders.payment_method,
        cast(null as {{ dbt.type_string() }}) as coupon_code,
        cast(null as {{ dbt.type_string() }}) as order_status,
        orders.total_amount as gross_amount,
        orders.discount_amount,
        orders.paid_amount,
        case when orders.is_return then 0 else coalesce(refunds.refunded_amount, 0) end as refunded_amount,
        not orders.is_return as is_sale,
        true as is_paid,
        orders.order_date,
        orders.ordered_at
    from stg_pos__orders as orders
    left join refunds
        on 'store:' || orders.order_id = refunds.order_key
    where orders.order_date <= {{ as_of }}
),

mall_orders as (
    select
        orders.order_id,
        'mall' as channel,
        'sale' as order_type,
        cast(null as {{ dbt.type_string() }}) as store_id,
        cast(null as {{ dbt.type_string() }}) as original_order_id,
        cast(null as {{ dbt.type_string() }}) as payment_method,
        orders.coupon_code,
        orders.order_status,
        orders.total_amount as gross_amount,
        orders.discount_amount,
        orders.paid_amount,
        coalesce(refunds.refunded_amount, 0) as refunded_amount,
        true as is_sale,
        coalesce(orders.is_paid and orders.order_status <> 'cancelled', false) as is_paid,
        coalesce(orders.paid_date, orders.created_date) as order_date,
        coalesce(orders.paid_at, orders.created_at) as ordered_at
    from stg_mall__orders as orders
    left join refunds
        on 'mall:' || orders.order_id = refunds.order_key
    where coalesce(orders.paid_date, orders.created_date) <= {{ as_of }}
),

unioned as (
    select * from pos_orders
    union all
    select * from mall_orders
),

netted as (
    select
        *,
        case when is_sale and is_paid then paid_amount - refunded_amount else 0 end as net_amount
    from unioned
),

with_customers as (
    select
        netted.*,
        coalesce(sale_customers.customer_id, own_customers.customer_id) as customer_id
    from netted
    left join int_customer_records as own_customers
        on
            own_customers.record_source = case netted.channel when 'store' then 'pos_order' else 'mall_order' end
            and netted.order_id = own_customers.record_id
    left join sale_records as sale_customers
        on
            netted.order_type = 'return'
            and netted.original_order_id = sale_customers.record_id
),

final as (
    select
        channel || ':' || order_id as order_key,
        order_id,
        customer_id,
        channel,
        order_type,
        order_status,
        store_id,
        original_order_id,
        payment_method,
        coupon_code,
        gross_amount,
        discount_amount,
        paid_amount,
        refunded_amount,
        net_amount,
        is_sale,
        is_paid,
        (is_sale and is_paid and net_amount > 0) as is_purchase,
        (customer_id is null) as is_anonymous,
        order_date,
        ordered_at
    from with_customers
)

select * from final
