-- Customers per filter dimensions, lifecycle stage and tier as of D: the denominators of
-- the dashboard's shares.
{{ config(materialized="table", schema="semantic") }}

with

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        coalesce(customers.lifecycle_stage, 'unknown') as lifecycle_stage,
        coalesce(customers.tier_code, 'none') as tier_code,
        count(*) as customers,
        count(*) filter (where customers.is_churn_warning) as churn_warnings
    from dim_customers as customers
    inner join bi_customer_dimensions as dims
        on customers.customer_id = dims.customer_id
    group by all
)

select * from aggregated
