{#- Histogram of stitched customers by the number of identifiers they hold, with the
    share of customers and the largest size. One row per size. -#}

with int_customer_keys as (
    select * from {{ ref('int_customer_keys') }}
),

sizes as (
    select
        customer_id,
        count(*) as identifiers
    from int_customer_keys
    group by 1
),

final as (
    select
        identifiers,
        count(*) as customers,
        {{ kpi_ratio('count(*)', 'sum(count(*)) over ()') }} as share_of_customers,
        max(identifiers) over () as largest_cluster
    from sizes
    group by 1
)

select * from final
