{#- Lifecycle stage at every month end, for the default window (var
    lifecycle_default_window), for every customer from the month they were first known
    to the last month end on or before D, stored as spans: one row per customer and run
    of consecutive month ends with the same stage, purchases in the window and first
    and last purchase dates (valid_from to valid_to). customer_lifecycle_history is its
    month-end view. Point in time: the stage at month end M sees only orders placed and
    refunds recorded on or before M (a sale counts from its order date until the day its
    refunds reach the amount paid). Set-based, no loop over months: running window
    aggregates over each customer's dense month-end grid from their first purchase; the
    months before it (prospect) are one span without a window. One row per customer_id
    and valid_from. -#}

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

first_purchase_months as (
    select
        customer_id,
        min(purchase_month_end) as first_purchase_month_end
    from monthly_purchases
    group by 1
),

known_customers as (
    select
        customer_id,
        cast({{ dbt.last_day(utc_to_business_date('first_seen_at'), 'month') }} as date) as first_known_month_end
    from int_customers_golden
),

customers as (
    -- the first month of each customer's dense grid: their first purchase month
    -- (purchases before the first known month are not in the history, as the grid
    -- starts there); customers with a fully refunded sale start at the first known
    -- month (exact join below)
    select
        known.customer_id,
        known.first_known_month_end,
        ended.customer_id is not null as has_ended_sales,
        firsts.first_purchase_month_end is not null as has_purchases,
        case
            when
                ended.customer_id is null
                and firsts.first_purchase_month_end > known.first_known_month_end
                then firsts.first_purchase_month_end
            else known.first_known_month_end
        end as grid_start_month_end
    from known_customers as known
    left join first_purchase_months as firsts
        on known.customer_id = firsts.customer_id
    left join customers_with_ended_sales as ended
        on known.customer_id = ended.customer_id
),

last_month as (
    select max(month_end) as last_month_end
    from int_month_ends
),

prospect_spans as (
    -- the months before the dense grid (or every month, without a purchase): prospect
    select
        customers.customer_id,
        'prospect' as lifecycle_stage,
        0 as purchases_in_window,
        cast(null as date) as first_purchase_date,
        cast(null as date) as last_purchase_date,
        customers.first_known_month_end as valid_from,
        case
            when customers.has_purchases
                then cast({{ dbt.last_day(dbt.dateadd('month', -1, 'customers.grid_start_month_end'), 'month') }} as date)
            else last_month.last_month_end
        end as valid_to
    from customers
    cross join last_month
    where
        not customers.has_ended_sales
        and (
            not customers.has_purchases
            or customers.grid_start_month_end > customers.first_known_month_end
        )
        and customers.first_known_month_end <= last_month.last_month_end
),

customer_months as (
    select
        customers.customer_id,
        customers.has_ended_sales,
        month_ends.month_end
    from customers
    inner join int_month_ends as month_ends
        on customers.grid_start_month_end <= month_ends.month_end
    where customers.has_purchases or customers.has_ended_sales
),

running as (
    -- every other customer: running aggregates over their dense month-end grid, linear
    -- in customer-months (the W months ending at M are the current row and W - 1 before)
    select
        customer_months.customer_id,
        customer_months.month_end,
        -- tie-break: month_end unique per customer_id (the dense month-end grid)
        min(monthly_purchases.first_order_date) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between unbounded preceding and current row
        ) as first_purchase_date,
        -- tie-break: month_end unique per customer_id (the dense month-end grid)
        max(monthly_purchases.last_order_date) over (
            partition by customer_months.customer_id
            order by customer_months.month_end asc
            rows between unbounded preceding and current row
        ) as last_purchase_date,
        -- tie-break: month_end unique per customer_id (the dense month-end grid)
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
    where not customer_months.has_ended_sales
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
    left join purchase_months
        on
            customer_months.customer_id = purchase_months.customer_id
            and customer_months.month_end >= purchase_months.purchase_month_end
            and (
                purchase_months.ended_month_end is null
                or customer_months.month_end < purchase_months.ended_month_end
            )
    where customer_months.has_ended_sales
    group by 1, 2
),

as_of_month_end as (
    select * from running
    union all
    select * from exact
),

staged as (
    select
        customer_id,
        {{ lifecycle_stage(
            'first_purchase_date',
            'last_purchase_date',
            'coalesce(purchases_in_window, 0)',
            'month_end',
            window
        ) }} as lifecycle_stage,
        coalesce(purchases_in_window, 0) as purchases_in_window,
        first_purchase_date,
        last_purchase_date,
        month_end
    from as_of_month_end
),

dense_spans as (
    {{ month_end_spans(
        'staged',
        'customer_id',
        ['lifecycle_stage', 'purchases_in_window', 'first_purchase_date', 'last_purchase_date']
    ) }}
),

spans as (
    select * from dense_spans
    union all
    select * from prospect_spans
),

final as (
    select
        spans.customer_id,
        spans.lifecycle_stage,
        stage_labels.phase_code,
        {{ window }} as window_months,
        spans.purchases_in_window,
        stage_labels.activity_level,
        stage_labels.is_active,
        spans.first_purchase_date,
        spans.last_purchase_date,
        spans.valid_from,
        spans.valid_to
    from spans
    inner join lifecycle_stages as stage_labels
        on spans.lifecycle_stage = stage_labels.lifecycle_stage
)

select * from final
