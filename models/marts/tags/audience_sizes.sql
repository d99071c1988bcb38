{#- Size of every named audience as of D: one row per audience of seed tag_audiences,
    with the customers who qualify, those left out by the sensitive-tag rule, and the
    members that remain. -#}

with tag_audiences as (
    select * from {{ ref('tag_audiences') }}
),

tag_audience_conditions as (
    select * from {{ ref('tag_audience_conditions') }}
),

tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

int_audience_members_qualified as (
    select * from {{ ref('int_audience_members_qualified') }}
),

sensitive_audiences as (
    {{ audiences_using_sensitive_tags('tag_audience_conditions', 'tag_definitions') }}
),

counted as (
    select
        audience_code,
        count(*) as qualifying_customers,
        sum(case when is_excluded_sensitive then 1 else 0 end) as excluded_sensitive_customers
    from int_audience_members_qualified
    group by 1
),

final as (
    select
        tag_audiences.audience_code,
        tag_audiences.name_zh,
        tag_audiences.name_en,
        tag_audiences.description,
        tag_audiences.target_channel,
        coalesce(counted.qualifying_customers, 0) as qualifying_customers,
        coalesce(counted.excluded_sensitive_customers, 0) as excluded_sensitive_customers,
        coalesce(counted.qualifying_customers, 0)
        - coalesce(counted.excluded_sensitive_customers, 0) as members,
        sensitive_audiences.audience_code is not null as uses_sensitive_tags,
        {{ as_of_date() }} as as_of_date
    from tag_audiences
    left join counted
        on tag_audiences.audience_code = counted.audience_code
    left join sensitive_audiences
        on tag_audiences.audience_code = sensitive_audiences.audience_code
)

select * from final
