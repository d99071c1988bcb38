{#- The wide and long forms hold the same tags: each customer of the matrix carries
    (tags_carried, counted over the matrix columns) exactly as many tags as
    customer_tags has rows for them, and customer_tags has no customer the matrix
    lacks. Returns the customers where they differ. -#}

with customer_tag_matrix as (
    select * from {{ ref('customer_tag_matrix') }}
),

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

long_counts as (
    select
        customer_id,
        count(*) as long_tags
    from customer_tags
    group by 1
),

compared as (
    select
        coalesce(customer_tag_matrix.customer_id, long_counts.customer_id) as customer_id,
        customer_tag_matrix.tags_carried,
        long_counts.long_tags
    from customer_tag_matrix
    full outer join long_counts
        on customer_tag_matrix.customer_id = long_counts.customer_id
)

select *
from compared
where
    tags_carried is null
    or tags_carried != coalesce(long_tags, 0)
