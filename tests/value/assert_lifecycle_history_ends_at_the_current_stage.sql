-- When D is a month end, the history's last month equals customer_lifecycle for the
-- default window, customer by customer (one definition, two computations).
select
    current_stage.customer_id,
    current_stage.lifecycle_stage,
    history.lifecycle_stage as history_stage
from {{ ref('customer_lifecycle') }} as current_stage
left join {{ ref('customer_lifecycle_history') }} as history
    on
        current_stage.customer_id = history.customer_id
        and current_stage.as_of_date = history.month_end
where
    current_stage.window_months = {{ var('lifecycle_default_window') }}
    and current_stage.as_of_date = cast({{ dbt.last_day(as_of_date(), 'month') }} as date)
    and (history.lifecycle_stage is null or history.lifecycle_stage <> current_stage.lifecycle_stage)
