-- For the default window (var lifecycle_default_window), the customers kpi_stickiness
-- counts as sleeping or lost at a window start are exactly those
-- customer_lifecycle_history (the value marts' point-in-time stage per month end) puts
-- in those stages at that month end. Returns the month ends where the counts differ
-- (window starts before the history's first month end are skipped).
{%- set window = var('lifecycle_default_window') %}

with

kpi_stickiness as (
    select * from {{ ref('kpi_stickiness') }}
),

customer_lifecycle_history as (
    select * from {{ ref('customer_lifecycle_history') }}
),

history_counts as (
    select
        month_end,
        sum(case when lifecycle_stage = 'sleeping' then 1 else 0 end) as sleeping_customers,
        sum(case when lifecycle_stage = 'lost' then 1 else 0 end) as lost_customers
    from customer_lifecycle_history
    group by 1
),

compared as (
    select
        kpi_stickiness.month_end,
        kpi_stickiness.window_start_date,
        kpi_stickiness.sleeping_at_start,
        history_counts.sleeping_customers,
        kpi_stickiness.lost_at_start,
        history_counts.lost_customers
    from kpi_stickiness
    inner join history_counts
        on kpi_stickiness.window_start_date = history_counts.month_end
    where kpi_stickiness.window_months = {{ window }}
)

select * from compared
where
    sleeping_at_start <> sleeping_customers
    or lost_at_start <> lost_customers
