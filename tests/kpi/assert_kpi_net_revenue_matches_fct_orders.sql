{#- Net revenue agrees between fct_orders and kpi_stickiness (issue 7's cross-model
    invariant), at the latest month end M of the KPI mart, for every window W: the
    KPI's net_revenue equals, computed here directly from fct_orders, the sum over the
    paid sales of a stitched customer ordered in the W months ending at M of the amount
    paid minus the refunds recorded by M (int_order_refund_events), counting only
    sales that are still purchases at M (that difference above zero; domain.md).
    Returns the windows where the two differ by more than a fen. -#}

with kpi_stickiness as (
    select * from {{ ref('kpi_stickiness') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

latest as (
    select max(month_end) as month_end
    from kpi_stickiness
),

refunded_by_latest as (
    select
        refunds.order_key,
        sum(refunds.refund_amount) as refunded_amount
    from int_order_refund_events as refunds
    cross join latest
    where refunds.refund_date <= latest.month_end
    group by 1
),

sales_at_latest as (
    select
        fct_orders.order_date,
        fct_orders.paid_amount - coalesce(refunded_by_latest.refunded_amount, 0) as net_at_latest
    from fct_orders
    cross join latest
    left join refunded_by_latest
        on fct_orders.order_key = refunded_by_latest.order_key
    where
        fct_orders.is_sale
        and fct_orders.is_paid
        and fct_orders.customer_id is not null
        and fct_orders.order_date <= latest.month_end
),

direct as (
    {%- for window_months in var('lifecycle_windows') %}
        select
            {{ window_months }} as window_months,
            coalesce(sum(case when sales.net_at_latest > 0 then sales.net_at_latest else 0 end), 0) as net_revenue
        from sales_at_latest as sales
        cross join latest
        where sales.order_date > {{ shift_months_back('latest.month_end', window_months) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

compared as (
    select
        direct.window_months,
        direct.net_revenue as fct_orders_net_revenue,
        kpi_stickiness.net_revenue as kpi_net_revenue
    from direct
    cross join latest
    left join kpi_stickiness
        on
            latest.month_end = kpi_stickiness.month_end
            and direct.window_months = kpi_stickiness.window_months
)

select *
from compared
where
    kpi_net_revenue is null
    or abs(fct_orders_net_revenue - kpi_net_revenue) > 0.01
