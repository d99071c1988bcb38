-- A customer's lifecycle spans follow one another month end by month end (the next
-- span starts the month after one ends) up to the last month end on or before D; tier
-- spans never overlap (they may leave gaps: months without a tier) and end by then.
with lifecycle_spans as (
    select
        'customer_lifecycle_spans' as model_name,
        customer_id,
        valid_to,
        lead(valid_from) over (partition by customer_id order by valid_from asc) as next_valid_from
    from {{ ref('customer_lifecycle_spans') }}
),

tier_spans as (
    select
        'customer_tier_spans' as model_name,
        customer_id,
        valid_to,
        lead(valid_from) over (partition by customer_id order by valid_from asc) as next_valid_from
    from {{ ref('customer_tier_spans') }}
),

last_month as (
    select max(month_end) as last_month_end
    from {{ ref('int_month_ends') }}
)

select lifecycle_spans.*
from lifecycle_spans
cross join last_month
where
    (
        lifecycle_spans.next_valid_from is not null
        and lifecycle_spans.next_valid_from
        <> cast({{ dbt.last_day(dbt.dateadd('month', 1, 'lifecycle_spans.valid_to'), 'month') }} as date)
    )
    or (lifecycle_spans.next_valid_from is null and lifecycle_spans.valid_to <> last_month.last_month_end)
union all
select tier_spans.*
from tier_spans
cross join last_month
where
    tier_spans.next_valid_from <= tier_spans.valid_to
    or tier_spans.valid_to > last_month.last_month_end
