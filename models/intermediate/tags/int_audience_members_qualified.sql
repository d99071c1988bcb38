{#- Everyone who qualifies for a named audience (人群包) as of D, before the sensitive-tag
    rule: one row per audience and qualifying customer.
    An audience (seed tag_audiences) is an OR of clauses, each an AND of conditions on
    tags (seed tag_audience_conditions: carry the tag, or carry it with a given value,
    or - negated - not carry it). An audience sent to a marketing channel
    (target_channel other than guide) that uses a sensitive tag keeps only customers
    whose consent covers sensitive tags (latest consent granted on a channel of var
    tag_sensitive_consent_channels; default none, so nobody): such a row is flagged
    is_excluded_sensitive; audience_members drops it and audience_sizes counts it. -#}

with customer_tags as (
    select * from {{ ref('customer_tags') }}
),

customer_features as (
    select * from {{ ref('customer_features') }}
),

tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_audiences as (
    select * from {{ ref('tag_audiences') }}
),

tag_audience_conditions as (
    select * from {{ ref('tag_audience_conditions') }}
),

int_customer_consents_resolved as (
    select * from {{ ref('int_customer_consents_resolved') }}
),

clauses as (
    select
        audience_code,
        clause_no,
        sum(case when is_negated then 0 else 1 end) as positive_conditions
    from tag_audience_conditions
    group by 1, 2
),

condition_hits as (
    select
        customer_tags.customer_id,
        conditions.audience_code,
        conditions.clause_no,
        conditions.is_negated
    from tag_audience_conditions as conditions
    inner join customer_tags
        on
            conditions.tag_code = customer_tags.tag_code
            and (conditions.tag_value is null or conditions.tag_value = customer_tags.tag_value)
),

positive_counts as (
    select
        customer_id,
        audience_code,
        clause_no,
        count(*) as positive_hits
    from condition_hits
    where not is_negated
    group by 1, 2, 3
),

{# A clause of negations only starts from every customer. #}
clause_candidates as (
    select
        positive_counts.customer_id,
        clauses.audience_code,
        clauses.clause_no
    from clauses
    inner join positive_counts
        on
            clauses.audience_code = positive_counts.audience_code
            and clauses.clause_no = positive_counts.clause_no
            and clauses.positive_conditions = positive_counts.positive_hits
    union all
    select
        customer_features.customer_id,
        clauses.audience_code,
        clauses.clause_no
    from clauses
    cross join customer_features
    where clauses.positive_conditions = 0
),

negative_hits as (
    select distinct
        customer_id,
        audience_code,
        clause_no
    from condition_hits
    where is_negated
),

qualified as (
    select
        clause_candidates.customer_id,
        clause_candidates.audience_code,
        min(clause_candidates.clause_no) as matched_clause_no
    from clause_candidates
    left join negative_hits
        on
            clause_candidates.customer_id = negative_hits.customer_id
            and clause_candidates.audience_code = negative_hits.audience_code
            and clause_candidates.clause_no = negative_hits.clause_no
    where negative_hits.customer_id is null
    group by 1, 2
),

sensitive_audiences as (
    {{ audiences_using_sensitive_tags('tag_audience_conditions', 'tag_definitions') }}
),

sensitive_consent as (
    select distinct customer_id
    from int_customer_consents_resolved
    where
        is_granted
        and channel in (
            {%- for channel in var('tag_sensitive_consent_channels') %}'{{ channel }}', {% endfor -%}
            '__none__'
        )
),

final as (
    select
        qualified.audience_code,
        qualified.customer_id,
        tag_audiences.target_channel,
        qualified.matched_clause_no,
        sensitive_audiences.audience_code is not null as uses_sensitive_tags,
        sensitive_audiences.audience_code is not null
        and tag_audiences.target_channel != 'guide'
        and sensitive_consent.customer_id is null as is_excluded_sensitive,
        {{ as_of_date() }} as as_of_date
    from qualified
    inner join tag_audiences
        on qualified.audience_code = tag_audiences.audience_code
    left join sensitive_audiences
        on qualified.audience_code = sensitive_audiences.audience_code
    left join sensitive_consent
        on qualified.customer_id = sensitive_consent.customer_id
)

select * from final
