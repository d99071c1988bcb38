{#- Members of the named audiences (人群包) as of D: one row per audience and customer,
    every customer who qualifies (int_audience_members_qualified) except those a
    marketing send may not reach because the audience uses a sensitive tag their
    consent does not cover. Consent per channel and frequency caps are applied when
    a list is exported for a channel (audience_contact_list). -#}

with int_audience_members_qualified as (
    select * from {{ ref('int_audience_members_qualified') }}
),

final as (
    select
        audience_code,
        customer_id,
        target_channel,
        matched_clause_no,
        uses_sensitive_tags,
        as_of_date
    from int_audience_members_qualified
    where not is_excluded_sensitive
)

select * from final
