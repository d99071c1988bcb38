-- MetricFlow's time spine: one row per day over the years any mart's dates fall in.
-- models/semantic has no folder config in dbt_project.yml: a table in schema semantic.
{{ config(materialized="table", schema="semantic") }}
with

days as (
    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2015-01-01' as date)",
        end_date="cast('2036-01-01' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
