{#- Lifecycle stage at every month end, for the default window (var
    lifecycle_default_window), for every customer from the month they were first known
    to the last month end on or before D, stored as spans: one row per customer and run
    of consecutive month ends with the same stage, purchases in the window and first
    and last purchase dates (valid_from to valid_to). customer_lifecycle_history is its
    month-end view. Point in time: the stage at month end M sees only orders placed and
    refunds recorded on or before M (a sale counts from its order date until the day its
    refunds reach the amount paid). Set-based, no loop over months and no dense month
    grid: the inputs of the stage change only in the month a sale is placed, the month
    it leaves the window (W months later) or is fully refunded, and 2W and 4W months
    after it (silent, sleeping, lost), so the stage is computed at those months (and the
    month the customer was first known) from running sums of the changes, and holds
    until the next. One row per customer_id and valid_from. -#}

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
    -- (a sale fully refunded in the month it was placed never counts at a month end)
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

purchase_events as (
    select
        customer_id,
        purchase_month_end,
        ended_month_end,
        first_order_date,
        last_order_date,
        sales,
        {{ shift_month_end('purchase_month_end', window) }} as window_exit_month_end
    from purchase_months
),

window_multiples as (
    -- 2W and 4W: the silent / sleeping and sleeping / lost boundaries
    {{ integer_rows([2, 4], 'multiple') }}
),

known_customers as (
    select
        customer_id,
        cast({{ dbt.last_day(utc_to_business_date('first_seen_at'), 'month') }} as date) as first_known_month_end
    from int_customers_golden
),

last_month as (
    select max(month_end) as last_month_end
    from int_month_ends
),

events as (
    -- a sale enters the window in its month; sales never fully refunded give the
    -- running first and last purchase dates (the others are joined below)
    select
        customer_id,
        purchase_month_end as month_end,
        sales as window_change,
        case when ended_month_end is null then first_order_date end as first_order_date,
        case when ended_month_end is null then last_order_date end as last_order_date
    from purchase_events
    union all
    -- it leaves the window W months later, or when fully refunded if that is earlier
    select
        customer_id,
        case
            when ended_month_end < window_exit_month_end then ended_month_end
            else window_exit_month_end
        end as month_end,
        -sales as window_change,
        cast(null as date) as first_order_date,
        cast(null as date) as last_order_date
    from purchase_events
    union all
    -- fully refunded after leaving the window: first and last purchase dates change
    select
        customer_id,
        ended_month_end as month_end,
        0 as window_change,
        cast(null as date) as first_order_date,
        cast(null as date) as last_order_date
    from purchase_events
    where ended_month_end > window_exit_month_end
    union all
    -- 2W and 4W months after it (while it counts): silent, sleeping, lost
    select
        purchase_events.customer_id,
        {{ shift_month_end('purchase_events.purchase_month_end', 'multiples.multiple * ' ~ window) }} as month_end,
        0 as window_change,
        cast(null as date) as first_order_date,
        cast(null as date) as last_order_date
    from purchase_events
    cross join window_multiples as multiples
    where
        purchase_events.ended_month_end is null
        or purchase_events.ended_month_end
        > {{ shift_month_end('purchase_events.purchase_month_end', 'multiples.multiple * ' ~ window) }}
    union all
    -- the history starts in the month the customer was first known
    select
        customer_id,
        first_known_month_end as month_end,
        0 as window_change,
        cast(null as date) as first_order_date,
        cast(null as date) as last_order_date
    from known_customers
),

monthly_changes as (
    select
        events.customer_id,
        events.month_end,
        sum(events.window_change) as window_change,
        min(events.first_order_date) as first_order_date,
        max(events.last_order_date) as last_order_date
    from events
    cross join last_month
    where events.month_end <= last_month.last_month_end
    group by 1, 2
),

kept_firsts as (
    -- the first sale never fully refunded: the first purchase date of the sales that
    -- still count, from its month on
    select
        customer_id,
        min(purchase_month_end) as first_kept_month_end,
        min(first_order_date) as first_kept_date
    from purchase_events
    where ended_month_end is null
    group by 1
),

running as (
    -- as of each month with a change (one window pass): purchases in the window and
    -- the last purchase date of the sales never fully refunded, at this month and at
    -- the customer's month of change before it
    select
        customer_id,
        month_end,
        window_change,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        lag(month_end) over (
            partition by customer_id
            order by month_end asc
        ) as previous_month_end,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        sum(window_change) over (
            partition by customer_id
            order by month_end asc
            rows between unbounded preceding and current row
        ) as purchases_in_window,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        max(last_order_date) over (
            partition by customer_id
            order by month_end asc
            rows between unbounded preceding and current row
        ) as kept_last_date,
        -- tie-break: month_end unique per customer_id (grouped by both above)
        max(last_order_date) over (
            partition by customer_id
            order by month_end asc
            rows between unbounded preceding and 1 preceding
        ) as previous_kept_last_date
    from monthly_changes
),

