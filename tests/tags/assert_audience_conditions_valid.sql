{#- Every audience condition names a catalogue tag and an audience of seed
    tag_audiences; a value is given only for band and value tags (a flag has no
    value to compare); a band value is one of the tag's bands; every audience has a
    clause with at least one condition; target channels are known. -#}

with tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_bands as (
    select * from {{ ref('tag_bands') }}
),

tag_audiences as (
    select * from {{ ref('tag_audiences') }}
),

tag_audience_conditions as (
    select * from {{ ref('tag_audience_conditions') }}
),

condition_problems as (
    select
        conditions.audience_code,
        conditions.tag_code,
        case
            when tag_definitions.tag_code is null then 'unknown tag'
            when tag_audiences.audience_code is null then 'unknown audience'
            when tag_definitions.value_type = 'flag' and conditions.tag_value is not null then 'value on a flag tag'
            when
                tag_definitions.value_type = 'band'
                and conditions.tag_value is not null
                and tag_bands.band_code is null
                then 'value is not a band of the tag'
        end as problem
    from tag_audience_conditions as conditions
    left join tag_definitions
        on conditions.tag_code = tag_definitions.tag_code
    left join tag_audiences
        on conditions.audience_code = tag_audiences.audience_code
    left join tag_bands
        on
            conditions.tag_code = tag_bands.tag_code
            and conditions.tag_value = tag_bands.band_code
),

audience_problems as (
    select
        tag_audiences.audience_code,
        cast(null as {{ dbt.type_string() }}) as tag_code,
        case
            when conditions.audience_code is null then 'audience without conditions'
            when
                tag_audiences.target_channel not in (
                    {%- for channel in var('contact_channels') %}'{{ channel }}', {% endfor -%}
                    'guide'
                )
                then 'unknown target_channel'
        end as problem
    from tag_audiences
    left join tag_audience_conditions as conditions
        on tag_audiences.audience_code = conditions.audience_code
)

select * from condition_problems
where problem is not null
union all
select distinct * from audience_problems
where problem is not null
