{#- Lifecycle stage at every month end (default window), for every customer from the
    month they were first known to the last month end on or before D: the month-end
    grain of customer_lifecycle_spans, expanded on the month-end spine (a view: the
    spans are what is stored). One row per customer_id and month_end. -#}
{{ config(materialized="view") }}

with customer_lifecycle_spans as (
    select * from {{ ref('customer_lifecycle_spans') }}
),

int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

final as (
    select
        spans.customer_id,
        spans.lifecycle_stage,
        spans.phase_code,
        spans.window_months,
        spans.purchases_in_window,
        spans.activity_level,
        spans.is_active,
        spans.first_purchase_date,
        spans.last_purchase_date,
        month_ends.month_end
    from customer_lifecycle_spans as spans
    inner join int_month_ends as month_ends
        on
            spans.valid_from <= month_ends.month_end
            and spans.valid_to >= month_ends.month_end
)

select * from final
