-- kpi_stickiness counts customers by interval arithmetic over purchase-month segments
-- (and the direct computation only for customers with a sale refunded in full later).
-- This test recomputes every customer's state at every month end and window directly
-- (macro kpi_customer_month_states: purchases in the window as of M, first purchase as
-- of M, last purchase as of the window start; point in time through
-- int_sales_valid_spans), and the orders and net revenue of each window as of M (paid
-- minus the refunds recorded by M of the sales still purchases at M), and returns the
-- (month_end, window_months) rows whose figures differ from the model.
with

int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

kpi_stickiness as (
    select * from {{ ref('kpi_stickiness') }}
),

windows as (
    {{ integer_rows(var('lifecycle_windows'), 'window_months') }}
),

month_ends as (
    select
        month_end,
        {{ month_index('month_end') }} as month_index
    from int_month_ends
),

valid_sales as (
    select
        order_key,
        customer_id,
        paid_amount,
        order_date,
        purchase_ended_date,
        {{ month_index('order_date') }} as order_month,
        coalesce({{ month_index('purchase_ended_date') }} - 1, 999999) as last_valid_month
    from int_sales_valid_spans
),

customers as (
    select
        customer_id,
        min(order_month) as first_month
    from valid_sales
    group by 1
),

grid as (
    select
        customers.customer_id,
        month_ends.month_index,
        windows.window_months
    from customers
    inner join month_ends
        on customers.first_month <= month_ends.month_index
    cross join windows
),

states as (
    {{ kpi_customer_month_states('grid', 'valid_sales') }}
),

direct as (
    {{ kpi_stickiness_counts_from_states('states') }}
),

refunds_by_month_end as (
    select
        month_ends.month_index,
        refunds.order_key,
        sum(refunds.refund_amount) as refunded_amount
    from int_order_refund_events as refunds
    inner join month_ends
        on refunds.refund_date <= month_ends.month_end
    group by 1, 2
),

direct_money as (
    select
        month_ends.month_index,
        windows.window_months,
        count(*) as orders,
        sum(valid_sales.paid_amount - coalesce(refunds_by_month_end.refunded_amount, 0)) as net_revenue
    from month_ends
    cross join windows
    inner join valid_sales
        on
            month_ends.month_end >= valid_sales.order_date
            and {{ shift_months_back('month_ends.month_end', 'windows.window_months') }} < valid_sales.order_date
            and (valid_sales.purchase_ended_date is null or month_ends.month_end < valid_sales.purchase_ended_date)
    left join refunds_by_month_end
        on
            month_ends.month_index = refunds_by_month_end.month_index
            and valid_sales.order_key = refunds_by_month_end.order_key
    group by 1, 2
),

compared as (
    select
        kpi_stickiness.month_end,
        kpi_stickiness.window_months,
        kpi_stickiness.active_customers,
        coalesce(direct.active_customers, 0) as direct_active_customers,
        kpi_stickiness.repeat_customers,
        coalesce(direct.repeat_customers, 0) as direct_repeat_customers,
        kpi_stickiness.new_customers,
        coalesce(direct.new_customers, 0) as direct_new_customers,
        kpi_stickiness.sleeping_at_start,
        coalesce(direct.sleeping_at_start, 0) as direct_sleeping_at_start,
        kpi_stickiness.sleeping_buyers,
        coalesce(direct.sleeping_buyers, 0) as direct_sleeping_buyers,
        kpi_stickiness.lost_at_start,
        coalesce(direct.lost_at_start, 0) as direct_lost_at_start,
        kpi_stickiness.lost_buyers,
        coalesce(direct.lost_buyers, 0) as direct_lost_buyers,
        kpi_stickiness.orders,
        coalesce(direct_money.orders, 0) as direct_orders,
        kpi_stickiness.net_revenue,
        coalesce(direct_money.net_revenue, 0) as direct_net_revenue
    from kpi_stickiness
    inner join month_ends
        on kpi_stickiness.month_end = month_ends.month_end
    left join direct
        on
            month_ends.month_index = direct.month_index
            and kpi_stickiness.window_months = direct.window_months
    left join direct_money
        on
            month_ends.month_index = direct_money.month_index
            and kpi_stickiness.window_months = direct_money.window_months
)

select * from compared
where
    active_customers <> direct_active_customers
    or repeat_customers <> direct_repeat_customers
    or new_customers <> direct_new_customers
    or sleeping_at_start <> direct_sleeping_at_start
    or sleeping_buyers <> direct_sleeping_buyers
    or lost_at_start <> direct_lost_at_start
    or lost_buyers <> direct_lost_buyers
    or orders <> direct_orders
    or net_revenue <> direct_net_revenue
