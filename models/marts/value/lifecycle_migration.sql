{#- Customers who moved from one lifecycle stage to another between consecutive month
    ends (default window): forward migration (正向迁移) toward the active stages,
    backward (反向迁移) away from them, or within_active (e.g. new_one_time to
    old_repeat). Read from the spans: a stage changes only where a span starts, and
    consecutive spans of a customer are consecutive month ends. One row per customer_id
    and month_end where the stage changed. -#}

with customer_lifecycle_spans as (
    select * from {{ ref('customer_lifecycle_spans') }}
),

with_previous as (
    select
        customer_id,
        lifecycle_stage,
        activity_level,
        valid_from,
        lag(lifecycle_stage) over (partition by customer_id order by valid_from asc) as previous_stage,
        lag(activity_level) over (partition by customer_id order by valid_from asc) as previous_activity_level,
        lag(valid_to) over (partition by customer_id order by valid_from asc) as previous_month_end
    from customer_lifecycle_spans
),

final as (
    select
        customer_id,
        previous_stage as from_stage,
        lifecycle_stage as to_stage,
        case
            when activity_level > previous_activity_level then 'forward'
            when activity_level < previous_activity_level then 'backward'
            else 'within_active'
        end as migration_direction,
        previous_month_end,
        valid_from as month_end
    from with_previous
    where
        previous_stage is not null
        and previous_stage <> lifecycle_stage
)

select * from final