refunded_sales as (
    select * from purchase_events
    where ended_month_end is not null
),

refunded_sales_counting as (
    -- sales later fully refunded, at the months they still count in (p <= M < end)
    select
        running.customer_id,
        running.month_end,
        min(refunded_sales.first_order_date) as first_order_date,
        max(refunded_sales.last_order_date) as last_order_date
    from running
    inner join refunded_sales
        on
            running.customer_id = refunded_sales.customer_id
            and running.month_end >= refunded_sales.purchase_month_end
            and running.month_end < refunded_sales.ended_month_end
    group by 1, 2
),

as_of_month_end as (
    -- the inputs of the stage at this month and at the month of change before it
    -- (null at the customer's first month: the history starts there)
    select
        running.customer_id,
        running.month_end,
        running.purchases_in_window,
        {{ smaller_present(
            'refunded.first_order_date',
            'case when running.month_end >= kept.first_kept_month_end then kept.first_kept_date end'
        ) }} as first_purchase_date,
        {{ larger_present('refunded.last_order_date', 'running.kept_last_date') }} as last_purchase_date,
        running.month_end = known.first_known_month_end as is_first_month,
        running.previous_month_end,
        running.purchases_in_window - running.window_change as previous_purchases_in_window,
        {{ smaller_present(
            'previous_refunded.first_order_date',
            'case when running.previous_month_end >= kept.first_kept_month_end then kept.first_kept_date end'
        ) }} as previous_first_purchase_date,
        {{ larger_present('previous_refunded.last_order_date', 'running.previous_kept_last_date') }} as previous_last_purchase_date
    from running
    inner join known_customers as known
        on running.customer_id = known.customer_id
    left join kept_firsts as kept
        on running.customer_id = kept.customer_id
    left join refunded_sales_counting as refunded
        on
            running.customer_id = refunded.customer_id
            and running.month_end = refunded.month_end
    left join refunded_sales_counting as previous_refunded
        on
            running.customer_id = previous_refunded.customer_id
            and running.previous_month_end = previous_refunded.month_end
    where running.month_end >= known.first_known_month_end
),

month_bounds as (
    -- D-W, D-2W and D-4W of every month end of the history, computed once per month
    select
        month_end,
        {{ shift_months_back('month_end', window) }} as minus_w,
        {{ shift_months_back('month_end', 2 * window) }} as minus_2w,
        {{ shift_months_back('month_end', 4 * window) }} as minus_4w
    from int_month_ends
),

staged as (
    select
        months.customer_id,
        {{ lifecycle_stage_from_bounds(
            'months.first_purchase_date',
            'months.last_purchase_date',
            'months.purchases_in_window',
            'bounds.minus_w',
            'bounds.minus_2w',
            'bounds.minus_4w'
        ) }} as lifecycle_stage,
        months.purchases_in_window,
        months.first_purchase_date,
        months.last_purchase_date,
        months.month_end,
        months.is_first_month,
        case
            when not months.is_first_month
                then {{ lifecycle_stage_from_bounds(
                    'months.previous_first_purchase_date',
                    'months.previous_last_purchase_date',
                    'months.previous_purchases_in_window',
                    'previous_bounds.minus_w',
                    'previous_bounds.minus_2w',
                    'previous_bounds.minus_4w'
                ) }}
        end as previous_lifecycle_stage,
        months.previous_purchases_in_window,
        months.previous_first_purchase_date,
        months.previous_last_purchase_date
    from as_of_month_end as months
    inner join month_bounds as bounds
        on months.month_end = bounds.month_end
    left join month_bounds as previous_bounds
        on months.previous_month_end = previous_bounds.month_end
),

span_starts as (
    -- a month whose stage, purchases in the window and first and last purchase
    -- dates are those of the month of change before it continues that span
    select
        staged.customer_id,
        staged.lifecycle_stage,
        staged.purchases_in_window,
        staged.first_purchase_date,
        staged.last_purchase_date,
        staged.month_end as valid_from,
        last_month.last_month_end
    from staged
    cross join last_month
    where
        staged.is_first_month
        or not {{ null_safe_equal('staged.lifecycle_stage', 'staged.previous_lifecycle_stage') }}
        or staged.purchases_in_window != staged.previous_purchases_in_window
        or not {{ null_safe_equal('staged.first_purchase_date', 'staged.previous_first_purchase_date') }}
        or not {{ null_safe_equal('staged.last_purchase_date', 'staged.previous_last_purchase_date') }}
),

spans as (
    {{ spans_from_starts(
        'span_starts',
        'customer_id',
        ['lifecycle_stage', 'purchases_in_window', 'first_purchase_date', 'last_purchase_date']
    ) }}
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
