{#- The catalogue is well formed: every rule reads a feature of customer_features
    (macro tag_feature_columns) that seed tag_features documents; operators and value
    types are known and agree (range/in rules make flags, band rules bands, value rules
    values); a range has a bound; an `in` rule has values; a band tag has bands and a
    non-band tag none; a tag's bands do not overlap. Returns one row per problem. -#}

with tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_bands as (
    select * from {{ ref('tag_bands') }}
),

tag_features as (
    select * from {{ ref('tag_features') }}
),

feature_columns as (
    {%- for feature in tag_feature_columns() %}
        select '{{ feature.name }}' as feature_code
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

band_counts as (
    select
        tag_code,
        count(*) as bands
    from tag_bands
    group by 1
),

definition_problems as (
    select
        definitions.tag_code,
        case
            when feature_columns.feature_code is null then 'feature is not a column of customer_features'
            when tag_features.feature_code is null then 'feature is not documented in seed tag_features'
            when definitions.rule_operator not in ('range', 'in', 'band', 'value') then 'unknown rule_operator'
            when
                definitions.value_type
                != case definitions.rule_operator when 'band' then 'band' when 'value' then 'value' else 'flag' end
                then 'value_type does not match rule_operator'
            when
                definitions.rule_operator = 'range'
                and definitions.min_value is null
                and definitions.max_value is null
                then 'range rule without a bound'
            when definitions.rule_operator = 'in' and definitions.match_value is null then 'in rule without values'
            when definitions.rule_operator = 'band' and band_counts.bands is null then 'band tag without bands'
            when definitions.rule_operator != 'band' and band_counts.bands is not null then 'bands on a non-band tag'
        end as problem
    from tag_definitions as definitions
    left join feature_columns
        on definitions.feature_code = feature_columns.feature_code
    left join tag_features
        on definitions.feature_code = tag_features.feature_code
    left join band_counts
        on definitions.tag_code = band_counts.tag_code
),

overlapping_bands as (
    select
        first_band.tag_code,
        'bands ' || first_band.band_code || ' and ' || second_band.band_code || ' overlap' as problem
    from tag_bands as first_band
    inner join tag_bands as second_band
        on
            first_band.tag_code = second_band.tag_code
            and first_band.band_code < second_band.band_code
            and coalesce(first_band.min_value, -1e18) < coalesce(second_band.max_value, 1e18)
            and coalesce(second_band.min_value, -1e18) < coalesce(first_band.max_value, 1e18)
)

select * from definition_problems
where problem is not null
union all
select * from overlapping_bands
