{#- Every paid, not cancelled sale of a stitched customer placed on or before D, with
    the date it stopped being a purchase: the day its refunds and returns reached the
    amount paid (null while they have not, as of D). A sale is a purchase as of a date
    M exactly when order_date <= M < purchase_ended_date. Also each sale's monthly net
    changes for spend as of a month end. One row per order_key. -#}

with int_orders_netted as (
    select * from {{ ref('int_orders_netted') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

sales as (
    select
        order_key,
        customer_id,
        paid_amount,
        order_date
    from int_orders_netted
    where
        is_sale
        and is_paid
        and customer_id is not null
),

refund_days as (
    select
        order_key,
        refund_date,
        sum(refund_amount) as refund_amount
    from int_order_refund_events
    group by 1, 2
),

cumulated as (
    select
        refund_days.order_key,
        refund_days.refund_date,
        -- tie-break: refund_date unique per order_key (refund_days groups by both)
        sum(refund_days.refund_amount) over (
            partition by refund_days.order_key
            order by refund_days.refund_date asc
            rows between unbounded preceding and current row
        ) as refunded_to_date
    from refund_days
),

purchase_ends as (
    select
        cumulated.order_key,
        min(cumulated.refund_date) as purchase_ended_date
    from cumulated
    inner join sales
        on cumulated.order_key = sales.order_key
    where cumulated.refunded_to_date >= sales.paid_amount
    group by 1
),

final as (
    select
        sales.order_key,
        sales.customer_id,
        sales.paid_amount,
        sales.order_date,
        case
            when sales.paid_amount <= 0 then sales.order_date
            when purchase_ends.purchase_ended_date < sales.order_date then sales.order_date
            else purchase_ends.purchase_ended_date
        end as purchase_ended_date
    from sales
    left join purchase_ends
        on sales.order_key = purchase_ends.order_key
)

select * from final
