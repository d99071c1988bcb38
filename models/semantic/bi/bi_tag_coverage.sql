-- Customers carrying each tag (any value), per filter dimensions; the customers per
-- filter dimensions (the coverage denominator) are in bi_customer_counts.
{{ config(materialized="table", schema="semantic") }}

with

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

bi_customer_dimensions as (
    select * from {{ ref('bi_customer_dimensions') }}
),

aggregated as (
    select
        tags.tag_code,
        tags.dimension,
        dims.home_store_id,
        dims.region,
        dims.purchase_channel,
        count(*) as customers
    from customer_tags as tags
    inner join bi_customer_dimensions as dims
        on tags.customer_id = dims.customer_id
    group by all
)

select * from aggregated
