{#- The tag matrix in long form (标签长表): one row per customer and tag the customer
    carries, as of D. Rules come from seed tag_definitions and are evaluated on the
    long features (int_customer_features_unpivoted):
    - range: min_value <= feature < max_value (a blank bound is open); a flag;
    - in: the feature's text is one of match_value's '|'-separated values; a flag;
    - band: the band of seed tag_bands whose [min_value, max_value) holds the feature;
      the tag value is the band code;
    - value: the feature itself is the tag value (carried when not null).
    A flag's value is 'true'. Adding a tag is one row in tag_definitions. -#}

with int_customer_features_unpivoted as (
    select * from {{ ref('int_customer_features_unpivoted') }}
),

tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_bands as (
    select * from {{ ref('tag_bands') }}
),

range_matches as (
    select
        features.customer_id,
        definitions.tag_code,
        'true' as tag_value
    from tag_definitions as definitions
    inner join int_customer_features_unpivoted as features
        on definitions.feature_code = features.feature_code
    where
        definitions.rule_operator = 'range'
        and (definitions.min_value is null or features.number_value >= definitions.min_value)
        and (definitions.max_value is null or features.number_value < definitions.max_value)
),

{# An `in` rule becomes one row per listed value, so it is an equi-join. #}
in_values as (
    select
        definitions.tag_code,
        definitions.feature_code,
        listed.value_text as match_value
    from tag_definitions as definitions
    {{ join_split_parts('definitions.match_value', '\\|', 'listed', 'value_text', 'value_position') }}
    where definitions.rule_operator = 'in'
),

in_matches as (
    select
        features.customer_id,
        in_values.tag_code,
        'true' as tag_value
    from in_values
    inner join int_customer_features_unpivoted as features
        on
            in_values.feature_code = features.feature_code
            and in_values.match_value = features.text_value
),

band_matches as (
    select
        features.customer_id,
        definitions.tag_code,
        tag_bands.band_code as tag_value
    from tag_definitions as definitions
    inner join tag_bands
        on definitions.tag_code = tag_bands.tag_code
    inner join int_customer_features_unpivoted as features
        on definitions.feature_code = features.feature_code
    where
        definitions.rule_operator = 'band'
        and (tag_bands.min_value is null or features.number_value >= tag_bands.min_value)
        and (tag_bands.max_value is null or features.number_value < tag_bands.max_value)
),

value_matches as (
    select
        features.customer_id,
        definitions.tag_code,
        features.text_value as tag_value
    from tag_definitions as definitions
    inner join int_customer_features_unpivoted as features
        on definitions.feature_code = features.feature_code
    where definitions.rule_operator = 'value'
),

matched as (
    select * from range_matches
    union all
    select * from in_matches
    union all
    select * from band_matches
    union all
    select * from value_matches
),

final as (
    select
        matched.customer_id,
        matched.tag_code,
        matched.tag_value,
        definitions.dimension,
        definitions.value_type,
        definitions.is_sensitive,
        {{ as_of_date() }} as as_of_date
    from matched
    inner join tag_definitions as definitions
        on matched.tag_code = definitions.tag_code
)

select * from final
