{#- No tag is carried by no customer or by every customer unless its catalogue row
    explains why (coverage_note). Rare tags are legitimately empty on a tiny sample,
    so the check applies from var tag_coverage_check_min_customers customers on
    (default 5000: the 20k-member demo sample checks it, the 400-member CI sample
    does not). -#}

with tag_coverage as (
    select * from {{ ref('tag_coverage') }}
)

select
    tag_code,
    customers,
    total_customers,
    coverage_share
from tag_coverage
where
    total_customers >= {{ var('tag_coverage_check_min_customers') }}
    and (customers = 0 or customers = total_customers)
    and coverage_note is null
