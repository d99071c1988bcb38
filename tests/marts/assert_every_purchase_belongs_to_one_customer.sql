{#- Every purchase in fct_orders belongs to exactly one customer (issue 7's
    cross-model invariant): the order appears once, its own record was resolved by
    identity stitching at most once (int_customer_records), fct_orders carries that
    record's customer, and the customer is one row of dim_customers. A purchase
    without a customer is allowed only when its record resolved to nobody (an
    anonymous walk-in: no usable identifier, so no resolved record, or only
    quarantined ones). Returns each purchase that breaks this. -#}

with fct_orders as (
    select * from {{ ref('fct_orders') }}
),

int_customer_records as (
    select * from {{ ref('int_customer_records') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

purchases as (
    select
        order_key,
        order_id,
        customer_id,
        case channel when 'store' then 'pos_order' else 'mall_order' end as record_source
    from fct_orders
    where is_purchase
),

order_rows as (
    select
        order_key,
        count(*) as order_rows
    from fct_orders
    group by 1
),

record_matches as (
    select
        purchases.order_key,
        count(int_customer_records.record_id) as records,
        count(distinct int_customer_records.customer_id) as record_customers,
        max(int_customer_records.customer_id) as record_customer_id
    from purchases
    left join int_customer_records
        on
            purchases.record_source = int_customer_records.record_source
            and purchases.order_id = int_customer_records.record_id
    group by 1
),

customer_rows as (
    select
        customer_id,
        count(*) as customer_rows
    from dim_customers
    group by 1
),

checked as (
    select
        purchases.order_key,
        purchases.customer_id,
        record_matches.record_customer_id,
        case
            when order_rows.order_rows != 1 then 'order appears more than once'
            when record_matches.records > 1 then 'order resolved more than once by identity stitching'
            when record_matches.record_customers > 1 then 'record resolved to two customers'
            when coalesce(purchases.customer_id, '') != coalesce(record_matches.record_customer_id, '')
                then 'customer differs from the stitched record'
            when purchases.customer_id is not null and coalesce(customer_rows.customer_rows, 0) != 1
                then 'customer not exactly one row of dim_customers'
        end as problem
    from purchases
    inner join order_rows
        on purchases.order_key = order_rows.order_key
    inner join record_matches
        on purchases.order_key = record_matches.order_key
    left join customer_rows
        on purchases.customer_id = customer_rows.customer_id
)

select *
from checked
where problem is not null
