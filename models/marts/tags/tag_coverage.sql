{#- Coverage of every tag (标签覆盖率) as of D: one row per tag of the catalogue, with
    the customers carrying it, all customers of the matrix, their share, and for band
    and value tags the number of distinct values and the most common one (ties: the
    smallest value). -#}

with tag_catalog as (
    select * from {{ ref('tag_catalog') }}
),

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

all_customers as (
    select
        count(*) as total_customers,
        max(as_of_date) as as_of_date
    from customer_features
),

value_counts as (
    select
        tag_code,
        tag_value,
        count(*) as customers
    from customer_tags
    group by 1, 2
),

values_ranked as (
    select
        tag_code,
        tag_value,
        customers,
        -- tie-break: tag_value unique per tag_code (value_counts groups by both)
        row_number() over (partition by tag_code order by customers desc, tag_value asc) as value_rank
    from value_counts
),

per_tag as (
    select
        tag_code,
        sum(customers) as customers,
        count(*) as distinct_values,
        max(case when value_rank = 1 then tag_value end) as top_value,
        max(case when value_rank = 1 then customers end) as top_value_customers
    from values_ranked
    group by 1
),

final as (
    select
        tag_catalog.tag_code,
        tag_catalog.dimension,
        tag_catalog.label_zh,
        tag_catalog.label_en,
        tag_catalog.value_type,
        per_tag.top_value,
        tag_catalog.coverage_note,
        coalesce(per_tag.customers, 0) as customers,
        all_customers.total_customers,
        {{ kpi_ratio('coalesce(per_tag.customers, 0)', 'all_customers.total_customers') }} as coverage_share,
        coalesce(per_tag.distinct_values, 0) as distinct_values,
        per_tag.top_value_customers,
        tag_catalog.is_sensitive,
        all_customers.as_of_date
    from tag_catalog
    cross join all_customers
    left join per_tag
        on tag_catalog.tag_code = per_tag.tag_code
)

select * from final
