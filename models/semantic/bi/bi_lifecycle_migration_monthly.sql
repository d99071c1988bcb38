-- Stage moves per month end (from the previous month end's stage to this one's), with
-- their direction, per filter dimensions.
{{ config(materialized="table", schema="semantic") }}

with

lifecycle_migration as (
    select * from {{ ref('lifecycle_migration') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        migration.month_end,
        migration.from_stage,
        migration.to_stage,
        migration.migration_direction,
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        count(*) as customers
    from lifecycle_migration as migration
    inner join bi_customer_dimensions as dims
        on migration.customer_id = dims.customer_id
    group by all
)

select * from aggregated
