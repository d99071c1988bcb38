{#- Every month end from the month the first customer was seen to the last month end
    on or before the as-of date D: the spine of every monthly history. One row per
    month_end. -#}

with int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

months as (
    {{ dbt.date_spine('month', "cast('1990-01-01' as date)", dbt.dateadd('month', 1, as_of_date())) }}
),

first_seen as (
    select min({{ utc_to_business_date('first_seen_at') }}) as first_seen_date
    from int_customers_golden
),

final as (
    select cast({{ dbt.last_day('months.date_month', 'month') }} as date) as month_end
    from months
    cross join first_seen
    where
        months.date_month >= {{ dbt.date_trunc('month', 'first_seen.first_seen_date') }}
        and cast({{ dbt.last_day('months.date_month', 'month') }} as date) <= {{ as_of_date() }}
)

select * from final
