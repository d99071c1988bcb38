{#- The tag catalogue (标签目录) as BI reads it: one row per tag of seed
    tag_definitions, with its rule written out in Chinese and English from the
    structured rule (feature, operator, bounds, values, bands) and the feature's labels
    (seed tag_features). -#}

with tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_bands as (
    select * from {{ ref('tag_bands') }}
),

tag_features as (
    select * from {{ ref('tag_features') }}
),

bands_described as (
    select
        tag_code,
        {{ string_agg_ordered(
            "band_code || ' [' || coalesce(" ~ number_text('min_value') ~ ", '-inf') || ', ' || coalesce("
            ~ number_text('max_value') ~ ", 'inf') || ')'",
            'band_order', "'; '"
        ) }} as bands_en,
        {{ string_agg_ordered(
            "label_zh || ' [' || coalesce(" ~ number_text('min_value') ~ ", '-∞') || ', ' || coalesce("
            ~ number_text('max_value') ~ ", '∞') || ')'",
            'band_order', "'；'"
        ) }} as bands_zh_list
    from tag_bands
    group by 1
),

bands_labelled as (
    select
        tag_code,
        bands_en,
        ' 分段：' || bands_zh_list as bands_zh
    from bands_described
),

range_texts as (
    select
        tag_code,
        coalesce(' ≥ ' || {{ number_text('min_value') }}, '')
        || case when min_value is not null and max_value is not null then ' 且' else '' end
        || coalesce(' < ' || {{ number_text('max_value') }}, '') as range_zh,
        coalesce(' >= ' || {{ number_text('min_value') }}, '')
        || case when min_value is not null and max_value is not null then ' and' else '' end
        || coalesce(' < ' || {{ number_text('max_value') }}, '') as range_en,
        ' 为 ' || replace(match_value, '|', ' 或 ') as in_zh
    from tag_definitions
),

final as (
    select
        definitions.tag_code,
        definitions.dimension,
        definitions.label_zh,
        definitions.label_en,
        definitions.description,
        definitions.value_type,
        definitions.feature_code,
        definitions.rule_operator,
        case definitions.rule_operator
            when 'range' then coalesce(features.label_zh, definitions.feature_code) || range_texts.range_zh
            when 'in' then coalesce(features.label_zh, definitions.feature_code) || range_texts.in_zh
            when 'band' then coalesce(features.label_zh, definitions.feature_code) || bands_labelled.bands_zh
            when 'value' then '取值为' || coalesce(features.label_zh, definitions.feature_code)
        end as rule_zh,
        case definitions.rule_operator
            when 'range' then definitions.feature_code || range_texts.range_en
            when 'in' then definitions.feature_code || ' in (' || replace(definitions.match_value, '|', ', ') || ')'
            when 'band' then definitions.feature_code || ' banded: ' || bands_labelled.bands_en
            when 'value' then 'the value of ' || definitions.feature_code
        end as rule_en,
        definitions.min_value,
        definitions.max_value,
        definitions.match_value,
        definitions.coverage_note,
        features.label_zh as feature_label_zh,
        features.label_en as feature_label_en,
        features.unit as feature_unit,
        definitions.guide_priority,
        definitions.is_sensitive
    from tag_definitions as definitions
    left join tag_features as features
        on definitions.feature_code = features.feature_code
    left join bands_labelled
        on definitions.tag_code = bands_labelled.tag_code
    left join range_texts
        on definitions.tag_code = range_texts.tag_code
)

select * from final
