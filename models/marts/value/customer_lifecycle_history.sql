{#- Lifecycle stage at every month end, for the default window (var
    lifecycle_default_window), for every customer from the month they were first known
    to the last month end on or before D. Point in time: the stage at month end M sees
    only orders placed and refunds recorded on or before M (a sale counts from its order
    date until the day its refunds reach the amount paid). Set-based, no loop over months:
    running window aggregates over each customer's dense month-end grid. One row per
    customer_id and month_end. -#}

{%- set window = var('lifecycle_default_window') %}

with int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

customer_months as (
    select
        customers.customer_id,
        month_ends.month_end
    from int_customers_golden as customers
    inner join int_month_ends as month_ends
        on cast({{ dbt.last_day(utc_to_business_date('customers.first_seen_at'), 'month') }} as date) <= month_ends.month_end
),

purchase_months as (
    -- sales grouped by the month they were placed and the month they stopped counting
    select
        customer_id,
        cast({{ dbt.last_day('order_date', 'month') }} as date) as purchase_month_end,
        cast({{ dbt.last_day('purchase_ended_date', 'month') }} as date) as ended_month_end,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as sales
    from int_sales_valid_spans
    where
        purchase_ended_date is null
        or purchase_ended_date > order_date
    group by 1, 2, 3
),

customers_with_ended_sales as (
    -- the few customers with a sale fully refunded by D: their past month ends need
    -- the exact point-in-time join below
    select distinct customer_id
    from purchase_months
    where ended_month_end is not null
),

monthly_purchases as (
    select
        customer_id,
        purchase_month_end,
        min(first_order_date) as first_order_date,
        max(last_order_date) as last_order_date,
        sum(sales) as sales
    from purchase_months
    group by 1, 2
),

running as (
    -- every other customer: running aggregates over their dense month-end grid, linear
    -- in customer-months (the W months ending at M are the current row and W - 1 before)
    select
        customer_months.customer_id,
        customer_months.month_end,
        min(monthly_purchases.first_order_date) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between unbounded preceding and current row
        ) as first_purchase_date,
        max(monthly_purchases.last_order_date) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between unbounded preceding and current row
        ) as last_purchase_date,
        sum(coalesce(monthly_purchases.sales, 0)) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between {{ window - 1 }} preceding and current row
        ) as purchases_in_window
    from customer_months
    left join monthly_purchases
        on
            customer_months.customer_id = monthly_purchases.customer_id
            and customer_months.month_end = monthly_purchases.purchase_month_end
    left join customers_with_ended_sales
        on customer_months.customer_id = customers_with_ended_sales.customer_id
    where customers_with_ended_sales.customer_id is null
),

exact as (
    select
        customer_months.customer_id,
        customer_months.month_end,
        min(purchase_months.first_order_date) as first_purchase_date,
        max(purchase_months.last_order_date) as last_purchase_date,
        sum(
            case
                when purchase_months.purchase_month_end > {{ shift_months_back('customer_months.month_end', window) }}
                    then purchase_months.sales
                else 0
            end
        ) as purchases_in_window
    from customer_months
    inner join customers_with_ended_sales
        on customer_months.customer_id = customers_with_ended_sales.customer_id
    left join purchase_months
        on
            customer_months.customer_id = purchase_months.customer_id
            and customer_months.month_end >= purchase_months.purchase_month_end
            and (
                purchase_months.ended_month_end is null
                or customer_months.month_end < purchase_months.ended_month_end
            )
    group by 1, 2
),

as_of_month_end as (
    select * from running
    union all
    select * from exact
),

staged as (
    select
        as_of_month_end.customer_id,
        {{ lifecycle_stage(
            'as_of_month_end.first_purchase_date',
            'as_of_month_end.last_purchase_date',
            'coalesce(as_of_month_end.purchases_in_window, 0)',
            'as_of_month_end.month_end',
            window
        ) }} as lifecycle_stage,
        {{ window }} as window_months,
        coalesce(as_of_month_end.purchases_in_window, 0) as purchases_in_window,
        as_of_month_end.first_purchase_date,
        as_of_month_end.last_purchase_date,
        as_of_month_end.month_end
    from as_of_month_end
),

final as (
    select
        staged.customer_id,
        staged.lifecycle_stage,
        stage_labels.phase_code,
        staged.window_months,
        staged.purchases_in_window,
        stage_labels.activity_level,
        stage_labels.is_active,
        staged.first_purchase_date,
        staged.last_purchase_date,
        staged.month_end
    from staged
    inner join lifecycle_stages as stage_labels
        on staged.lifecycle_stage = stage_labels.lifecycle_stage
)

select * from final
